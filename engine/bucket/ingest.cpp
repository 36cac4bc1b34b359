#include "engine/bucket/ingest.h"

#include "engine/util/fs.h"

namespace ot::bucket {

Result<json> record_from_session_file(const std::filesystem::path& path, std::string_view agent_hint) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return make_error(ExitCode::kUsage, "SESSION_NOT_FOUND", "capture", "no session file at " + path.string(),
                      "pass the path of an agent session file (.jsonl)");
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  // A single JSON object with a trace_id is a TraceRecord already.
  size_t first = text->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*text)[first] == '{') {
    try {
      json j = json::parse(*text);
      if (j.is_object() && j.contains("trace_id") && j.contains("agent")) return j;
    } catch (const json::exception&) {
      // not one document: a JSONL session
    }
  }
  return make_error(ExitCode::kUnavailable, "PARSER_UNAVAILABLE", "capture",
                    "no session parser is available yet for " + path.string() +
                        (agent_hint.empty() ? "" : " (agent " + std::string(agent_hint) + ")"),
                    "the parsers arrive with issue #3; pass a TraceRecord JSON file meanwhile");
}

}  // namespace ot::bucket
