// Pi session lines from a TraceRecord (formats.h): the session header, then entries
// with 8-hex ids chained by parentId (one branch: the record's trajectory). Model and
// thinking-level changes, user / assistant / toolResult messages (Pi's own block types:
// text, thinking, toolCall), `!` commands as bashExecution, compactions. The reported
// cost (metrics.extra.reported_cost_usd) sits on the last assistant message's usage.
#include "engine/export/formats.h"
#include "engine/util/time.h"

namespace ot::trace_export {

namespace {

using schema::Step;
using namespace detail;

struct PiWriter {
  const schema::TraceRecord& r;
  std::string out, prev;
  int n = 0;
  void entry(json j, const std::string& ts) {
    std::string id = hex_id(r.trace_id + "/pi/" + std::to_string(n++), 8);
    j["id"] = id;
    j["parentId"] = prev.empty() ? json(nullptr) : json(prev);
    j["timestamp"] = ts;
    prev = id;
    line(out, j);
  }
};

json ms_of(const std::string& ts) {
  auto ms = ms_from_iso(ts);
  return ms ? json(*ms) : json(nullptr);
}

}  // namespace

std::vector<ExportFile> pi_files(const schema::TraceRecord& r) {
  const json& pm = r.metadata.contains("pi") ? r.metadata["pi"] : json::object();
  PiWriter w{r, "", "", 0};
  std::string start = r.timestamp_start;
  line(w.out, {{"type", "session"}, {"version", pm.value("session_version", json(3))}, {"id", r.trace_id},
               {"timestamp", start}, {"cwd", r.metadata.value("cwd", "")}});
  std::string provider = pm.value("provider", "");
  const json compactions = r.metadata.contains("compactions") ? r.metadata["compactions"] : json::array();
  json levels = pm.contains("thinking_levels") ? pm["thinking_levels"] : json::array();
  bool levels_written = false;
  auto write_levels = [&](const std::string& ts) {
    if (levels_written) return;
    levels_written = true;
    for (const auto& l : levels) w.entry({{"type", "thinking_level_change"}, {"thinkingLevel", l}}, ts);
  };
  size_t last_agent = r.steps.size();
  for (size_t i = 0; i < r.steps.size(); ++i)
    if (r.steps[i].role == "agent") last_agent = i;
  std::optional<double> cost;
  if (r.metrics.extra.contains("reported_cost_usd") && r.metrics.extra["reported_cost_usd"].is_number())
    cost = r.metrics.extra["reported_cost_usd"].get<double>();

  std::string model;
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const Step& s = r.steps[i];
    for (const auto& c : compactions)
      if (c.value("before_step", -1) == s.step_index)
        w.entry({{"type", c.value("type", "compaction")}, {"summary", c.value("summary", "")}, {"tokensBefore", 0}},
                c.value("timestamp", s.timestamp));
    if (s.role != "agent") {
      write_levels(s.timestamp);
      if (s.content.size() > 1 && s.content[0] == '!')
        w.entry({{"type", "message"},
                 {"message", {{"role", "bashExecution"}, {"command", s.content.substr(1)}, {"output", ""},
                              {"exitCode", 0}, {"cancelled", false}, {"truncated", false}, {"timestamp", ms_of(s.timestamp)}}}},
                s.timestamp);
      else
        w.entry({{"type", "message"},
                 {"message", {{"role", "user"}, {"content", json::array({{{"type", "text"}, {"text", s.content}}})},
                              {"timestamp", ms_of(s.timestamp)}}}},
                s.timestamp);
      continue;
    }
    if (!s.model.empty() && s.model != model) {
      model = s.model;
      w.entry({{"type", "model_change"}, {"provider", provider}, {"modelId", model}}, s.timestamp);
    }
    write_levels(s.timestamp);
    json content = json::array();
    if (!s.reasoning_content.empty()) content.push_back({{"type", "thinking"}, {"thinking", s.reasoning_content}});
    if (!s.content.empty()) content.push_back({{"type", "text"}, {"text", s.content}});
    for (const auto& c : s.tool_calls)
      content.push_back({{"type", "toolCall"}, {"id", c.tool_call_id}, {"name", c.tool_name}, {"arguments", c.input}});
    std::string stop = s.tool_calls.empty() ? "stop" : "toolUse";
    if (i == last_agent && !r.outcome.terminal_state.empty()) stop = r.outcome.terminal_state;
    json msg = {{"role", "assistant"}, {"content", content}, {"provider", provider}, {"model", s.model},
                {"stopReason", stop}, {"timestamp", ms_of(s.timestamp)}};
    if (s.token_usage) {
      const auto& u = *s.token_usage;
      msg["usage"] = {{"input", u.input_tokens}, {"output", u.output_tokens}, {"cacheRead", u.cache_read_tokens},
                      {"cacheWrite", u.cache_write_tokens},
                      {"totalTokens", u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_write_tokens}};
    }
    if (cost && i == last_agent) {
      if (!msg.contains("usage")) msg["usage"] = json::object();
      msg["usage"]["cost"] = {{"total", *cost}};
    }
    w.entry({{"type", "message"}, {"message", msg}}, s.timestamp);
    for (const auto& o : s.observations) {
      const schema::ToolCall* c = call_of(s, o.source_call_id);
      std::string ts = iso_plus(s.timestamp, c && c->duration_ms ? *c->duration_ms : 0);
      w.entry({{"type", "message"},
               {"message", {{"role", "toolResult"}, {"toolCallId", o.source_call_id},
                            {"toolName", c ? c->tool_name : std::string()},
                            {"content", json::array({{{"type", "text"}, {"text", o.content}}})},
                            {"isError", !o.error.empty()}, {"timestamp", ms_of(ts)}}}},
              ts);
    }
  }
  std::string stamp = start;
  for (char& c : stamp)
    if (c == ':' || c == '.') c = '-';
  return {{stamp + "_" + r.trace_id + ".jsonl", std::move(w.out)}};
}

}  // namespace ot::trace_export
