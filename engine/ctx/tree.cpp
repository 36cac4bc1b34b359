#include "engine/ctx/tree.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "engine/util/hash.h"

namespace ot::ctx {

namespace {

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json null_if_empty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// What a node knows while the tree is built.
struct Work {
  int parent = -1;
  std::string branch, track, subagent_session, node_id;
  std::string base;  // messages chain head before this step ("" = empty)
  int64_t base_count = 0, base_bytes = 0;
  std::string after;  // chain head after this step's own messages
  int64_t after_count = 0, after_bytes = 0;
  int compaction = -1;
  bool orphan = false;
};

class Blobs {
 public:
  explicit Blobs(std::map<std::string, std::string>& out) : out_(out) {}
  std::string put(const json& v) {
    std::string bytes = canonical_json(v);
    std::string hex = sha256_hex(bytes);
    out_.emplace(hex, std::move(bytes));
    return hex;
  }
  // Appends one message to a chain; returns the new head.
  std::string append(const std::string& prev, const json& msg, int step, int64_t& bytes) {
    std::string m = canonical_json(msg);
    bytes += static_cast<int64_t>(m.size());
    std::string mhex = sha256_hex(m);
    out_.emplace(mhex, std::move(m));
    return put(json{{"prev", null_if_empty(prev)}, {"msg", mhex}, {"step", step}});
  }

