#include "engine/capture/hook_event.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "engine/parse/patches.h"
#include "engine/util/fs.h"
#include "engine/util/hash.h"

namespace ot::capture {

namespace fs = std::filesystem;

namespace {

std::string str_at(const json& o, const char* key) {
  if (!o.is_object()) return {};
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json& obj_at(const json& o, const char* key) {
  static const json empty = json::object();
  if (!o.is_object()) return empty;
  auto it = o.find(key);
  return it != o.end() ? *it : empty;
}

bool is_pre_tool(std::string_view agent, std::string_view event) {
  return agent == "pi" ? event == "tool_call" : event == "PreToolUse";
}
bool is_post_tool(std::string_view agent, std::string_view event) {
  return agent == "pi" ? event == "tool_result" : event == "PostToolUse";
}

// The tool call a payload describes, in the names patches_from_tool_call understands.
struct ToolCall {
  std::string name, id;
  json input = json::object();
};
ToolCall tool_call_of(std::string_view agent, const json& p, const fs::path& cwd) {
  ToolCall t;
  t.name = str_at(p, "tool_name");
  t.id = agent == "pi" ? str_at(p, "tool_call_id") : str_at(p, "tool_use_id");
  t.input = obj_at(p, "tool_input");
  // Codex reports its shell tool (and apply_patch run through it) as "Bash" {command}.
  if (agent == "codex" && t.name == "Bash") {
    std::string cmd = str_at(t.input, "command");
    if (cmd.find("apply_patch") != std::string::npos) {
      t.name = "exec_command";
      t.input = json{{"cmd", cmd}, {"workdir", cwd.string()}};
    }
  }
  return t;
}

// Claude Code's PostToolUse response carries the hunk position of an Edit.
int hint_line_of(const json& payload) {
  const json& sp = obj_at(obj_at(payload, "tool_response"), "structuredPatch");
  if (sp.is_array() && !sp.empty() && sp[0].is_object()) {
    auto it = sp[0].find("newStart");
    if (it != sp[0].end() && it->is_number_integer()) return it->get<int>();
  }
  return 0;
}

int count_lines(std::string_view text) {
  if (text.empty()) return 1;
  int n = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  return text.back() == '\n' ? std::max(n, 1) : n + 1;
}

json patches_json(const HookCall& call, bool post) {
  ToolCall tool = tool_call_of(call.agent, call.payload, call.cwd);
  if (tool.name.empty() || !parse::is_edit_tool(tool.name)) return nullptr;
  parse::PatchContext ctx;
  ctx.trace_id = payload_session_id(call.agent, call.payload);
  ctx.cwd = call.cwd;
  ctx.tool_call_id = tool.id;
  ctx.capture_method = {post ? "hook_posttooluse" : "hook_pretooluse"};
  auto patches = parse::patches_from_tool_call(tool.name, tool.input, ctx);
  if (patches.empty()) return nullptr;

  int hint = post ? hint_line_of(call.payload) : 0;
  std::map<std::string, std::optional<std::string>> files;  // read each file once
  json out = json::array();
  for (auto& p : patches) {
    p.extra["content_hash"] = murmur3_content_hash(p.authored_text);
    if (post && p.operation != "delete") {
      fs::path path = fs::path(p.file_path).is_absolute() ? fs::path(p.file_path) : call.cwd / p.file_path;
      auto [it, fresh] = files.try_emplace(path.string());
      if (fresh) {
        auto text = read_file(path);
        if (text.ok()) it->second = std::move(text).value();
      }
      LocatedRange r = it->second ? locate_text(*it->second, p.authored_text, hint)
                                  : LocatedRange{1, 1, "low", "posttooluse_no_file_range"};
      p.extra["start_line"] = r.start_line;
      p.extra["end_line"] = r.end_line;
      p.extra["confidence"] = r.confidence;
      if (!r.limitation.empty()) p.limitations.push_back(r.limitation);
    } else if (!post) {
      // Pre-tool: the edit has not happened yet. Codex has no post event for apply_patch,
      // so this is all the hook sees of it; the range comes from the transcript/commit.
      p.limitations.push_back(call.agent == "codex" ? "codex_no_posttooluse" : "pretooluse_no_file_range");
    }
    out.push_back(schema::to_json(p));
  }
  return out;
}

// Big strings (a Read of a large file, a long command output, a tool's echo of the file it
// wrote) are clipped in the spooled payload: the session file holds them in full, and the
// spool stays small and fast.
constexpr size_t kMaxPayloadString = 256 * 1024;
constexpr size_t kKeptPrefix = 16 * 1024;
int clip_large_strings(json& v) {
  int clipped = 0;
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.size() > kMaxPayloadString) {
      std::string kept = s.substr(0, kKeptPrefix) + "\n[clipped by git-opentraces: " + std::to_string(s.size()) +
                         " bytes, sha256 " + sha256_hex(s) + "]";
      v = std::move(kept);
      ++clipped;
    }
  } else if (v.is_structured()) {
    for (auto& child : v) clipped += clip_large_strings(child);
  }
  return clipped;
}

}  // namespace

