// Codex CLI rollouts: ~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl, lines
// {timestamp, type, payload} with type session_meta | turn_context | response_item |
// event_msg | token_usage_record | compacted | world_state.
//
// Steps: a real user message is a `user` step; a run of assistant items (reasoning,
// assistant message, function/custom/local-shell calls) up to the first tool output is
// one `agent` step (one model response). Outputs become observations of the call.
// Token usage: per-response token_usage_record lines when the file has them, else
// event_msg token_count `last_token_usage` (duplicates skipped). Codex counts cached
// prompt tokens inside input_tokens; we store input_tokens without them.

#include "engine/parse/common.h"
#include "engine/parse/session.h"
#include "engine/util/hash.h"

namespace ot::parse {

namespace fs = std::filesystem;
using namespace detail;
using schema::Step;

namespace {

constexpr size_t kErrorChars = 1000;

struct Codex {
  schema::TraceRecord r;
  Limitations lims;
  TimeSpan span;
  CallIndex calls;
  size_t recognised = 0;
  std::optional<size_t> cur;  // the agent step being filled
  bool cur_closed = false;    // it has received tool output: the next item is a new response
  std::string model, prompt_hash;
  std::map<std::string, int64_t> exit_codes;  // call id → exit code from item_completed
  std::map<size_t, schema::TokenUsage> usage_records, usage_counts;
  int64_t last_count_total = -1;
  int64_t context_messages = 0;
  json codex_meta = json::object();
  json compactions = json::array();
};

std::string prompt_key(const std::string& text) { return "sha256:" + sha256_hex(text); }

bool harness_context(const std::string& t) {
  for (const char* p : {"<environment_context>", "<user_instructions>", "<INSTRUCTIONS>", "# AGENTS.md",
                        "<permissions", "<skills_instructions>", "<user_shell_command>", "<turn_aborted>"})
    if (t.rfind(p, 0) == 0) return true;
  return false;
}

Step& agent_step(Codex& C, const std::string& ts) {
  if (!C.cur || C.cur_closed) {
    Step s;
    s.role = "agent";
    s.timestamp = ts;
    s.model = C.model;
    s.system_prompt_hash = C.prompt_hash;
    C.r.steps.push_back(std::move(s));
    C.cur = C.r.steps.size() - 1;
    C.cur_closed = false;
  }
  return C.r.steps[*C.cur];
}

void add_text(std::string& dst, const std::string& text) {
  if (text.empty()) return;
  if (!dst.empty()) dst += "\n";
  dst += text;
}

schema::TokenUsage usage_of(const json& u) {
  schema::TokenUsage t;
  int64_t input = get_int(u, "input_tokens"), cached = get_int(u, "cached_input_tokens");
  t.input_tokens = input > cached ? input - cached : 0;
  t.cache_read_tokens = cached;
  t.cache_write_tokens = get_int(u, "cache_write_input_tokens");
  t.output_tokens = get_int(u, "output_tokens");
  int64_t reasoning = get_int(u, "reasoning_output_tokens");
  if (reasoning > 0) t.extra["reasoning_output_tokens"] = reasoning;
  return t;
}

void add_usage(std::map<size_t, schema::TokenUsage>& m, size_t step, const schema::TokenUsage& u) {
  auto [it, fresh] = m.emplace(step, u);
  if (fresh) return;
  it->second.input_tokens += u.input_tokens;
  it->second.output_tokens += u.output_tokens;
  it->second.cache_read_tokens += u.cache_read_tokens;
  it->second.cache_write_tokens += u.cache_write_tokens;
}

// Exit code written into an output text by the exec tools.
std::optional<int64_t> exit_code_in(const std::string& out) {
  std::string_view head = std::string_view(out).substr(0, 4096);
  for (std::string_view marker : {"Process exited with code ", "Exit code: ", "Exit code "}) {
    size_t at = head.find(marker);
    if (at == std::string_view::npos) continue;
    size_t i = at + marker.size();
    bool neg = i < head.size() && head[i] == '-';
    if (neg) ++i;
    int64_t v = 0;
    size_t digits = 0;
    while (i < head.size() && head[i] >= '0' && head[i] <= '9' && digits < 9) v = v * 10 + (head[i++] - '0'), ++digits;
    if (digits) return neg ? -v : v;
  }
  return std::nullopt;
}

void on_session_meta(Codex& C, const json& p) {
  if (C.r.trace_id.empty()) {
    C.r.trace_id = get_str(p, "id");
    if (C.r.trace_id.empty()) C.r.trace_id = get_str(p, "session_id");
  }
  std::string cwd = get_str(p, "cwd");
  if (!cwd.empty() && !C.r.metadata.contains("cwd")) C.r.metadata["cwd"] = cwd;
  if (C.r.agent.version.empty()) C.r.agent.version = get_str(p, "cli_version");
  for (const char* k : {"originator", "source", "model_provider"})
    if (!get_str(p, k).empty() && !C.codex_meta.contains(k)) C.codex_meta[k] = get_str(p, k);
  const json& git = get_obj(p, "git");
  if (git.is_object() && !C.r.environment.vcs) {
    schema::Vcs v;
    v.type = "git";
    v.base_commit = get_str(git, "commit_hash");
    v.branch = get_str(git, "branch");
    C.r.environment.vcs = v;
    C.r.task.base_commit = v.base_commit;
    C.r.task.repository_url = get_str(git, "repository_url");
  }
  std::string instructions = get_str(get_obj(p, "base_instructions"), "text");
  if (instructions.empty()) instructions = get_str(p, "instructions");
  if (!instructions.empty()) {
    C.prompt_hash = prompt_key(instructions);
    C.r.system_prompts[C.prompt_hash] = instructions;
  }
}

void on_response_item(Codex& C, const json& p, const std::string& ts) {
  std::string type = get_str(p, "type");
  if (type == "message") {
    std::string role = get_str(p, "role");
    std::string text = text_of(get_any(p, "content"));
    if (role == "user") {
      if (harness_context(text)) {
        ++C.context_messages;
        return;
      }
      if (text.empty()) return;
      add_user_step(C.r, std::move(text), ts);
      C.cur.reset();
    } else if (role == "assistant") {
      add_text(agent_step(C, ts).content, text);
    } else if (!text.empty()) {  // developer / system instructions
      C.r.system_prompts[prompt_key(text)] = text;
    }
  } else if (type == "reasoning") {
    std::string text;
    if (p.contains("summary") && p["summary"].is_array())
      for (const auto& s : p["summary"]) add_text(text, get_str(s, "text"));
    if (p.contains("content") && p["content"].is_array())
      for (const auto& s : p["content"]) add_text(text, get_str(s, "text"));
    Step& s = agent_step(C, ts);
    add_text(s.reasoning_content, text.empty() && p.contains("encrypted_content") ? "[encrypted]" : text);
  } else if (type == "function_call" || type == "custom_tool_call" || type == "local_shell_call" ||
             type == "web_search_call") {
    Step& s = agent_step(C, ts);
    schema::ToolCall c;
    c.tool_call_id = get_str(p, "call_id");
    if (c.tool_call_id.empty()) c.tool_call_id = get_str(p, "id");
    c.tool_name = get_str(p, "name");
    if (type == "function_call") {
      std::string args = get_str(p, "arguments");
      json parsed = json::parse(args, nullptr, false);
      c.input = parsed.is_discarded() ? json(args) : parsed;
    } else if (type == "custom_tool_call") {
      c.input = get_any(p, "input");
    } else {
      if (c.tool_name.empty()) c.tool_name = type == "local_shell_call" ? "local_shell" : "web_search";
      c.input = p.contains("action") ? p["action"] : json::object();
    }
    if (c.tool_name.empty()) c.tool_name = "unknown";
    C.calls.by_id[c.tool_call_id] = {*C.cur, s.tool_calls.size(), ts};
    s.tool_calls.push_back(std::move(c));
  } else if (type == "function_call_output" || type == "custom_tool_call_output" ||
             type == "local_shell_call_output") {
    schema::Observation o;
    std::optional<int64_t> code;
    const json& out = get_any(p, "output");
    if (out.is_string()) {
      o.content = out.get<std::string>();
      // Older rollouts wrap the output: {"output": "...", "metadata": {"exit_code": N}}
      if (!o.content.empty() && o.content[0] == '{') {
        json inner = json::parse(o.content, nullptr, false);
        if (inner.is_object() && inner.contains("output")) {
          o.content = get_str(inner, "output");
          if (get_obj(inner, "metadata").contains("exit_code")) code = get_int(get_obj(inner, "metadata"), "exit_code");
        }
      }
    } else {
      o.content = text_of(out.is_object() && out.contains("content") ? out["content"] : out);
      if (out.is_object() && out.contains("success") && out["success"].is_boolean() && !out["success"].get<bool>())
        o.error = "tool reported failure";
    }
    std::string id = get_str(p, "call_id");
    if (!code) {
      auto it = C.exit_codes.find(id);
      if (it != C.exit_codes.end()) code = it->second;
    }
    if (!code) code = exit_code_in(o.content);
    if (code && *code != 0) o.error = "exit code " + std::to_string(*code) + ": " + o.content.substr(0, kErrorChars);
    attach_observation(C.r, C.calls, id, std::move(o), ts, C.cur.value_or(C.r.steps.empty() ? 0 : C.r.steps.size() - 1));
    if (C.cur) C.cur_closed = true;
  } else {
    C.lims.add("unknown_response_item", "a response_item of an unknown type was skipped: \"" + type + "\"");
  }
}

void on_event(Codex& C, const json& p) {
  std::string type = get_str(p, "type");
  if (type == "token_count") {
    const json& info = get_obj(p, "info");
    int64_t total = get_int(get_obj(info, "total_token_usage"), "total_tokens");
    if (!info.is_object() || total == C.last_count_total) return;
    C.last_count_total = total;
    if (C.cur) add_usage(C.usage_counts, *C.cur, usage_of(get_obj(info, "last_token_usage")));
  } else if (type == "item_completed") {
    const json& item = get_obj(p, "item");
    if (get_str(item, "type") == "CommandExecution" && item.contains("exit_code") && item["exit_code"].is_number())
      C.exit_codes[get_str(item, "id")] = get_int(item, "exit_code");
  } else if (type == "task_complete" || type == "turn_aborted") {
    C.r.outcome.terminal_state = type;
  } else if (type == "error") {
    if (!C.codex_meta.contains("errors")) C.codex_meta["errors"] = json::array();
    C.codex_meta["errors"].push_back(get_str(p, "message"));
  }
}

}  // namespace

Result<schema::TraceRecord> parse_codex(std::istream& in, const fs::path& source) {
  Codex C;
  C.r.agent.name = "codex";
  JsonlReader reader(in, C.lims);
  json line;
  int64_t session_metas = 0;
  while (reader.next(line)) {
    std::string type = get_str(line, "type");
    std::string ts = get_str(line, "timestamp");
    const json& p = get_obj(line, "payload");
    if (type == "session_meta") {
      ++session_metas;
      on_session_meta(C, p);
    } else if (type == "turn_context") {
      std::string m = get_str(p, "model");
      if (!m.empty()) C.model = m;
    } else if (type == "response_item") {
      on_response_item(C, p, ts);
    } else if (type == "event_msg") {
      on_event(C, p);
    } else if (type == "token_usage_record") {
      if (C.cur) add_usage(C.usage_records, *C.cur, usage_of(get_obj(p, "usage")));
    } else if (type == "compacted") {
      C.compactions.push_back({{"timestamp", ts}, {"summary", get_str(p, "message")}, {"before_step", C.r.steps.size()}});
    } else if (type == "world_state") {
      // harness state snapshot: nothing for the record
    } else {
      C.lims.add("unknown_line_type", "a line of an unknown type was skipped: \"" + type + "\"", reader.line_no());
      continue;
    }
    ++C.recognised;
    C.span.see(ts);
  }
  if (C.r.trace_id.empty() && C.recognised > 0 && !source.empty()) {
    // rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl: the uuid is the last 36 characters of the stem
    std::string stem = source.stem().string();
    C.r.trace_id = stem.size() > 36 ? stem.substr(stem.size() - 36) : stem;
    C.lims.add("session_meta_missing", "no session_meta line: the session id was taken from the file name");
  }
  auto& usage = C.usage_records.empty() ? C.usage_counts : C.usage_records;
  for (auto& [step, u] : usage) C.r.steps[step].token_usage = u;
  if (session_metas > 1) C.codex_meta["session_meta_lines"] = session_metas;
  if (C.context_messages) C.codex_meta["harness_context_messages"] = C.context_messages;
  C.r.metadata["codex"] = C.codex_meta;
  if (!C.compactions.empty()) C.r.metadata["compactions"] = C.compactions;
  C.r.metadata["skills_invoked"] = json::array();
  C.r.metadata["subagents"] = json::array();
  if (!source.empty()) C.r.metadata["source_file"] = source.filename().string();
  return finish(std::move(C.r), C.span, C.lims, reader, C.recognised, source.empty() ? "<stream>" : source.string());
}

}  // namespace ot::parse
