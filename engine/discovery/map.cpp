#include "engine/discovery/map.h"

#include <algorithm>
#include <map>
#include <queue>
#include <regex>
#include <set>

#include "engine/discovery/steps.h"

namespace ot::discovery {

namespace {

json strings(const std::vector<std::string>& v) { return json(v); }

// "[master 1533c6f] subject" in the output of `git commit`.
std::string commit_from_output(const std::string& text) {
  static const std::regex re(R"(\[[^\]\s]+(?: \(root-commit\))? ([0-9a-f]{7,40})\])");
  std::smatch m;
  if (std::regex_search(text, m, re)) return m.str(1);
  return {};
}

bool is_git_commit(std::string_view cmd) {
  static const std::regex re(R"((^|[\s;&|(])git(\s+-[^\s]+(\s+[^\s-][^\s]*)?)*\s+commit\b)");
  return std::regex_search(std::string(cmd), re);
}

class Builder {
 public:
  explicit Builder(const schema::TraceRecord& r) : r_(r) { m_.trace_id = r.trace_id; }

  TraceMap build() {
    int last_answer = -1;  // the last main agent step with text and no tool calls
    for (const auto& s : r_.steps)
      if (s.role == "agent" && s.call_type == "main" && !s.content.empty() && s.tool_calls.empty()) last_answer = s.step_index;
    std::string current_instruction;
    for (const auto& s : r_.steps) {
      ordinal_ = 0;
      if (s.role == "user") {
        if (s.call_type != "main") continue;
        MapNode& n = add(s, "user_instruction", s.content);
        current_instruction = n.node_id;
        m_.root_node_ids.push_back(n.node_id);
        continue;
      }
      if (s.role != "agent") continue;
      if (!s.content.empty())
        add(s, s.step_index == last_answer ? "final_response" : "agent_message", s.content, current_instruction);
      for (const auto& c : s.tool_calls) call_nodes(s, c, current_instruction);
    }
    // previous/next chain over every node, in order.
    for (size_t i = 1; i < m_.nodes.size(); ++i) {
      m_.nodes[i - 1].next_node_id = m_.nodes[i].node_id;
      m_.nodes[i].previous_node_id = m_.nodes[i - 1].node_id;
      edge(m_.nodes[i - 1].node_id, m_.nodes[i].node_id, "previous_next");
    }
    for (const auto& n : m_.nodes)
      if (!n.parent_node_id.empty()) edge(n.parent_node_id, n.node_id, "parent_child");
    for (const auto& [a, b, type] : extra_) edge(a, b, type);
    if (std::any_of(r_.steps.begin(), r_.steps.end(), [](const schema::Step& s) { return s.call_type == "subagent"; }))
      m_.limitations.push_back("subagent_steps_not_linked_to_their_call");
    return std::move(m_);
  }

 private:
  MapNode& add(const schema::Step& s, std::string type, const std::string& text, const std::string& parent = {}) {
    MapNode n;
    n.step_index = s.step_index;
    n.node_id = "tmn:" + r_.trace_id + ":step:" + std::to_string(s.step_index) + ":" + std::to_string(ordinal_++);
    n.unit_id = "tu:" + r_.trace_id + ":step:" + std::to_string(s.step_index);
    n.action_type = std::move(type);
    n.text_preview = preview(text, 160);
    n.parent_node_id = parent;
    if (s.call_type != "main") n.metadata["call_type"] = s.call_type;
    m_.nodes.push_back(std::move(n));
    return m_.nodes.back();
  }