bool is_known_agent(std::string_view a) { return a == "claude-code" || a == "codex" || a == "pi"; }

LocatedRange locate_text(std::string_view content, std::string_view authored, int hint_line) {
  if (authored.empty()) return {1, 1, "low", "posttooluse_no_file_range"};
  std::vector<size_t> hits;
  for (size_t pos = content.find(authored); pos != std::string_view::npos && hits.size() < 1000;
       pos = content.find(authored, pos + 1))
    hits.push_back(pos);
  if (hits.empty()) return {1, 1, "low", "posttooluse_no_file_range"};
  auto line_of = [&](size_t pos) {
    return 1 + static_cast<int>(std::count(content.begin(), content.begin() + static_cast<long>(pos), '\n'));
  };
  size_t chosen = hits.front();
  if (hits.size() > 1 && hint_line > 0) {
    int best = -1;
    for (size_t h : hits) {
      int d = std::abs(line_of(h) - hint_line);
      if (best < 0 || d < best) best = d, chosen = h;
    }
  }
  LocatedRange r;
  r.start_line = line_of(chosen);
  r.end_line = r.start_line + count_lines(authored) - 1;
  r.confidence = hits.size() == 1 ? "high" : "medium";
  return r;
}

std::string payload_session_id(std::string_view, const json& p) { return str_at(p, "session_id"); }

std::string payload_session_file(std::string_view agent, const json& p) {
  return agent == "pi" ? str_at(p, "session_file") : str_at(p, "transcript_path");
}

std::string payload_cwd(const json& p) { return str_at(p, "cwd"); }

std::string payload_event(std::string_view agent, const json& p) {
  return agent == "pi" ? str_at(p, "event") : str_at(p, "hook_event_name");
}

bool is_session_end(std::string_view agent, std::string_view event) {
  if (agent == "claude-code") return event == "Stop" || event == "SessionEnd";
  if (agent == "codex") return event == "Stop";
  if (agent == "pi") return event == "agent_end" || event == "session_shutdown";
  return false;
}

std::vector<json> spool_items_for(const HookCall& call) {
  std::vector<json> items;
  json ev = {{"kind", "hook_event"},
             {"agent", call.agent},
             {"event", call.event},
             {"session_id", payload_session_id(call.agent, call.payload)},
             {"received_at", call.received_at},
             {"cwd", call.cwd.string()},
             {"payload", call.payload}};
  // tool_input stays whole: it is what the agent wrote, and patches are derived from it.
  int clipped = 0;
  for (auto& [key, value] : ev["payload"].items())
    if (key != "tool_input") clipped += clip_large_strings(value);
  if (clipped) ev["payload_clipped_strings"] = clipped;
  if (call.project_id) ev["project_id"] = *call.project_id;
  if (call.git_head) ev["git"] = {{"head", *call.git_head}};
  std::string session_file = payload_session_file(call.agent, call.payload);
  if (!session_file.empty()) ev["session_file"] = session_file;

  bool post = is_post_tool(call.agent, call.event);
  if (post || is_pre_tool(call.agent, call.event)) {
    json patches = patches_json(call, post);
    if (!patches.is_null()) ev["patches"] = std::move(patches);
  }
  items.push_back(std::move(ev));

  if (is_session_end(call.agent, call.event) && !session_file.empty()) {
    json ingest = {{"kind", "ingest_session"},
                   {"agent", call.agent},
                   {"path", session_file},
                   {"project_dir", call.cwd.string()},
                   {"session_id", payload_session_id(call.agent, call.payload)},
                   {"trigger", call.event}};
    if (call.project_id) ingest["project_id"] = *call.project_id;
    items.push_back(std::move(ingest));
  }
  return items;
}

}  // namespace ot::capture
