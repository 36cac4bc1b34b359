// Helpers shared by the session writers (formats.h).
#include "engine/export/formats.h"
#include "engine/util/hash.h"
#include "engine/util/time.h"

namespace ot::trace_export {

namespace detail {

std::string uuid_from(const std::string& seed) {
  std::string h = sha256_hex(seed);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-8" + h.substr(17, 3) + "-" + h.substr(20, 12);
}

std::string hex_id(const std::string& seed, size_t n) { return sha256_hex(seed).substr(0, n); }

std::string iso_plus(const std::string& ts, int64_t ms) {
  if (ms == 0) return ts;
  auto base = ms_from_iso(ts);
  return base ? iso_from_ms(*base + ms) : ts;
}

std::string file_stamp(const std::string& ts) {
  std::string s = ts.size() >= 19 ? ts.substr(0, 19) : std::string("1970-01-01T00:00:00");
  for (char& c : s)
    if (c == ':') c = '-';
  return s;
}

void line(std::string& out, const json& j) {
  out += j.dump(-1, ' ', false, json::error_handler_t::replace);
  out += '\n';
}

const schema::ToolCall* call_of(const schema::Step& step, const std::string& id) {
  for (const auto& c : step.tool_calls)
    if (c.tool_call_id == id) return &c;
  return nullptr;
}

}  // namespace detail

std::vector<ExportFile> native_files(const schema::TraceRecord& r) {
  if (r.agent.name == "claude-code") return claude_code_files(r);
  if (r.agent.name == "codex") return codex_files(r);
  if (r.agent.name == "pi") return pi_files(r);
  return {};
}

}  // namespace ot::trace_export