  void call_nodes(const schema::Step& s, const schema::ToolCall& c, const std::string& parent) {
    ToolKind kind = tool_kind(c);
    std::string root = record_root(r_);
    std::string cmd = call_command(c);
    std::string type = "tool_call";
    switch (kind) {
      case ToolKind::kSkill: type = "skill_invocation"; break;
      case ToolKind::kSubagent: type = "subagent_call"; break;
      case ToolKind::kRead: type = "file_read"; break;
      case ToolKind::kEdit: type = "file_edit"; break;
      case ToolKind::kShell: type = is_test_command(cmd) ? "test_run" : is_git_commit(cmd) ? "git_anchor" : "tool_call"; break;
      default: break;
    }
    std::string label = c.tool_name + (cmd.empty() ? (call_path(c).empty() ? "" : " " + call_path(c)) : ": " + cmd);
    if (kind == ToolKind::kSkill) label = "skill " + (c.input.is_object() ? c.input.value("skill", c.input.value("command", "")) : "");
    MapNode& n = add(s, type, label, parent);
    n.unit_id = "tu:" + r_.trace_id + ":tool:" + c.tool_call_id;
    n.tool_name = c.tool_name;
    n.tool_call_id = c.tool_call_id;
    if (!cmd.empty()) n.metadata["command"] = preview(cmd, 240);
    if (kind == ToolKind::kRead && !call_path(c).empty()) n.files_read.push_back(relative_to(call_path(c), root));
    std::string node_id = n.node_id;

    const schema::Observation* obs = nullptr;
    for (const auto& o : s.observations)
      if (o.source_call_id == c.tool_call_id) obs = &o;
    if (type == "git_anchor") {
      std::string sha = obs ? commit_from_output(observation_text(*obs)) : "";
      MapNode& g = m_.nodes.back();
      if (!sha.empty()) {
        g.anchor_refs.push_back(sha);
        g.metadata["commit_sha"] = sha;
      }
      g.confidence = "heuristic";
    }
    if (kind == ToolKind::kEdit) {
      std::vector<std::string> files;
      for (const auto& p : r_.patches) {
        if (p.tool_call_id != c.tool_call_id) continue;
        if (std::find(files.begin(), files.end(), p.file_path) == files.end()) files.push_back(p.file_path);
        MapNode& pn = add(s, "patch_created", p.operation + " " + p.file_path, parent);
        pn.unit_id = "tu:" + r_.trace_id + ":patch:" + p.patch_id;
        pn.tool_name = c.tool_name;
        pn.tool_call_id = c.tool_call_id;
        pn.files_modified.push_back(p.file_path);
        pn.metadata["patch_id"] = p.patch_id;
        pn.metadata["file_path"] = p.file_path;
        pn.metadata["hunk_index"] = p.hunk_index;
        pn.metadata["operation"] = p.operation;
        if (p.anchor && !p.anchor->commit_sha.empty()) {
          pn.anchor_refs.push_back(p.anchor->commit_sha);
          pn.metadata["commit_sha"] = p.anchor->commit_sha;
          pn.metadata["evidence_tier"] = p.anchor->evidence_tier;
          pn.metadata["evidence_firmness"] = p.anchor->evidence_firmness;
        }
        if (!p.limitations.empty()) pn.metadata["limitations"] = p.limitations;
        extra_.push_back({node_id, pn.node_id, "edits"});
      }
      if (files.empty() && !call_path(c).empty()) files.push_back(relative_to(call_path(c), root));
      if (MapNode* e = mutable_find(node_id)) e->files_modified = files;
    }
    if (obs && !obs->error.empty()) {
      MapNode& en = add(s, "error_signal", obs->error, parent);
      en.unit_id = "tu:" + r_.trace_id + ":observation:" + c.tool_call_id;
      en.tool_name = c.tool_name;
      en.tool_call_id = c.tool_call_id;
      extra_.push_back({node_id, en.node_id, type == "test_run" ? "tests" : "observes"});
    }
  }

  MapNode* mutable_find(const std::string& id) {
    for (auto& n : m_.nodes)
      if (n.node_id == id) return &n;
    return nullptr;
  }

  void edge(const std::string& a, const std::string& b, const std::string& type) {
    MapEdge e;
    e.edge_id = "tme:" + r_.trace_id + ":" + std::to_string(m_.edges.size());
    e.source_node_id = a;
    e.target_node_id = b;
    e.edge_type = type;
    m_.edges.push_back(std::move(e));
  }

