// Claude Code transcript lines from a TraceRecord (formats.h). One `user` line per
// prompt; one `assistant` line per agent step holding all its blocks (thinking, text,
// tool_use) and its usage; one `user` tool_result line per observation, timed at the
// call's start plus its duration. Line uuids are the transcript's own when the record
// kept them (step.extra.transcript_uuid / transcript_end_uuid), else derived from the
// trace id; lines form one parentUuid chain per file. Sub-agent steps go to
// <trace>/subagents/agent-<id>.jsonl, linked back by the spawning call's toolUseResult.
#include <map>

#include "engine/export/formats.h"

namespace ot::trace_export {

namespace {

using schema::Step;
using namespace detail;

struct Writer {
  const schema::TraceRecord& r;
  std::string agent_id;  // sub-agent files: their agentId
  std::string out, prev;
  int n = 0;

  json base(const std::string& type, const std::string& uuid, const std::string& ts, const Step& s) {
    const json& cc = r.metadata.contains("claude_code") ? r.metadata["claude_code"] : json::object();
    json j = {{"parentUuid", prev.empty() ? json(nullptr) : json(prev)},
              {"isSidechain", !agent_id.empty() || s.call_type == "subagent"},
              {"userType", cc.value("userType", "external")},
              {"cwd", r.metadata.value("cwd", "")},
              {"sessionId", r.trace_id},
              {"version", r.agent.version},
              {"gitBranch", r.environment.vcs ? r.environment.vcs->branch : std::string()},
              {"type", type},
              {"uuid", uuid},
              {"timestamp", ts}};
    if (cc.contains("entrypoint")) j["entrypoint"] = cc["entrypoint"];
    if (cc.contains("permissionMode")) j["permissionMode"] = cc["permissionMode"];
    if (!agent_id.empty()) j["agentId"] = agent_id;
    if (!s.agent_role.empty() && !agent_id.empty()) j["attributionAgent"] = s.agent_role;
    prev = uuid;
    return j;
  }

