#include "engine/bucket/ingest.h"

#include "engine/parse/session.h"
#include "engine/schema/record.h"
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
  std::optional<parse::AgentFormat> hint;
  if (!agent_hint.empty()) {
    auto f = parse::agent_from_name(agent_hint);
    if (!f.ok()) return f.error();
    hint = *f;
  }
  auto record = parse::parse_session_file(path, hint);
  if (!record.ok()) return record.error();
  return schema::to_json(*record);
}

}  // namespace ot::bucket