  const schema::TraceRecord& r_;
  TraceMap m_;
  int ordinal_ = 0;
  std::vector<std::tuple<std::string, std::string, std::string>> extra_;
};

}  // namespace

bool is_test_command(std::string_view command) {
  static const std::regex re(
      R"((^|[\s;&|(/])(pytest|py\.test|tox|ctest|jest|vitest|mocha|rspec|phpunit)\b|\b(go|cargo|npm|pnpm|yarn|bun|mix|dotnet|gradle|mvn|make|swift|deno)\s+(run\s+)?test\b|python[0-9.]*\s+(-m\s+(unittest|pytest)|\S*test\S*\.py)|\bunittest\b)");
  return std::regex_search(std::string(command), re);
}

json MapNode::to_json(const std::string& trace_id) const {
  auto opt = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {{"node_id", node_id},
          {"trace_id", trace_id},
          {"unit_id", unit_id},
          {"action_type", action_type},
          {"step_index", step_index},
          {"start_step_index", step_index},
          {"end_step_index", step_index},
          {"parent_node_id", opt(parent_node_id)},
          {"previous_node_id", opt(previous_node_id)},
          {"next_node_id", opt(next_node_id)},
          {"tool_name", opt(tool_name)},
          {"files_read", strings(files_read)},
          {"files_modified", strings(files_modified)},
          {"anchor_refs", strings(anchor_refs)},
          {"signal_refs", json::array()},
          {"text_preview", text_preview},
          {"metadata", metadata},
          {"confidence", confidence}};
}

json MapEdge::to_json(const std::string& trace_id) const {
  return {{"edge_id", edge_id},
          {"trace_id", trace_id},
          {"source_node_id", source_node_id},
          {"target_node_id", target_node_id},
          {"edge_type", edge_type},
          {"anchor_refs", json::array()},
          {"metadata", json::object()},
          {"confidence", "deterministic"}};
}

const MapNode* TraceMap::find(const std::string& node_id) const {
  for (const auto& n : nodes)
    if (n.node_id == node_id) return &n;
  return nullptr;
}

const MapNode* TraceMap::first_of_step(int step_index) const {
  for (const auto& n : nodes)
    if (n.step_index == step_index) return &n;
  return nullptr;
}

json TraceMap::to_json() const {
  std::vector<const MapNode*> all;
  for (const auto& n : nodes) all.push_back(&n);
  return to_json(all);
}

json TraceMap::to_json(const std::vector<const MapNode*>& subset) const {
  std::set<std::string> ids;
  json ns = json::array(), es = json::array();
  for (const MapNode* n : subset) {
    ids.insert(n->node_id);
    ns.push_back(n->to_json(trace_id));
  }
  for (const auto& e : edges)
    if (ids.count(e.source_node_id) && ids.count(e.target_node_id)) es.push_back(e.to_json(trace_id));
  json roots = json::array();
  for (const auto& r : root_node_ids)
    if (ids.count(r)) roots.push_back(r);
  return {{"trace_id", trace_id}, {"root_node_ids", roots}, {"nodes", ns}, {"edges", es}, {"limitations", limitations}};
}

TraceMap build_map(const schema::TraceRecord& r) { return Builder(r).build(); }

ordered_json map_overview(const schema::TraceRecord& r, const TraceMap& m, int from_step, int to_step) {
  std::map<std::string, int> types, files;
  json sections = json::array();
  int section_total = 0, node_count = 0;
  struct Landmark {
    int priority, step;
    std::string type, text;
  };
  std::vector<Landmark> landmarks;
  static const std::map<std::string, int> priority = {
      {"error_signal", 0}, {"subagent_call", 1}, {"git_anchor", 2}, {"final_response", 3}, {"user_instruction", 4}};
  std::string root = record_root(r);
  for (const auto& n : m.nodes) {
    if (n.step_index < from_step || n.step_index > to_step) continue;
    ++node_count;
    types[n.action_type]++;
    for (const auto& f : n.files_read) files[relative_to(f, root)]++;
    for (const auto& f : n.files_modified) files[relative_to(f, root)]++;
    if (n.action_type == "user_instruction") {
      ++section_total;
      if (sections.size() < 24) sections.push_back({{"step", n.step_index}, {"preview", preview(n.text_preview, 72)}});
    }
    if (auto p = priority.find(n.action_type); p != priority.end())
      landmarks.push_back({p->second, n.step_index, n.action_type, preview(n.text_preview, 72)});
  }
  std::vector<std::pair<std::string, int>> tv(types.begin(), types.end());
  std::stable_sort(tv.begin(), tv.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  ordered_json type_facet = ordered_json::object();
  for (const auto& [k, v] : tv) type_facet[k] = v;
  std::vector<std::pair<std::string, int>> fv(files.begin(), files.end());
  std::stable_sort(fv.begin(), fv.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  ordered_json file_facet = ordered_json::object();
  for (size_t i = 0; i < fv.size() && i < 20; ++i) file_facet[fv[i].first] = fv[i].second;

  int landmark_total = static_cast<int>(landmarks.size());
  std::stable_sort(landmarks.begin(), landmarks.end(),
                   [](const Landmark& a, const Landmark& b) { return a.priority < b.priority; });
  if (landmarks.size() > 24) landmarks.resize(24);
  std::stable_sort(landmarks.begin(), landmarks.end(), [](const Landmark& a, const Landmark& b) {
    return a.step != b.step ? a.step < b.step : a.priority < b.priority;
  });
  json lm = json::array();
  for (const auto& l : landmarks) lm.push_back({{"step", l.step}, {"type", l.type}, {"preview", l.text}});

  ordered_json out;
  out["trace_id"] = r.trace_id;
  out["scope"] = {{"span", {{"from_step", from_step}, {"to_step", to_step}}}, {"node_count", node_count}};
  out["facets"] = {{"type", type_facet}, {"file", file_facet}};
  out["sections"] = sections;
  out["section_total"] = section_total;
  out["landmarks"] = lm;
  out["landmark_total"] = landmark_total;
  out["handoff"] = {{"command", "git opentraces trace slice " + r.trace_id + " --from-step " + std::to_string(from_step) +
                                    " --to-step " + std::to_string(to_step)}};
  return out;
}

Result<std::vector<const MapNode*>> map_around(const TraceMap& m, const std::string& node_id, int depth) {
  const MapNode* start = m.find(node_id);
  if (!start)
    return make_error(ExitCode::kNotFound, "NODE_NOT_FOUND", "trace map",
                      "trace " + m.trace_id + " has no map node \"" + node_id + "\"",
                      "list the nodes with `git opentraces trace map " + m.trace_id + " --json` (ids tmn:...)");
  std::map<std::string, std::vector<std::string>> adj;
  for (const auto& e : m.edges) {
    if (e.edge_type == "parent_child") continue;  // every node of a turn hangs off its instruction
    adj[e.source_node_id].push_back(e.target_node_id);
    adj[e.target_node_id].push_back(e.source_node_id);
  }
  std::map<std::string, int> dist{{node_id, 0}};
  std::queue<std::string> q;
  q.push(node_id);
  while (!q.empty()) {
    std::string cur = q.front();
    q.pop();
    if (dist[cur] >= depth) continue;
    for (const auto& next : adj[cur])
      if (!dist.count(next)) {
        dist[next] = dist[cur] + 1;
        q.push(next);
      }
  }
  if (!start->parent_node_id.empty()) dist.emplace(start->parent_node_id, 1);
  std::vector<const MapNode*> out;
  for (const auto& n : m.nodes)
    if (dist.count(n.node_id)) out.push_back(&n);
  return out;
}

Result<std::vector<const MapNode*>> map_walk(const TraceMap& m, const std::string& node_id, bool forward,
                                             const std::vector<std::string>& until, int max_steps) {
  size_t at = m.nodes.size();
  for (size_t i = 0; i < m.nodes.size(); ++i)
    if (m.nodes[i].node_id == node_id) at = i;
  if (at == m.nodes.size())
    return make_error(ExitCode::kNotFound, "NODE_NOT_FOUND", "trace map",
                      "trace " + m.trace_id + " has no map node \"" + node_id + "\"",
                      "list the nodes with `git opentraces trace map " + m.trace_id + " --json` (ids tmn:...)");
  std::vector<const MapNode*> out;
  for (long i = static_cast<long>(at); i >= 0 && i < static_cast<long>(m.nodes.size()); i += forward ? 1 : -1) {
    const MapNode& n = m.nodes[static_cast<size_t>(i)];
    out.push_back(&n);
    if (static_cast<int>(out.size()) >= max_steps) break;
    if (&n != &m.nodes[at] && std::find(until.begin(), until.end(), n.action_type) != until.end()) break;
  }
  if (!forward) std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace ot::discovery
