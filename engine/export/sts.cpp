// Session Trace Simple Format (the Hub trace viewer's format for any harness): a header
// {"type":"session","harness","id","name"} then one {"type":"message","message":{...}}
// per message — user prompts, assistant turns (content, reasoningContent, toolCalls
// [{id, type, function {name, arguments}}], model), and one "tool" message per tool result
// (toolCallId). Timestamps are epoch milliseconds. `arguments` is the call's input as a
// JSON string, as in the OpenAI tool-call shape the format borrows.
#include "engine/export/formats.h"
#include "engine/util/time.h"

namespace ot::trace_export {

namespace {

void stamp(json& m, const std::string& ts) {
  if (auto ms = ms_from_iso(ts)) m["timestamp"] = *ms;
}

std::string title_of(const schema::TraceRecord& r) {
  std::string t = r.task.description.substr(0, r.task.description.find('\n'));
  if (t.size() > 120) t = t.substr(0, 117) + "...";
  return t;
}

}  // namespace

ExportFile sts_file(const schema::TraceRecord& r) {
  std::string out;
  json head = {{"type", "session"}, {"harness", r.agent.name}, {"id", r.trace_id}, {"name", title_of(r)}};
  if (!r.agent.version.empty()) head["harness_version"] = r.agent.version;
  if (!r.agent.model.empty()) head["model"] = r.agent.model;
  if (!r.timestamp_start.empty()) head["started_at"] = r.timestamp_start;
  detail::line(out, head);
  for (const auto& s : r.steps) {
    json m;
    if (s.role == "agent") {
      m = {{"role", "assistant"}, {"content", s.content}};
      if (!s.reasoning_content.empty()) m["reasoningContent"] = s.reasoning_content;
      if (!s.model.empty()) m["model"] = s.model;
      if (!s.tool_calls.empty()) {
        json calls = json::array();
        for (const auto& c : s.tool_calls)
          calls.push_back({{"id", c.tool_call_id},
                           {"type", "function"},
                           {"function", {{"name", c.tool_name}, {"arguments", c.input.is_string() ? c.input.get<std::string>() : c.input.dump()}}}});
        m["toolCalls"] = calls;
      }
    } else {
      m = {{"role", s.role == "system" ? "system" : "user"}, {"content", s.content}};
    }
    stamp(m, s.timestamp);
    detail::line(out, {{"type", "message"}, {"message", m}});
    for (const auto& o : s.observations) {
      json t = {{"role", "tool"}, {"content", o.content}, {"toolCallId", o.source_call_id}};
      if (!o.error.empty()) t["isError"] = true;
      const schema::ToolCall* c = detail::call_of(s, o.source_call_id);
      stamp(t, detail::iso_plus(s.timestamp, c && c->duration_ms ? *c->duration_ms : 0));
      detail::line(out, {{"type", "message"}, {"message", t}});
    }
  }
  return {r.trace_id + ".jsonl", std::move(out)};
}

}  // namespace ot::trace_export