 private:
  std::map<std::string, std::string>& out_;
};

int input_tokens(const json& step) {
  const json& u = step.contains("token_usage") ? step["token_usage"] : json();
  if (!u.is_object()) return -1;
  int64_t t = 0;
  for (const char* k : {"input_tokens", "cache_read_tokens", "cache_write_tokens"})
    if (u.contains(k) && u[k].is_number_integer()) t += u[k].get<int64_t>();
  return static_cast<int>(t);
}

}  // namespace

std::vector<json> step_messages(const json& step) {
  std::vector<json> out;
  std::string role = str(step, "role");
  std::string content = str(step, "content");
  if (role == "agent") {
    json m = {{"role", "assistant"}, {"content", null_if_empty(content)}};
    json calls = json::array();
    if (step.contains("tool_calls") && step["tool_calls"].is_array())
      for (const auto& c : step["tool_calls"])
        calls.push_back({{"id", c.value("tool_call_id", json())},
                         {"name", c.value("tool_name", json())},
                         {"input", c.value("input", json::object())}});
    if (!calls.empty()) m["tool_calls"] = calls;
    out.push_back(std::move(m));
    if (step.contains("observations") && step["observations"].is_array())
      for (const auto& o : step["observations"]) {
        json t = {{"role", "tool"}, {"tool_call_id", o.value("source_call_id", json())}, {"content", o.value("content", json())}};
        if (o.contains("error") && !o["error"].is_null()) t["error"] = true;
        out.push_back(std::move(t));
      }
  } else {
    out.push_back({{"role", role == "system" ? "system" : "user"}, {"content", content}});
  }
  return out;
}

json make_layer(const std::string& type, const std::string& completeness, const json& content) {
  return json{{"schema_version", kLayerSchema},       {"context_tree_version", kTreeVersion},
              {"layer_type", type},                   {"completeness", completeness},
              {"capture_method", "transcript_reconstruction"}, {"content", content}};
}

std::string layer_hex(const json& layer) { return sha256_hex(canonical_json(layer)); }

Built build_tree(const json& record) {
  Built b;
  Blobs blobs(b.blobs);
  const std::string trace_id = str(record, "trace_id");
  static const json kNoSteps = json::array();
  const json& steps = record.contains("steps") && record["steps"].is_array() ? record["steps"] : kNoSteps;
  const json& md = record.contains("metadata") && record["metadata"].is_object() ? record["metadata"] : json::object();
  const json& agent = record.contains("agent") && record["agent"].is_object() ? record["agent"] : json::object();
  const size_t n = steps.size();
  std::set<std::string> limitations;

  // Compactions: Claude steps name the one they crossed; Codex/Pi entries name the step after.
  const json& compactions = md.contains("compactions") && md["compactions"].is_array() ? md["compactions"] : kNoSteps;
  std::unordered_map<size_t, int> compaction_before;
  for (size_t k = 0; k < compactions.size(); ++k)
    if (compactions[k].contains("before_step") && compactions[k]["before_step"].is_number_integer() &&
        compactions[k]["before_step"].get<int64_t>() >= 0)
      compaction_before.emplace(compactions[k]["before_step"].get<size_t>(), static_cast<int>(k));

  // Parents: the transcript graph where the parser recorded it, else step order per track.
  std::vector<Work> w(n);
  std::unordered_map<std::string, int> by_uuid;
  std::unordered_map<std::string, int> last_in_track;
  for (size_t i = 0; i < n; ++i) {
    const json& s = steps[i];
    Work& x = w[i];
    const bool sub = str(s, "call_type") == "subagent";
    std::string ref = str(s, "subagent_trajectory_ref");
    std::string uuid = str(s, "transcript_uuid");
    x.track = sub ? (ref.empty() ? "sidechain" : ref) : "main";
    if (!uuid.empty()) by_uuid.emplace(uuid, static_cast<int>(i));
    const bool has_graph = s.contains("transcript_parent_uuid");
    if (has_graph) {
      std::string pu = str(s, "transcript_parent_uuid");
      auto it = by_uuid.find(pu);
      if (!pu.empty() && it != by_uuid.end() && it->second < static_cast<int>(i)) x.parent = it->second;
      if (s.contains("transcript_compaction") && s["transcript_compaction"].is_number_integer())
        x.compaction = s["transcript_compaction"].get<int>();
    } else {
      auto it = last_in_track.find(x.track);
      if (it != last_in_track.end()) x.parent = it->second;
      auto c = compaction_before.find(i);
      if (c != compaction_before.end() && x.parent >= 0) x.compaction = c->second;
    }
    if (x.parent < 0 && sub && s.contains("parent_step") && s["parent_step"].is_number_integer()) {
      int ps = s["parent_step"].get<int>();
      if (ps >= 0 && ps < static_cast<int>(i)) {
        x.parent = ps;
        x.branch = "subagent_fork";
        x.subagent_session = ref.empty() ? "sidechain:" + (uuid.empty() ? std::to_string(i) : uuid) : ref.substr(ref.rfind('-') + 1);
      }
    }
    last_in_track[x.track] = static_cast<int>(i);
  }

  // Branch types: a second child on the same track is a rewind.
  std::set<std::pair<int, std::string>> has_child;
  for (size_t i = 0; i < n; ++i) {
    Work& x = w[i];
    if (!x.branch.empty()) continue;
    if (x.parent < 0) {
      x.branch = "root";
      continue;
    }
    bool second = !has_child.insert({x.parent, x.track}).second;
    x.branch = x.compaction >= 0 ? "compaction_fork" : second ? "rewind_branch" : "linear";
  }

  // Active path: parents of the last main-track step; orphans are main-track steps off it,
  // and sub-agent steps whose spawning step is an orphan.
  int leaf = -1;
  for (size_t i = 0; i < n; ++i)
    if (w[i].track == "main") leaf = static_cast<int>(i);
  if (leaf < 0 && n > 0) leaf = static_cast<int>(n) - 1;
  std::vector<bool> active(n, false);
  for (int p = leaf; p >= 0; p = w[p].parent) {
    if (active[p]) break;
    active[p] = true;
  }
  for (size_t i = 0; i < n; ++i) {
    Work& x = w[i];
    if (x.track == w[leaf].track) x.orphan = !active[i];
    else x.orphan = x.parent >= 0 && w[x.parent].orphan;  // parents come first
  }

  // Layers that do not depend on the messages.
  const json& prompts = record.contains("system_prompts") && record["system_prompts"].is_object() ? record["system_prompts"] : json::object();
  json stub_system = make_layer("system", "stub", {{"text", nullptr}, {"note", "the transcript does not carry the system prompt"}});
  std::string stub_system_id = "sha256:" + blobs.put(stub_system);
  std::set<std::string> tool_names;
  for (const auto& s : steps)
    if (s.contains("tool_calls") && s["tool_calls"].is_array())
      for (const auto& c : s["tool_calls"]) tool_names.insert(c.value("tool_name", std::string()));
  tool_names.erase("");
  const json defs = record.contains("tool_definitions") && record["tool_definitions"].is_array() ? record["tool_definitions"] : json::array();
  json tools_layer = defs.empty() ? make_layer("tool_registry", "approximated", {{"tools", tool_names}, {"source", "tools called in the trace"}})
                                  : make_layer("tool_registry", "full", {{"tools", tool_names}, {"definitions", defs}});
  if (defs.empty()) limitations.insert("builtin_tool_schemas_inferred");
  std::string tools_id = "sha256:" + blobs.put(tools_layer);
  const std::string cwd = str(md, "cwd");
  std::string branch_name;
  if (record.contains("environment") && record["environment"].is_object()) {
    const json& vcs = record["environment"].value("vcs", json());
    branch_name = str(vcs, "branch");
  }

  // Nodes in step order (parents always come first).
  json nodes = json::array();
  std::unordered_map<std::string, int> counts;
  std::set<std::string> subagent_ids;
  std::unordered_map<std::string, std::string> system_ids, runtime_ids;
  for (size_t i = 0; i < n; ++i) {
    const json& s = steps[i];
    Work& x = w[i];
    const int si = static_cast<int>(i);
    // Messages: the parent's conversation, reset by a compaction (to its summary) and
    // by a sub-agent fork (a sub-agent starts with its own prompt only).
    if (x.compaction >= 0) {
      const json& c = compactions.at(static_cast<size_t>(x.compaction));
      json summary = {{"role", "user"}, {"content", c.value("summary", json())}, {"compaction", x.compaction}};
      x.base = blobs.append("", summary, si, x.base_bytes);
      x.base_count = 1;
    } else if (x.parent >= 0 && x.branch != "subagent_fork") {
      x.base = w[x.parent].after;
      x.base_count = w[x.parent].after_count;
      x.base_bytes = w[x.parent].after_bytes;
    }
    x.after = x.base;
    x.after_count = x.base_count;
    x.after_bytes = x.base_bytes;
    for (const json& m : step_messages(s)) {
      x.after = blobs.append(x.after, m, si, x.after_bytes);
      ++x.after_count;
    }
    json mlayer = make_layer("messages", "approximated",
                             {{"chain", null_if_empty(x.base)}, {"count", x.base_count}, {"bytes", x.base_bytes}});
    std::string messages_id = "sha256:" + blobs.put(mlayer);

    // System and runtime layers repeat from step to step: build each distinct one once.
    std::string sph = str(s, "system_prompt_hash");
    std::string& sys_id = system_ids[sph];
    if (sys_id.empty()) {
      sys_id = stub_system_id;
      if (!sph.empty() && prompts.contains(sph) && prompts[sph].is_string()) {
        sys_id = "sha256:" + blobs.put(make_layer("system", "full", {{"text", prompts[sph]}}));
      } else if (!prompts.empty()) {
        json texts = json::array();
        for (const auto& [k, v] : prompts.items()) texts.push_back(v);
        sys_id = "sha256:" + blobs.put(make_layer("system", "approximated", {{"texts", texts}}));
      }
    }
    if (sys_id == stub_system_id) limitations.insert("static_system_prompt_core_unknown");
    std::string model = str(s, "model");
    if (model.empty()) model = str(agent, "model");
    std::string& runtime_id = runtime_ids[model + '\n' + str(s, "call_type") + '\n' + str(s, "agent_role")];
    if (runtime_id.empty()) {
      json runtime = {{"cwd", null_if_empty(cwd)},       {"model", null_if_empty(model)},
                      {"agent", null_if_empty(str(agent, "name"))}, {"agent_version", null_if_empty(str(agent, "version"))},
                      {"git_branch", null_if_empty(branch_name)}, {"call_type", null_if_empty(str(s, "call_type"))},
                      {"agent_role", null_if_empty(str(s, "agent_role"))}};
      runtime_id = "sha256:" + blobs.put(make_layer("runtime_state", "approximated", runtime));
    }

    json node = {{"parent_node_id", x.parent >= 0 ? json(w[x.parent].node_id) : json(nullptr)},
                 {"branch_type", x.branch},
                 {"trace_id", trace_id},
                 {"step_index", si},
                 {"transcript_uuid", null_if_empty(str(s, "transcript_uuid"))},
                 {"transcript_parent_uuid", null_if_empty(str(s, "transcript_parent_uuid"))},
                 {"transcript_offset", si},
                 {"system_layer_id", sys_id},
                 {"messages_layer_id", messages_id},
                 {"tool_registry_layer_id", tools_id},
                 {"runtime_state_layer_id", runtime_id},
                 {"subagent_session_id", null_if_empty(x.subagent_session)},
                 {"trail_anchor_hint", nullptr},
                 {"capture_completeness", "approximated"}};
    json material = node;
    material["schema_version"] = kNodeSchema;
    material["context_tree_version"] = kTreeVersion;
    x.node_id = "sha256:" + sha256_hex(canonical_json(material));
    node["node_id"] = x.node_id;
    int tokens = input_tokens(s);
    node["x"] = {{"orphan", x.orphan},
                 {"track", x.track},
                 {"role", str(s, "role")},
                 {"message_count", x.base_count},
                 {"message_bytes", x.base_bytes},
                 {"after_chain", null_if_empty(x.after)},
                 {"after_count", x.after_count},
                 {"after_bytes", x.after_bytes},
                 {"input_tokens", tokens >= 0 ? json(tokens) : json(nullptr)},
                 {"compaction", x.compaction >= 0 ? json(x.compaction) : json(nullptr)},
                 {"transcript_end_uuid", null_if_empty(str(s, "transcript_end_uuid"))}};
    ++counts[x.branch];
    if (!x.subagent_session.empty()) subagent_ids.insert(x.subagent_session);
    nodes.push_back(std::move(node));
  }

  // Orphan branch roots: orphans whose parent is not an orphan (or who have none).
  json orphan_roots = json::array();
  std::string root_id;
  for (size_t i = 0; i < n; ++i) {
    if (w[i].orphan && (w[i].parent < 0 || !w[w[i].parent].orphan)) orphan_roots.push_back(w[i].node_id);
    if (root_id.empty() && active[i] && w[i].parent < 0) root_id = w[i].node_id;
  }

  // Compaction records: what each one dropped (the conversation up to its pre node).
  json crecs = json::array();
  for (size_t i = 0; i < n; ++i) {
    if (w[i].branch != "compaction_fork") continue;
    const json& c = compactions.at(static_cast<size_t>(w[i].compaction));
    int pre = w[i].parent;
    json removed = json::array();
    std::vector<int> span;
    for (int p = pre; p >= 0; p = w[p].parent) {
      span.push_back(p);
      if (w[p].branch == "compaction_fork" || w[p].branch == "subagent_fork") break;
    }
    std::reverse(span.begin(), span.end());
    for (int p : span)
      if (!str(steps[p], "transcript_uuid").empty()) removed.push_back(str(steps[p], "transcript_uuid"));
    json dropped = make_layer("messages", "approximated",
                              {{"chain", null_if_empty(w[pre].after)}, {"count", w[pre].after_count}, {"bytes", w[pre].after_bytes}});
    crecs.push_back({{"index", w[i].compaction},
                     {"pre_node_id", w[pre].node_id},
                     {"post_node_id", w[i].node_id},
                     {"pre_step", pre},
                     {"post_step", static_cast<int>(i)},
                     {"lossy_diff_layer_id", "sha256:" + blobs.put(dropped)},
                     {"compacted_span_first_step", span.empty() ? json(nullptr) : json(span.front())},
                     {"compacted_span_first_uuid", removed.empty() ? json(nullptr) : removed.front()},
                     {"compacted_span_last_uuid", removed.empty() ? json(nullptr) : removed.back()},
                     {"removed_message_uuids", removed},
                     {"removed_message_count", w[pre].after_count},
                     {"removed_bytes", w[pre].after_bytes},
                     {"summary", c.value("summary", json())},
                     {"summary_bytes", w[i].base_bytes},
                     {"trigger", c.value("trigger", json())},
                     {"pre_tokens", c.value("pre_tokens", json())},
                     {"timestamp", c.value("timestamp", json())}});
  }
  if (md.contains("limitations") && md["limitations"].is_array())
    for (const auto& l : md["limitations"]) {
      std::string code = str(l, "code");
      if (code == "subagent_unreadable" || code == "subagent_parent_unknown") limitations.insert("subagent_session_unreachable");
    }

  json count_obj = json::object();
  for (const char* t : {"root", "linear", "compaction_fork", "subagent_fork", "rewind_branch", "manual_branch"})
    count_obj[t] = counts[t];
  b.tree = {{"schema_version", kTreeSchema},
            {"context_tree_version", kTreeVersion},
            {"trace_id", trace_id},
            {"agent", null_if_empty(str(agent, "name"))},
            {"capture_method", "transcript_reconstruction"},
            {"fidelity", "jsonl"},
            {"root_node_id", null_if_empty(root_id)},
            {"active_leaf_id", leaf >= 0 ? json(w[leaf].node_id) : json(nullptr)},
            {"nodes", nodes},
            {"branch_counts", count_obj},
            {"orphan_branch_roots", orphan_roots},
            {"subagent_session_ids", subagent_ids},
            {"compactions", crecs},
            {"limitations", limitations}};
  return b;
}

}  // namespace ot::ctx