  std::string next_uuid(const Step& s, const char* key, bool use_key) {
    ++n;
    if (use_key && s.extra.contains(key) && s.extra[key].is_string()) return s.extra[key].get<std::string>();
    return uuid_from(r.trace_id + "/" + agent_id + "/" + std::to_string(s.step_index) + "/" + std::to_string(n));
  }
};

json assistant_message(const schema::TraceRecord& r, const Step& s, const std::string& stop) {
  json content = json::array();
  if (!s.reasoning_content.empty())
    content.push_back({{"type", "thinking"}, {"thinking", s.reasoning_content}, {"signature", ""}});
  if (!s.content.empty()) content.push_back({{"type", "text"}, {"text", s.content}});
  for (const auto& c : s.tool_calls)
    content.push_back({{"type", "tool_use"}, {"id", c.tool_call_id}, {"name", c.tool_name}, {"input", c.input}});
  if (content.empty()) content.push_back({{"type", "text"}, {"text", ""}});
  json msg = {{"id", "msg_" + hex_id(r.trace_id + "/msg/" + std::to_string(s.step_index), 24)},
              {"type", "message"},
              {"role", "assistant"},
              {"model", s.model.empty() ? std::string("<synthetic>") : s.model},
              {"content", content},
              {"stop_reason", stop},
              {"stop_sequence", nullptr}};
  if (s.token_usage)
    msg["usage"] = {{"input_tokens", s.token_usage->input_tokens},
                    {"output_tokens", s.token_usage->output_tokens},
                    {"cache_read_input_tokens", s.token_usage->cache_read_tokens},
                    {"cache_creation_input_tokens", s.token_usage->cache_write_tokens}};
  return msg;
}

// Which sub-agent each spawning call started: call id → (agent id, agent type).
std::map<std::string, std::pair<std::string, std::string>> spawned(const schema::TraceRecord& r) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  if (!r.metadata.contains("subagents") || !r.metadata["subagents"].is_array()) return out;
  for (const auto& sa : r.metadata["subagents"]) {
    std::string id = sa.value("agent_id", "");
    std::string type = sa["agent_type"].is_string() ? sa["agent_type"].get<std::string>() : std::string();
    if (id.empty() || !sa["parent_step"].is_number_integer() || !sa["first_step"].is_number_integer()) continue;
    size_t parent = sa["parent_step"].get<size_t>(), first = sa["first_step"].get<size_t>();
    if (parent >= r.steps.size()) continue;
    std::string prompt = first < r.steps.size() ? r.steps[first].content : std::string();
    const schema::ToolCall* pick = nullptr;
    for (const auto& c : r.steps[parent].tool_calls) {
      if (c.tool_name != "Agent" && c.tool_name != "Task") continue;
      if (out.count(c.tool_call_id)) continue;
      bool same = c.input.is_object() && c.input.value("prompt", "") == prompt;
      if (same || !pick) pick = &c;
      if (same) break;
    }
    if (pick) out[pick->tool_call_id] = {id, type};
  }
  return out;
}

void write_steps(Writer& w, const std::vector<const Step*>& steps, const std::string& last_stop,
                 const std::map<std::string, std::pair<std::string, std::string>>& agents) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = *steps[i];
    if (s.role == "user" || s.role == "system") {
      json j = w.base("user", w.next_uuid(s, "transcript_uuid", true), s.timestamp, s);
      j["message"] = {{"role", "user"}, {"content", s.content}};
      line(w.out, j);
      continue;
    }
    bool last_agent = true;
    for (size_t k = i + 1; k < steps.size(); ++k)
      if (steps[k]->role == "agent") last_agent = false;
    std::string stop = s.tool_calls.empty() ? "end_turn" : "tool_use";
    if (last_agent && !last_stop.empty()) stop = last_stop;
    bool has_end = s.extra.contains("transcript_end_uuid") && s.extra.contains("transcript_uuid") &&
                   s.extra["transcript_end_uuid"] != s.extra["transcript_uuid"];
    json a = w.base("assistant", w.next_uuid(s, "transcript_uuid", true), s.timestamp, s);
    a["message"] = assistant_message(w.r, s, stop);
    a["requestId"] = "req_" + hex_id(w.r.trace_id + "/req/" + std::to_string(s.step_index), 24);
    line(w.out, a);
    for (size_t k = 0; k < s.observations.size(); ++k) {
      const auto& o = s.observations[k];
      const schema::ToolCall* c = call_of(s, o.source_call_id);
      std::string ts = iso_plus(s.timestamp, c && c->duration_ms ? *c->duration_ms : 0);
      bool last = k + 1 == s.observations.size();
      json u = w.base("user", w.next_uuid(s, "transcript_end_uuid", last && has_end), ts, s);
      json block = {{"type", "tool_result"}, {"tool_use_id", o.source_call_id}, {"content", o.content}};
      if (!o.error.empty()) block["is_error"] = true;
      u["message"] = {{"role", "user"}, {"content", json::array({block})}};
      auto spawn = agents.find(o.source_call_id);
      if (spawn != agents.end()) {
        u["toolUseResult"] = {{"status", "completed"}, {"agentId", spawn->second.first}};
        if (!spawn->second.second.empty()) u["toolUseResult"]["agentType"] = spawn->second.second;
      }
      line(w.out, u);
    }
  }
}

}  // namespace

std::vector<ExportFile> claude_code_files(const schema::TraceRecord& r) {
  std::vector<const Step*> main;
  std::map<std::string, std::vector<const Step*>> subs;  // trajectory ref → steps
  for (const auto& s : r.steps) {
    if (s.subagent_trajectory_ref.empty()) main.push_back(&s);
    else subs[s.subagent_trajectory_ref].push_back(&s);
  }
  auto agents = spawned(r);
  std::vector<ExportFile> files;
  Writer w{r, "", "", "", 0};
  // Claude Code queues the first prompt before writing it: the session starts there.
  if (!main.empty() && !r.timestamp_start.empty() && r.timestamp_start != main.front()->timestamp) {
    std::string first_prompt;
    for (const Step* s : main)
      if (s->role == "user") {
        first_prompt = s->content;
        break;
      }
    line(w.out, {{"type", "queue-operation"}, {"operation", "enqueue"}, {"timestamp", r.timestamp_start},
                 {"sessionId", r.trace_id}, {"content", first_prompt}});
  }
  write_steps(w, main, r.outcome.terminal_state, agents);
  files.push_back({r.trace_id + ".jsonl", std::move(w.out)});
  for (const auto& [ref, steps] : subs) {
    Writer sw{r, ref.rfind("agent-", 0) == 0 ? ref.substr(6) : ref, "", "", 0};
    write_steps(sw, steps, "", {});
    files.push_back({r.trace_id + "/subagents/" + ref + ".jsonl", std::move(sw.out)});
  }
  return files;
}

}  // namespace ot::trace_export
