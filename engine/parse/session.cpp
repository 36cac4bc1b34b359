#include "engine/parse/session.h"

#include <fstream>

#include "engine/parse/common.h"

namespace ot::parse {

namespace fs = std::filesystem;

std::string_view agent_name(AgentFormat f) {
  switch (f) {
    case AgentFormat::claude_code: return "claude-code";
    case AgentFormat::codex: return "codex";
    case AgentFormat::pi: return "pi";
  }
  return "unknown";
}

Result<AgentFormat> agent_from_name(std::string_view n) {
  if (n == "claude-code" || n == "claude" || n == "claude_code") return AgentFormat::claude_code;
  if (n == "codex") return AgentFormat::codex;
  if (n == "pi") return AgentFormat::pi;
  return make_error(ExitCode::kUsage, "UNKNOWN_AGENT", "parse", "unknown agent \"" + std::string(n) + "\"",
                    "use one of: auto, claude-code, codex, pi");
}

namespace {

std::optional<AgentFormat> classify(const json& j) {
  std::string type = detail::get_str(j, "type");
  static const char* codex_types[] = {"session_meta", "response_item", "turn_context", "event_msg",
                                      "compacted", "world_state", "token_usage_record"};
  for (const char* t : codex_types)
    if (type == t) return AgentFormat::codex;
  if (type == "session" && j.contains("id") && !j.contains("sessionId")) return AgentFormat::pi;
  if ((type == "message" || type == "model_change" || type == "thinking_level_change") && j.contains("parentId"))
    return AgentFormat::pi;
  if (j.contains("sessionId") || type == "summary" || type == "user" || type == "assistant")
    return AgentFormat::claude_code;
  return std::nullopt;
}

// Cheap look at a line too long to fit in the sniffed head.
std::optional<AgentFormat> classify_prefix(std::string_view s) {
  s = s.substr(0, 4096);
  if (s.find("\"type\":\"session_meta\"") != std::string_view::npos ||
      s.find("\"type\":\"response_item\"") != std::string_view::npos)
    return AgentFormat::codex;
  if (s.find("\"sessionId\"") != std::string_view::npos) return AgentFormat::claude_code;
  return std::nullopt;
}

}  // namespace

Result<AgentFormat> detect_agent_text(std::string_view head, const std::string& where) {
  size_t pos = 0, seen = 0;
  bool any = false;
  while (pos < head.size() && seen < 200) {
    size_t nl = head.find('\n', pos);
    bool complete = nl != std::string_view::npos;
    std::string line(head.substr(pos, complete ? nl - pos : std::string_view::npos));
    pos = complete ? nl + 1 : head.size();
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    any = true;
    ++seen;
    json j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      if (auto f = classify(j)) return *f;
    } else if (auto f = classify_prefix(line)) {
      return *f;
    }
  }
  if (!any)
    return make_error(ExitCode::kUsage, "EMPTY_SESSION", "parse", where + ": the file is empty",
                      "the agent has not written anything yet; try again later");
  return detail::not_a_session(where, "not a Claude Code, Codex or Pi session (no recognisable JSONL record)");
}

Result<AgentFormat> detect_agent(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(ExitCode::kUsage, "FILE_NOT_FOUND", "parse", path.string() + ": cannot open the file",
                      "check the path");
  std::string head(256 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return detect_agent_text(head, path.string());
}

Result<schema::TraceRecord> parse_session_file(const fs::path& path, std::optional<AgentFormat> hint) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    return make_error(ExitCode::kUsage, "NOT_A_SESSION", "parse", path.string() + ": is a directory",
                      "pass the session .jsonl file itself");
  AgentFormat f;
  if (hint) {
    f = *hint;
  } else {
    auto d = detect_agent(path);
    if (!d.ok()) return d.error();
    f = *d;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(ExitCode::kUsage, "FILE_NOT_FOUND", "parse", path.string() + ": cannot open the file",
                      "check the path");
  switch (f) {
    case AgentFormat::claude_code: return parse_claude_code(in, path);
    case AgentFormat::codex: return parse_codex(in, path);
    case AgentFormat::pi: return parse_pi(in, path);
  }
  return detail::not_a_session(path.string(), "unknown format");
}

}  // namespace ot::parse
