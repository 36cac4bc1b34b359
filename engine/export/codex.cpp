// Codex rollout lines from a TraceRecord (formats.h): session_meta (with the base
// instructions, git and CLI facts), turn_context when the model changes, response_item
// messages / reasoning / calls / outputs, one token_usage_record per agent step, and
// compacted / event_msg lines for compactions, errors and the terminal state. A call
// whose input is an object is a function_call with JSON `arguments`; a string input is a
// custom_tool_call (apply_patch); local_shell and web_search keep their `action`.
#include "engine/export/formats.h"

namespace ot::trace_export {

namespace {

using schema::Step;
using namespace detail;

json item(const std::string& ts, const std::string& type, json payload) {
  return {{"timestamp", ts}, {"type", type}, {"payload", std::move(payload)}};
}

// The exit code an error text "exit code N: ..." names.
std::optional<int64_t> error_code(const std::string& error) {
  static const std::string p = "exit code ";
  if (error.rfind(p, 0) != 0) return std::nullopt;
  size_t i = p.size();
  bool neg = i < error.size() && error[i] == '-';
  if (neg) ++i;
  int64_t v = 0;
  size_t digits = 0;
  while (i < error.size() && error[i] >= '0' && error[i] <= '9' && digits < 9) v = v * 10 + (error[i++] - '0'), ++digits;
  if (!digits) return std::nullopt;
  return neg ? -v : v;
}

// The output value that parses back to this observation's content and error.
json output_of(const schema::Observation& o) {
  if (o.error == "tool reported failure") return {{"content", o.content}, {"success", false}};
  auto code = error_code(o.error);
  bool wrap = code || (!o.content.empty() && o.content[0] == '{');
  if (!wrap) return o.content;
  json inner = {{"output", o.content}, {"metadata", json::object()}};
  if (code) inner["metadata"]["exit_code"] = *code;
  return inner.dump();
}

}  // namespace

std::vector<ExportFile> codex_files(const schema::TraceRecord& r) {
  std::string out;
  const json& cx = r.metadata.contains("codex") ? r.metadata["codex"] : json::object();
  std::string start = r.timestamp_start;

  std::string base_hash;
  for (const auto& s : r.steps)
    if (!s.system_prompt_hash.empty()) {
      base_hash = s.system_prompt_hash;
      break;
    }
  json meta = {{"id", r.trace_id}, {"timestamp", start}, {"cwd", r.metadata.value("cwd", "")},
               {"cli_version", r.agent.version}};
  for (const char* k : {"originator", "source", "model_provider"})
    if (cx.contains(k)) meta[k] = cx[k];
  if (r.environment.vcs)
    meta["git"] = {{"commit_hash", r.environment.vcs->base_commit},
                   {"branch", r.environment.vcs->branch},
                   {"repository_url", r.task.repository_url}};
  if (!base_hash.empty() && r.system_prompts.contains(base_hash)) meta["base_instructions"] = {{"text", r.system_prompts[base_hash]}};
  line(out, item(start, "session_meta", meta));
  for (const auto& [hash, text] : r.system_prompts.items())
    if (hash != base_hash && text.is_string())
      line(out, item(start, "response_item",
                     {{"type", "message"}, {"role", "developer"},
                      {"content", json::array({{{"type", "input_text"}, {"text", text}}})}}));

  const json compactions = r.metadata.contains("compactions") ? r.metadata["compactions"] : json::array();
  std::string model;
  for (const auto& s : r.steps) {
    for (const auto& c : compactions)
      if (c.value("before_step", -1) == s.step_index)
        line(out, item(c.value("timestamp", s.timestamp), "compacted", {{"message", c.value("summary", "")}}));
    if (s.role != "agent") {
      line(out, item(s.timestamp, "response_item",
                     {{"type", "message"}, {"role", "user"},
                      {"content", json::array({{{"type", "input_text"}, {"text", s.content}}})}}));
      continue;
    }
    if (!s.model.empty() && s.model != model) {
      model = s.model;
      line(out, item(s.timestamp, "turn_context", {{"model", model}, {"cwd", r.metadata.value("cwd", "")}}));
    }
    if (!s.reasoning_content.empty()) {
      json rs = {{"type", "reasoning"}, {"summary", json::array()}, {"content", nullptr}};
      if (s.reasoning_content == "[encrypted]") rs["encrypted_content"] = "";
      else rs["summary"].push_back({{"type", "summary_text"}, {"text", s.reasoning_content}});
      line(out, item(s.timestamp, "response_item", rs));
    }
    if (!s.content.empty())
      line(out, item(s.timestamp, "response_item",
                     {{"type", "message"}, {"role", "assistant"},
                      {"content", json::array({{{"type", "output_text"}, {"text", s.content}}})}}));
    for (const auto& c : s.tool_calls) {
      json p;
      if (c.tool_name == "local_shell") p = {{"type", "local_shell_call"}, {"call_id", c.tool_call_id}, {"action", c.input}};
      else if (c.tool_name == "web_search") p = {{"type", "web_search_call"}, {"id", c.tool_call_id}, {"action", c.input}};
      else if (c.input.is_string()) p = {{"type", "custom_tool_call"}, {"call_id", c.tool_call_id}, {"name", c.tool_name}, {"input", c.input}};
      else p = {{"type", "function_call"}, {"call_id", c.tool_call_id}, {"name", c.tool_name}, {"arguments", c.input.dump()}};
      line(out, item(s.timestamp, "response_item", p));
    }
    if (s.token_usage) {
      const auto& u = *s.token_usage;
      json usage = {{"input_tokens", u.input_tokens + u.cache_read_tokens},
                    {"cached_input_tokens", u.cache_read_tokens},
                    {"cache_write_input_tokens", u.cache_write_tokens},
                    {"output_tokens", u.output_tokens},
                    {"reasoning_output_tokens", u.extra.value("reasoning_output_tokens", int64_t{0})},
                    {"total_tokens", u.input_tokens + u.cache_read_tokens + u.output_tokens}};
      line(out, item(s.timestamp, "token_usage_record", {{"session_id", r.trace_id}, {"usage", usage}}));
    }
    for (const auto& o : s.observations) {
      const schema::ToolCall* c = call_of(s, o.source_call_id);
      std::string ts = iso_plus(s.timestamp, c && c->duration_ms ? *c->duration_ms : 0);
      std::string type = c && c->input.is_string() && c->tool_name != "local_shell" && c->tool_name != "web_search"
                             ? "custom_tool_call_output"
                         : c && c->tool_name == "local_shell" ? "local_shell_call_output"
                                                              : "function_call_output";
      line(out, item(ts, "response_item", {{"type", type}, {"call_id", o.source_call_id}, {"output", output_of(o)}}));
    }
  }
  std::string end = r.timestamp_end.empty() ? start : r.timestamp_end;
  if (cx.contains("errors") && cx["errors"].is_array())
    for (const auto& e : cx["errors"]) line(out, item(end, "event_msg", {{"type", "error"}, {"message", e}}));
  const std::string& term = r.outcome.terminal_state;
  if (term == "task_complete" || term == "turn_aborted") line(out, item(end, "event_msg", {{"type", term}}));
  return {{"rollout-" + file_stamp(start) + "-" + r.trace_id + ".jsonl", std::move(out)}};
}

}  // namespace ot::trace_export
