// Claude Code transcripts: ~/.claude/projects/<encoded-cwd>/<session>.jsonl, plus the
// sub-agent transcripts in <session>/subagents/agent-<id>.jsonl (or, as the test
// fixtures store them, <session>.subagents/agent-<id>.jsonl).
//
// Steps: each user prompt is a `user` step; each assistant message (all lines sharing
// one message.id) is one `agent` step holding its text, thinking (reasoning_content),
// tool_use blocks (tool_calls) and, once, its token usage. tool_result blocks become
// observations of the step that made the call.
#include <algorithm>
#include <fstream>
#include <set>

#include "engine/parse/common.h"
#include "engine/parse/session.h"

namespace ot::parse {

namespace fs = std::filesystem;
using namespace detail;
using schema::Step;

namespace {

constexpr size_t kErrorChars = 1000;

// One transcript file's steps, before sub-agent steps are merged in.
struct Track {
  schema::TraceRecord rec;  // only steps are used
  CallIndex calls;
  std::unordered_map<std::string, size_t> step_of_message;
  std::set<std::string> usage_counted;
  std::string agent_id;      // sub-agent files: the agentId of their lines
  std::string agent_role;    // attributionAgent
  std::string first_prompt;  // first user text
  // Transcript structure for the context tree (engine/ctx): every line's parent, the
  // step that owns a line, and the first/last line of each step.
  std::unordered_map<std::string, std::string> parent_of, logical_parent;
  std::unordered_map<std::string, size_t> owner, compaction_at;
  std::vector<std::pair<std::string, std::string>> step_lines;  // per step: first, last uuid

  void own(const std::string& uuid, size_t pos) {
    if (uuid.empty()) return;
    owner.emplace(uuid, pos);
    if (step_lines.size() <= pos) step_lines.resize(pos + 1);
    if (step_lines[pos].first.empty()) step_lines[pos].first = uuid;
    step_lines[pos].second = uuid;
  }
};

struct Session {
  Session(schema::TraceRecord& rec, Limitations& l) : r(rec), lims(l) {}
  schema::TraceRecord& r;
  Limitations& lims;
  TimeSpan span;
  size_t recognised = 0;
  std::string last_stop_reason;
  json skills = json::array();
  json summaries = json::array();
  json compactions = json::array();
  std::map<std::string, std::pair<std::string, std::string>> agent_results;  // agentId → (tool_use_id, agentType)
  std::map<std::string, int64_t> system_subtypes;
};

const std::set<std::string>& quiet_types() {
  static const std::set<std::string> s = {"queue-operation", "last-prompt",      "mode",      "attachment",
                                          "file-history-snapshot", "permission-mode", "custom-title", "tag",
                                          "agent-name", "progress", "pr-link", "ai-title"};
  return s;
}

schema::TokenUsage usage_of(const json& u) {
  schema::TokenUsage t;
  t.input_tokens = get_int(u, "input_tokens");
  t.output_tokens = get_int(u, "output_tokens");
  t.cache_read_tokens = get_int(u, "cache_read_input_tokens");
  t.cache_write_tokens = get_int(u, "cache_creation_input_tokens");
  return t;
}

void add_text(std::string& dst, const std::string& text) {
  if (text.empty()) return;
  if (!dst.empty()) dst += "\n";
  dst += text;
}

void on_assistant(Session& S, Track& T, const json& line, bool sidechain) {
  const json& msg = get_obj(line, "message");
  std::string ts = get_str(line, "timestamp");
  std::string mid = get_str(msg, "id");
  if (mid.empty()) mid = get_str(line, "uuid");
  size_t pos;
  auto it = T.step_of_message.find(mid);
  if (it != T.step_of_message.end() && !mid.empty()) {
    pos = it->second;
  } else {
    Step s;
    s.role = "agent";
    s.timestamp = ts;
    if (sidechain || !T.agent_id.empty()) s.call_type = "subagent";
    s.agent_role = get_str(line, "attributionAgent");
    T.rec.steps.push_back(std::move(s));
    pos = T.rec.steps.size() - 1;
    if (!mid.empty()) T.step_of_message[mid] = pos;
  }
  T.own(get_str(line, "uuid"), pos);
  Step& s = T.rec.steps[pos];
  std::string model = get_str(msg, "model");
  if (!model.empty() && model != "<synthetic>") s.model = model;
  if (msg.contains("usage") && msg["usage"].is_object() && T.usage_counted.insert(mid).second)
    s.token_usage = usage_of(msg["usage"]);
  std::string stop = get_str(msg, "stop_reason");
  if (!stop.empty() && T.agent_id.empty()) S.last_stop_reason = stop;
  const json& content = get_any(msg, "content");
  if (content.is_string()) add_text(s.content, content.get<std::string>());
  if (!content.is_array()) return;
  for (const auto& b : content) {
    std::string type = get_str(b, "type");
    if (type == "text") {
      add_text(s.content, get_str(b, "text"));
    } else if (type == "thinking") {
      add_text(s.reasoning_content, get_str(b, "thinking"));
    } else if (type == "redacted_thinking") {
      add_text(s.reasoning_content, "[redacted]");
    } else if (type == "tool_use" || type == "server_tool_use") {
      schema::ToolCall c;
      c.tool_call_id = get_str(b, "id");
      c.tool_name = get_str(b, "name");
      if (c.tool_name.empty()) c.tool_name = "unknown";
      c.input = b.contains("input") ? b["input"] : json::object();
      if (c.tool_name == "Skill") {
        std::string skill = get_str(c.input, "skill");
        if (skill.empty()) skill = get_str(c.input, "command");
        if (!skill.empty()) S.skills.push_back({{"name", skill}, {"tool_call_id", c.tool_call_id}});
      }
      T.calls.by_id[c.tool_call_id] = {pos, s.tool_calls.size(), ts};
      s.tool_calls.push_back(std::move(c));
    }
  }
}

void on_user(Session& S, Track& T, const json& line, bool sidechain) {
  const json& msg = get_obj(line, "message");
  std::string ts = get_str(line, "timestamp");
  const json& content = get_any(msg, "content");
  bool is_meta = get_bool(line, "isMeta");
  if (get_bool(line, "isCompactSummary")) {
    // Fill the entry its compact_boundary line opened, else start one.
    std::string uuid = get_str(line, "uuid");
    auto b = T.compaction_at.find(get_str(line, "parentUuid"));
    size_t idx = b != T.compaction_at.end() ? b->second : S.compactions.size();
    if (idx == S.compactions.size()) S.compactions.push_back(json::object());
    json& c = S.compactions[idx];
    c["timestamp"] = ts;
    c["summary"] = text_of(content);
    if (!uuid.empty()) {
      c["uuid"] = uuid;
      T.compaction_at[uuid] = idx;
    }
    return;
  }
  // Record which tool call ran which sub-agent (Agent/Task results carry agentId).
  const json& tur = get_obj(line, "toolUseResult");
  std::string text;
  if (content.is_string()) {
    text = content.get<std::string>();
  } else if (content.is_array()) {
    for (const auto& b : content) {
      std::string type = get_str(b, "type");
      if (type == "tool_result") {
        schema::Observation o;
        o.content = text_of(get_any(b, "content"));
        if (get_bool(b, "is_error")) o.error = o.content.empty() ? "error" : o.content.substr(0, kErrorChars);
        std::string id = get_str(b, "tool_use_id");
        auto call = T.calls.by_id.find(id);
        if (call != T.calls.by_id.end()) T.own(get_str(line, "uuid"), call->second.step);
        std::string agent = get_str(tur, "agentId");
        if (!agent.empty()) S.agent_results[agent] = {id, get_str(tur, "agentType")};
        attach_observation(T.rec, T.calls, id, std::move(o), ts, T.rec.steps.empty() ? 0 : T.rec.steps.size() - 1);
      } else if (type == "text") {
        add_text(text, get_str(b, "text"));
      } else if (type == "image") {
        add_text(text, "[image]");
      }
    }
  }
  if (text.empty()) return;
  if (is_meta) {
    // Text the harness injected for a tool (e.g. a skill's instructions): keep it with
    // that tool's observation instead of inventing a user turn.
    std::string src = get_str(line, "sourceToolUseID");
    auto it = T.calls.by_id.find(src);
    if (!src.empty() && it != T.calls.by_id.end()) {
      for (auto& o : T.rec.steps[it->second.step].observations)
        if (o.source_call_id == src) add_text(o.content, text);
    }
    return;
  }
  if (T.first_prompt.empty()) T.first_prompt = text;
  add_user_step(T.rec, std::move(text), ts);
  T.own(get_str(line, "uuid"), T.rec.steps.size() - 1);
  if (sidechain || !T.agent_id.empty()) T.rec.steps.back().call_type = "subagent";
}

void parse_stream(Session& S, Track& T, std::istream& in, JsonlReader& reader, bool main_file) {
  json line;
  while (reader.next(line)) {
    std::string type = get_str(line, "type");
    std::string ts = get_str(line, "timestamp");
    bool sidechain = get_bool(line, "isSidechain");
    std::string uuid = get_str(line, "uuid");
    if (!uuid.empty()) T.parent_of.emplace(uuid, get_str(line, "parentUuid"));
    if (type == "user" || type == "assistant") {
      ++S.recognised;
      S.span.see(ts);
      if (main_file) {
        if (S.r.trace_id.empty()) S.r.trace_id = get_str(line, "sessionId");
        if (!S.r.metadata.contains("cwd") && !get_str(line, "cwd").empty()) S.r.metadata["cwd"] = get_str(line, "cwd");
        if (S.r.agent.version.empty()) S.r.agent.version = get_str(line, "version");
        std::string branch = get_str(line, "gitBranch");
        if (!branch.empty() && !S.r.environment.vcs) S.r.environment.vcs = schema::Vcs{"git", "", branch, "", json::object()};
        if (!S.r.metadata.contains("claude_code")) S.r.metadata["claude_code"] = json::object();
        json& cc = S.r.metadata["claude_code"];
        for (const char* k : {"entrypoint", "permissionMode", "userType"})
          if (!cc.contains(k) && !get_str(line, k).empty()) cc[k] = get_str(line, k);
      }
      if (T.agent_id.empty() && !main_file) T.agent_id = get_str(line, "agentId");
      if (type == "assistant") on_assistant(S, T, line, sidechain);
      else on_user(S, T, line, sidechain);
      if (T.agent_role.empty()) T.agent_role = get_str(line, "attributionAgent");
    } else if (type == "summary") {
      ++S.recognised;
      S.summaries.push_back({{"summary", get_str(line, "summary")}, {"leaf_uuid", get_str(line, "leafUuid")}});
    } else if (type == "system") {
      ++S.recognised;
      S.span.see(ts);
      std::string sub = get_str(line, "subtype");
      ++S.system_subtypes[sub.empty() ? "system" : sub];
      if (sub == "compact_boundary" && !uuid.empty()) {
        const json& cm = get_obj(line, "compactMetadata");
        json c = {{"timestamp", ts}, {"summary", nullptr}, {"boundary_uuid", uuid}};
        std::string lp = get_str(line, "logicalParentUuid");
        c["logical_parent_uuid"] = lp.empty() ? json(nullptr) : json(lp);
        if (!get_str(cm, "trigger").empty()) c["trigger"] = get_str(cm, "trigger");
        if (cm.contains("preTokens")) c["pre_tokens"] = cm["preTokens"];
        T.compaction_at[uuid] = S.compactions.size();
        S.compactions.push_back(std::move(c));
        if (!lp.empty()) T.logical_parent[uuid] = lp;
      }
    } else if (quiet_types().count(type)) {
      ++S.recognised;
      if (type == "queue-operation") S.span.see(ts);
      if (main_file && S.r.trace_id.empty()) S.r.trace_id = get_str(line, "sessionId");
    } else {
      S.lims.add("unknown_line_type", "a line of an unknown type was skipped: \"" + type + "\"", reader.line_no());
    }
  }
  (void)in;
}

// Sub-agent transcripts that belong to `source`.
std::vector<fs::path> subagent_files(const fs::path& source) {
  std::vector<fs::path> out;
  if (source.empty()) return out;
  fs::path stem = source.parent_path() / source.stem();
  for (const fs::path& dir : {stem / "subagents", fs::path(stem.string() + ".subagents")}) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (e.is_regular_file(ec) && name.rfind("agent-", 0) == 0 && e.path().extension() == ".jsonl")
        out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Links each step to the step it follows in the transcript's uuid/parentUuid graph
// (through attachments, meta and system lines; across a compact_boundary by its
// logicalParentUuid), for the context tree: Step keys transcript_uuid,
// transcript_parent_uuid, transcript_end_uuid and transcript_compaction (the index in
// metadata.compactions of a compaction crossed on the way).
void link_steps(Track& T) {
  for (size_t pos = 0; pos < T.rec.steps.size() && pos < T.step_lines.size(); ++pos) {
    const auto& [first, last] = T.step_lines[pos];
    if (first.empty()) continue;
    json& x = T.rec.steps[pos].extra;
    x["transcript_uuid"] = first;
    x["transcript_end_uuid"] = last;
    std::optional<size_t> crossed;
    std::string parent;
    auto p = T.parent_of.find(first);
    std::string cur = p == T.parent_of.end() ? std::string() : p->second;
    for (int guard = 0; !cur.empty() && guard < 100000; ++guard) {
      auto o = T.owner.find(cur);
      if (o != T.owner.end() && o->second != pos) {
        parent = T.step_lines[o->second].first;
        break;
      }
      auto c = T.compaction_at.find(cur);
      if (c != T.compaction_at.end() && !crossed) crossed = c->second;
      auto lp = T.logical_parent.find(cur);
      if (lp != T.logical_parent.end()) {
        cur = lp->second;
        continue;
      }
      auto up = T.parent_of.find(cur);
      cur = up == T.parent_of.end() ? std::string() : up->second;
    }
    x["transcript_parent_uuid"] = parent.empty() ? json(nullptr) : json(parent);
    if (crossed) x["transcript_compaction"] = *crossed;
  }
}

// The step (in the main track) whose tool call started the sub-agent.
std::optional<size_t> find_parent(const Session& S, const Track& main, const Track& sub) {
  auto it = S.agent_results.find(sub.agent_id);
  if (it != S.agent_results.end()) {
    auto c = main.calls.by_id.find(it->second.first);
    if (c != main.calls.by_id.end()) return c->second.step;
  }
  // Fallback: the Agent/Task call whose prompt is the sub-agent's first prompt.
  for (size_t i = 0; i < main.rec.steps.size(); ++i)
    for (const auto& c : main.rec.steps[i].tool_calls)
      if ((c.tool_name == "Agent" || c.tool_name == "Task") && !sub.first_prompt.empty() &&
          get_str(c.input, "prompt") == sub.first_prompt)
        return i;
  return std::nullopt;
}

}  // namespace

Result<schema::TraceRecord> parse_claude_code(std::istream& in, const fs::path& source) {
  schema::TraceRecord r;
  r.agent.name = "claude-code";
  Limitations lims;
  Session S{r, lims};
  Track main;
  JsonlReader reader(in, lims);
  parse_stream(S, main, in, reader, true);
  link_steps(main);
  if (r.trace_id.empty() && S.recognised > 0 && !source.empty()) r.trace_id = source.stem().string();

  // Sub-agents: parse each file, then splice its steps in after the parent step.
  std::vector<std::pair<std::optional<size_t>, Track>> subs;
  json sub_meta = json::array();
  for (const fs::path& f : subagent_files(source)) {
    std::ifstream sin(f, std::ios::binary);
    if (!sin) {
      lims.add("subagent_unreadable", "a sub-agent transcript could not be opened: " + f.filename().string());
      continue;
    }
    Track t;
    size_t before = S.recognised;
    JsonlReader sreader(sin, lims);
    parse_stream(S, t, sin, sreader, false);
    link_steps(t);
    S.recognised = before;  // sub-agent lines alone do not make the main file a session
    if (t.agent_id.empty()) {
      std::string stem = f.stem().string();
      t.agent_id = stem.substr(6);
    }
    auto parent = find_parent(S, main, t);
    if (!parent) lims.add("subagent_parent_unknown", "no tool call in the main transcript started sub-agent " + t.agent_id);
    subs.emplace_back(parent, std::move(t));
  }

  std::vector<Step> merged;
  std::vector<size_t> new_index(main.rec.steps.size());
  auto splice = [&](std::pair<std::optional<size_t>, Track>& sub, std::optional<size_t> parent_new) {
    Track& t = sub.second;
    auto role_it = S.agent_results.find(t.agent_id);
    std::string role = role_it != S.agent_results.end() && !role_it->second.second.empty() ? role_it->second.second
                                                                                            : t.agent_role;
    size_t first = merged.size();
    for (auto& s : t.rec.steps) {
      s.call_type = "subagent";
      if (parent_new) s.parent_step = static_cast<int>(*parent_new);
      if (s.agent_role.empty()) s.agent_role = role;
      s.subagent_trajectory_ref = "agent-" + t.agent_id;
      merged.push_back(std::move(s));
    }
    sub_meta.push_back({{"agent_id", t.agent_id},
                        {"agent_type", role.empty() ? json(nullptr) : json(role)},
                        {"parent_step", parent_new ? json(*parent_new) : json(nullptr)},
                        {"first_step", first},
                        {"step_count", merged.size() - first}});
  };
  for (size_t i = 0; i < main.rec.steps.size(); ++i) {
    new_index[i] = merged.size();
    merged.push_back(std::move(main.rec.steps[i]));
    for (auto& sub : subs)
      if (sub.first && *sub.first == i) splice(sub, new_index[i]);
  }
  for (auto& sub : subs)
    if (!sub.first) splice(sub, std::nullopt);
  // Inline sidechain steps (older transcripts) point at the latest Agent/Task step.
  std::optional<int> last_spawner;
  for (size_t i = 0; i < merged.size(); ++i) {
    Step& s = merged[i];
    if (s.call_type == "subagent" && !s.parent_step && s.subagent_trajectory_ref.empty() && last_spawner)
      s.parent_step = *last_spawner;
    if (s.call_type == "main")
      for (const auto& c : s.tool_calls)
        if (c.tool_name == "Agent" || c.tool_name == "Task") last_spawner = static_cast<int>(i);
  }
  r.steps = std::move(merged);

  r.outcome.terminal_state = S.last_stop_reason;
  json& md = r.metadata;
  md["skills_invoked"] = S.skills;
  md["subagents"] = sub_meta;
  if (!S.summaries.empty()) md["summaries"] = S.summaries;
  if (!S.compactions.empty()) md["compactions"] = S.compactions;
  if (!S.system_subtypes.empty()) md["system_events"] = S.system_subtypes;
  if (!source.empty()) md["source_file"] = source.filename().string();
  return finish(std::move(r), S.span, lims, reader, S.recognised, source.empty() ? "<stream>" : source.string());
}

}  // namespace ot::parse
