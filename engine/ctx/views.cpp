#include "engine/ctx/views.h"

#include <algorithm>
#include <set>

#include "engine/ctx/ref.h"
#include "engine/ctx/tree.h"
#include "engine/util/hash.h"

namespace ot::ctx {

namespace {

Error missing(std::string code, std::string message, std::string hint) {
  return make_error(ExitCode::kResource, std::move(code), "ctx", std::move(message), std::move(hint));
}

const json& x_of(const json& node) {
  static const json empty = json::object();
  return node.contains("x") ? node["x"] : empty;
}

int64_t num(const json& j, const char* k, int64_t dflt = 0) {
  auto it = j.find(k);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : dflt;
}

std::string s_of(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Active-path nodes of the leaf's track, root first.
std::vector<size_t> active_path(const json& tree) {
  const json& nodes = tree["nodes"];
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (!x_of(nodes[i]).value("orphan", false) && x_of(nodes[i]).value("track", "") == "main") out.push_back(i);
  return out;
}

// Size of a node's context in tokens: what the model reported when it did, else bytes/4.
std::pair<int64_t, bool> node_tokens(const json& node) {
  const json& x = x_of(node);
  if (x.contains("input_tokens") && x["input_tokens"].is_number_integer()) return {x["input_tokens"].get<int64_t>(), true};
  return {num(x, "message_bytes") / 4, false};
}

std::string sparkline(const std::vector<int64_t>& v) {
  static const char* bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (v.empty()) return {};
  size_t width = std::min<size_t>(16, v.size());
  std::vector<int64_t> cols(width, 0);
  for (size_t i = 0; i < v.size(); ++i) {
    size_t c = i * width / v.size();
    cols[c] = std::max(cols[c], v[i]);
  }
  int64_t hi = *std::max_element(cols.begin(), cols.end());
  std::string out;
  for (int64_t c : cols) out += bars[hi <= 0 ? 0 : std::min<int64_t>(7, c * 8 / (hi + 1))];
  return out;
}

json layer_summary(Reader& r, const std::string& type, const std::string& id, const json& node) {
  auto l = r.layer(id);
  json s = {{"layer_id", id}, {"layer_type", type}};
  if (!l.ok()) {
    s["available"] = false;
    return s;
  }
  s["completeness"] = (*l)["completeness"];
  s["capture_method"] = (*l)["capture_method"];
  const json& c = (*l)["content"];
  if (type == "messages") {
    s["message_count"] = num(c, "count");
    s["byte_count"] = num(c, "bytes");
  } else {
    s["byte_count"] = canonical_json(c).size();
  }
  if (type == "tool_registry") s["tool_count"] = c.contains("tools") ? c["tools"].size() : 0;
  (void)node;
  return s;
}

json message_json(const Message& m, int64_t index) {
  json j = m.body;
  j["index"] = index;
  j["step_index"] = m.step_index;
  if (m.dropped) j["dropped"] = true;
  return j;
}

// Compaction records on the path from the root to node `i`, oldest first.
std::vector<json> compactions_on_path(const json& tree, size_t i) {
  const json& nodes = tree["nodes"];
  std::map<std::string, size_t> by_id;
  for (size_t k = 0; k < nodes.size(); ++k) by_id[s_of(nodes[k], "node_id")] = k;
  std::vector<json> out;
  for (std::optional<size_t> p = i; p;) {
    const json& n = nodes[*p];
    if (s_of(n, "branch_type") == "compaction_fork")
      for (const auto& c : tree["compactions"])
        if (s_of(c, "post_node_id") == s_of(n, "node_id")) out.push_back(c);
    auto it = by_id.find(s_of(n, "parent_node_id"));
    p = it == by_id.end() ? std::nullopt : std::optional<size_t>(it->second);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

std::string layer_type_of(std::string_view name) {
  for (const auto& [type, alias] : layer_types())
    if (name == type || name == alias) return type;
  return {};
}

std::string preview(const json& message, size_t n) {
  std::string text;
  const json& c = message.contains("content") ? message["content"] : json();
  if (c.is_string()) text = c.get<std::string>();
  else if (!c.is_null()) text = c.dump();
  if (message.contains("tool_calls"))
    for (const auto& t : message["tool_calls"]) text += (text.empty() ? "" : " ") + std::string("→ ") + t.value("name", "?");
  for (char& ch : text)
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  if (text.size() <= n) return text;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

Result<Loaded> load(bucket::Bucket& b, std::string_view trace_ref) {
  auto id = b.resolve_prefix(trace_ref);
  if (!id.ok()) {
    Error e = id.error();
    if (e.exit == ExitCode::kNotFound) e.exit = ExitCode::kResource;
    return e;
  }
  Loaded t;
  t.trace_id = *id;
  auto row = b.row(t.trace_id);
  t.row = row.ok() ? *row : json::object();
  Reader r(b);
  auto tree = r.tree(t.trace_id);
  if (!tree.ok()) return tree.error();
  t.tree = std::move(tree).value();
  return t;
}

Result<NodeRef> node_at(Loaded t, int step) {
  if (!t.tree)
    return missing("CONTEXT_TREE_NOT_CAPTURED", "no context tree was captured for trace " + t.trace_id,
                   "ingest the session again: `git opentraces bucket ingest FILE`");
  int n = static_cast<int>((*t.tree)["nodes"].size());
  if (step < 0) step = n - 1;
  if (step < 0 || step >= n)
    return missing("STEP_NOT_FOUND", "trace " + t.trace_id + " has no step " + std::to_string(step),
                   n == 0 ? "the trace has no steps" : "steps are 0.." + std::to_string(n - 1));
  return NodeRef{std::move(t), step};
}

Result<NodeRef> resolve_node(bucket::Bucket& b, std::string_view ref) {
  Reader r(b);
  std::string hex = strip_sha(ref);
  if (hex.size() == 64 && hex.find_first_not_of("0123456789abcdef") == std::string::npos) {
    auto trace = r.trace_of_node(hex);
    if (!trace.ok()) return trace.error();
    if (!trace->has_value())
      return missing("NODE_NOT_FOUND", "no context node sha256:" + hex + " in the bucket",
                     "list nodes with `git opentraces ctx tree <trace> --json`");
    auto t = load(b, **trace);
    if (!t.ok()) return t.error();
    if (t->tree) {
      const json& nodes = (*t->tree)["nodes"];
      for (size_t i = 0; i < nodes.size(); ++i)
        if (strip_sha(s_of(nodes[i], "node_id")) == hex) return NodeRef{std::move(t).value(), static_cast<int>(i)};
    }
    return missing("NODE_NOT_FOUND", "context node sha256:" + hex + " is no longer in its trace's tree",
                   "the trace was re-ingested; list nodes with `git opentraces ctx tree " + **trace + "`");
  }
  auto p = parse_ref(ref);
  if (!p.ok()) return p.error();
  if (!p->step && !p->last)
    return make_error(ExitCode::kUsage, "INVALID_NODE_REF", "ctx", "\"" + std::string(ref) + "\" names a trace, not a node",
                      "name a node as <trace>:<step>, <trace>:last or by its sha256: id");
  auto t = load(b, p->trace);
  if (!t.ok()) return t.error();
  return node_at(std::move(t).value(), p->last ? -1 : *p->step);
}

json empty_state(const Loaded& t) {
  return {{"trace_id", t.trace_id},
          {"title", t.row.value("title", json())},
          {"node_count", 0},
          {"limitations", json::array({"context_tree_not_captured"})}};
}

json overview(const Loaded& t) {
  const json& tree = *t.tree;
  const json& nodes = tree["nodes"];
  std::vector<int64_t> sizes;
  std::vector<size_t> path = active_path(tree);
  bool any_reported = false;
  int64_t peak = -1;
  int peak_step = -1;
  for (size_t i : path) any_reported |= node_tokens(nodes[i]).second;
  // Reported token counts and byte estimates are different scales: when the model
  // reported usage, the series is its agent steps only.
  for (size_t i : path) {
    auto [tok, reported] = node_tokens(nodes[i]);
    if (any_reported && !reported) continue;
    sizes.push_back(tok);
    if (tok > peak) {
      peak = tok;
      peak_step = static_cast<int>(i);
    }
  }
  int64_t leaf_tokens = sizes.empty() ? 0 : sizes.back();
  const std::string method = any_reported ? "reported input tokens (input + cache read + cache write) of agent steps"
                                          : "len//4";
  json look = json::array();
  if (peak_step >= 0) look.push_back("git opentraces ctx " + t.trace_id + ":" + std::to_string(peak_step));
  look.push_back("git opentraces ctx " + t.trace_id + ":last --layer messages");
  look.push_back("git opentraces ctx tree " + t.trace_id);
  return {{"view", "overview"},
          {"trace_id", t.trace_id},
          {"title", t.row.value("title", json())},
          {"agent", tree.value("agent", json())},
          {"capture_method", tree.value("capture_method", json())},
          {"fidelity", tree.value("fidelity", json())},
          {"step_count", nodes.size()},
          {"node_count", nodes.size()},
          {"active_path_length", path.size()},
          {"branch_counts", tree["branch_counts"]},
          {"compaction_count", tree["compactions"].size()},
          {"estimated_tokens", leaf_tokens},
          {"size",
           {{"estimate_available", !sizes.empty()},
            {"unit", "tokens"},
            {"method", method},
            {"sparkline", sparkline(sizes)},
            {"peak_step", peak_step >= 0 ? json(peak_step) : json(nullptr)},
            {"peak_tokens", peak >= 0 ? json(peak) : json(nullptr)},
            {"note", any_reported ? "prompt size of each model call along the active path, as the model reported it"
                                  : "sizes along the active path, estimated from the reconstructed messages"}}},
          {"limitations", tree["limitations"]},
          {"look", look}};
}

json step_view(Reader& r, const NodeRef& n) {
  const json& node = n.node();
  const json& tree = *n.trace.tree;
  json layers = json::object();
  int64_t bytes = 0;
  for (const auto& [type, alias] : layer_types()) {
    json s = layer_summary(r, type, s_of(node, (type + "_layer_id").c_str()), node);
    bytes += num(s, "byte_count");
    layers[alias] = s;
  }
  auto [tok, reported] = node_tokens(node);
  std::string ref = n.trace.trace_id + ":" + std::to_string(n.index);
  json read = json::array();
  for (const char* l : {"system", "messages", "tools"}) read.push_back("git opentraces ctx " + ref + " --layer " + l);
  return {{"view", "step"},
          {"trace_id", n.trace.trace_id},
          {"step_index", n.index},
          {"node_id", node["node_id"]},
          {"parent_node_id", node["parent_node_id"]},
          {"branch_type", node["branch_type"]},
          {"role", x_of(node).value("role", json())},
          {"orphan", x_of(node).value("orphan", false)},
          {"subagent_session_id", node["subagent_session_id"]},
          {"capture_method", tree.value("capture_method", json())},
          {"fidelity", tree.value("fidelity", json())},
          {"saw",
           {{"system", layers["system"].value("completeness", "stub") != "stub"},
            {"messages", num(layers["messages"], "message_count")},
            {"tools", num(layers["tools"], "tool_count")}}},
          {"size",
           {{"estimate", reported ? tok : bytes / 4},
            {"unit", "tokens"},
            {"method", reported ? "reported input tokens" : "len//4"}}},
          {"layers", layers},
          {"read", read}};
}

Result<json> layer_view(Reader& r, const NodeRef& n, const LayerOptions& o) {
  std::string type = layer_type_of(o.layer);
  if (type.empty())
    return make_error(ExitCode::kUsage, "INVALID_LAYER", "ctx", "unknown layer \"" + o.layer + "\"",
                      "use --layer system, messages, tools or runtime");
  const json& node = n.node();
  std::string id = s_of(node, (type + "_layer_id").c_str());
  auto layer = r.layer(id);
  if (!layer.ok()) return layer.error();
  const json& c = (*layer)["content"];
  std::string alias;
  for (const auto& [t, a] : layer_types())
    if (t == type) alias = a;
  json out = {{"view", "layer"},
              {"trace_id", n.trace.trace_id},
              {"step_index", n.index},
              {"node_id", node["node_id"]},
              {"layer", alias},
              {"layer_type", type},
              {"layer_id", id},
              {"capture_method", (*layer)["capture_method"]},
              {"fidelity", n.trace.tree->value("fidelity", json())},
              {"completeness", (*layer)["completeness"]}};
  if (type != "messages") {
    int64_t bytes = static_cast<int64_t>(canonical_json(c).size());
    out["byte_count"] = bytes;
    out["estimate_tokens"] = bytes / 4;
    out["content"] = c;
    return out;
  }
  // Messages: the dropped ones (oldest compaction first) ahead of the current layer.
  std::vector<json> heads;
  if (o.with_dropped)
    for (const json& comp : compactions_on_path(*n.trace.tree, static_cast<size_t>(n.index))) {
      auto dl = r.layer(s_of(comp, "lossy_diff_layer_id"));
      if (!dl.ok()) return dl.error();
      heads.push_back((*dl)["content"]["chain"]);
    }
  const size_t dropped_heads = heads.size();
  heads.push_back(c["chain"]);
  std::vector<std::pair<json, bool>> links;
  for (size_t h = 0; h < heads.size(); ++h) {
    auto ch = r.chain(heads[h]);
    if (!ch.ok()) return ch.error();
    for (auto& l : *ch) links.emplace_back(std::move(l), h < dropped_heads);
  }
  const int64_t total = static_cast<int64_t>(links.size());
  const int64_t offset = std::clamp<int64_t>(o.offset, 0, total);
  const int64_t end = o.full || o.limit < 0 ? total : std::min(total, offset + o.limit);
  json msgs = json::array();
  for (int64_t i = offset; i < end; ++i) {
    const auto& [l, dropped] = links[static_cast<size_t>(i)];
    auto body = r.message(l.value("msg", std::string()));
    if (!body.ok()) return body.error();
    msgs.push_back(message_json({l.value("step", -1), dropped, std::move(body).value()}, i));
  }
  out["byte_count"] = num(c, "bytes");
  out["estimate_tokens"] = num(c, "bytes") / 4;
  out["content"] = {{"messages", msgs}};
  out["page"] = {{"shown", end - offset}, {"total", total}, {"offset", offset}, {"limit", o.full ? json(nullptr) : json(o.limit)}};
  if (o.with_dropped) out["with_dropped"] = {{"compactions", dropped_heads}, {"dropped_messages", total - num(c, "count")}};
  return out;
}

json tree_view(const Loaded& t, int depth, bool show_orphans) {
  const json& tree = *t.tree;
  const json& nodes = tree["nodes"];
  std::map<std::string, int> depth_of;
  json out_nodes = json::array();
  int shown_orphans = 0;
  for (const auto& n : nodes) {
    std::string parent = s_of(n, "parent_node_id");
    int d = parent.empty() ? 0 : depth_of[parent] + 1;
    depth_of[s_of(n, "node_id")] = d;
    bool orphan = x_of(n).value("orphan", false);
    if (orphan && !show_orphans) continue;
    if (depth >= 0 && d > depth) continue;
    json o = {{"node_id", n["node_id"]},       {"parent_node_id", n["parent_node_id"]}, {"branch_type", n["branch_type"]},
              {"step_index", n["step_index"]}, {"transcript_uuid", n["transcript_uuid"]}, {"depth", d},
              {"role", x_of(n).value("role", json())}, {"track", x_of(n).value("track", json())}};
    if (!n["subagent_session_id"].is_null()) o["subagent_session_id"] = n["subagent_session_id"];
    if (orphan) {
      o["orphan"] = true;
      ++shown_orphans;
    }
    out_nodes.push_back(std::move(o));
  }
  json orphan_count = 0;
  for (const auto& n : nodes) orphan_count = orphan_count.get<int>() + (x_of(n).value("orphan", false) ? 1 : 0);
  return {{"schema_version", kTreeSchema},
          {"trace_id", t.trace_id},
          {"root_node_id", tree["root_node_id"]},
          {"active_leaf_id", tree["active_leaf_id"]},
          {"node_count", nodes.size()},
          {"orphan_count", orphan_count},
          {"branch_counts", tree["branch_counts"]},
          {"nodes", out_nodes},
          {"orphan_branch_roots", tree["orphan_branch_roots"]},
          {"subagent_session_ids", tree["subagent_session_ids"]},
          {"limitations", tree["limitations"]}};
}

Result<json> reads_view(bucket::Bucket& b, const Loaded& t, int from, int to) {
  auto rec = b.get_record(t.trace_id);
  if (!rec.ok()) return rec.error();
  const json& steps = (*rec)["steps"];
  const json& nodes = (*t.tree)["nodes"];
  json reads = json::array();
  for (int i = std::max(from, 0); i <= to && i < static_cast<int>(steps.size()); ++i) {
    const json& s = steps[static_cast<size_t>(i)];
    std::map<std::string, std::string> names;
    for (const auto& c : s.value("tool_calls", json::array())) names[c.value("tool_call_id", "")] = c.value("tool_name", "");
    for (const auto& o : s.value("observations", json::array())) {
      std::string content = o.value("content", json()).is_string() ? o["content"].get<std::string>() : std::string();
      std::string call = o.value("source_call_id", json()).is_string() ? o["source_call_id"].get<std::string>() : std::string();
      reads.push_back({{"step_index", i},
                       {"uuid", nodes[static_cast<size_t>(i)]["transcript_uuid"]},
                       {"node_id", nodes[static_cast<size_t>(i)]["node_id"]},
                       {"role", "tool"},
                       {"tool_call_id", call},
                       {"tool_name", names.count(call) ? json(names[call]) : json(nullptr)},
                       {"content_hash", "sha256:" + sha256_hex(content)},
                       {"byte_count", content.size()},
                       {"error", !o.value("error", json()).is_null()}});
    }
  }
  return json{{"trace_id", t.trace_id}, {"from_step", from}, {"to_step", to}, {"reads", reads}};
}

Result<json> writes_view(bucket::Bucket& b, const Loaded& t, int from, int to,
                         const std::map<std::string, std::string>& anchors) {
  auto rec = b.get_record(t.trace_id);
  if (!rec.ok()) return rec.error();
  const json& nodes = (*t.tree)["nodes"];
  json writes = json::array();
  for (const auto& p : rec->value("patches", json::array())) {
    int i = static_cast<int>(num(p, "step_index", -1));
    if (i < from || i > to || i < 0 || i >= static_cast<int>(nodes.size())) continue;
    std::string pid = s_of(p, "patch_id");
    std::string commit;
    if (auto it = anchors.find(pid); it != anchors.end()) commit = it->second;
    else if (p.contains("anchor") && p["anchor"].is_object()) commit = s_of(p["anchor"], "commit_sha");
    writes.push_back({{"step_index", i},
                      {"uuid", nodes[static_cast<size_t>(i)]["transcript_uuid"]},
                      {"node_id", nodes[static_cast<size_t>(i)]["node_id"]},
                      {"role", "assistant"},
                      {"tool_call_id", p.value("tool_call_id", json())},
                      {"tool_name", p.value("tool_name", json())},
                      {"file_path", p.value("file_path", json())},
                      {"operation", p.value("operation", json())},
                      {"trace_patch_id", pid},
                      {"trail_anchor_hint", commit.empty() ? json(nullptr) : json{{"commit_id", commit}}}});
  }
  return json{{"trace_id", t.trace_id}, {"from_step", from}, {"to_step", to}, {"writes", writes}};
}

Result<json> diff_view(Reader& r, const NodeRef& a, const NodeRef& b, const std::string& only_layer) {
  std::string only;
  if (!only_layer.empty()) {
    only = layer_type_of(only_layer);
    if (only.empty())
      return make_error(ExitCode::kUsage, "INVALID_LAYER", "ctx", "unknown layer \"" + only_layer + "\"",
                        "use --layer system, messages, tool_registry or runtime_state");
  }
  json changed = json::array(), same = json::array();
  for (const auto& [type, alias] : layer_types()) {
    if (!only.empty() && type != only) continue;
    std::string key = type + "_layer_id";
    std::string ia = s_of(a.node(), key.c_str()), ib = s_of(b.node(), key.c_str());
    if (ia == ib) {
      same.push_back(type);
      continue;
    }
    auto la = r.layer(ia);
    if (!la.ok()) return la.error();
    auto lb = r.layer(ib);
    if (!lb.ok()) return lb.error();
    json entry = {{"layer_type", type}, {"before_layer_id", ia}, {"after_layer_id", ib}};
    const json& ca = (*la)["content"];
    const json& cb = (*lb)["content"];
    if (type == "messages") {
      auto cha = r.chain(ca["chain"]);
      if (!cha.ok()) return cha.error();
      auto chb = r.chain(cb["chain"]);
      if (!chb.ok()) return chb.error();
      size_t common = 0;
      while (common < cha->size() && common < chb->size() && canonical_json((*cha)[common]) == canonical_json((*chb)[common])) ++common;
      json added = json::array(), removed = json::array();
      auto describe = [&](const json& link, size_t idx) -> Result<json> {
        auto m = r.message(link.value("msg", std::string()));
        if (!m.ok()) return m.error();
        return json{{"index", idx}, {"step_index", link.value("step", -1)}, {"role", (*m).value("role", json())},
                    {"preview", preview(*m, 120)}};
      };
      for (size_t i = common; i < cha->size(); ++i) {
        auto d = describe((*cha)[i], i);
        if (!d.ok()) return d.error();
        removed.push_back(*d);
      }
      for (size_t i = common; i < chb->size(); ++i) {
        auto d = describe((*chb)[i], i);
        if (!d.ok()) return d.error();
        added.push_back(*d);
      }
      entry["common_prefix"] = common;
      entry["removed_messages"] = removed;
      entry["added_messages"] = added;
      entry["added_keys"] = json::array();
      entry["removed_keys"] = json::array();
    } else {
      json added = json::array(), removed = json::array(), changed_keys = json::array();
      for (const auto& [k, v] : cb.items())
        if (!ca.contains(k)) added.push_back(k);
        else if (ca[k] != v) changed_keys.push_back(k);
      for (const auto& [k, v] : ca.items())
        if (!cb.contains(k)) removed.push_back(k);
      entry["added_keys"] = added;
      entry["removed_keys"] = removed;
      entry["changed_keys"] = changed_keys;
      if (type == "tool_registry" && ca.contains("tools") && cb.contains("tools")) {
        std::set<std::string> ta = ca["tools"], tb = cb["tools"];
        json plus = json::array(), minus = json::array();
        for (const auto& t : tb) if (!ta.count(t)) plus.push_back(t);
        for (const auto& t : ta) if (!tb.count(t)) minus.push_back(t);
        entry["added_tools"] = plus;
        entry["removed_tools"] = minus;
      }
    }
    changed.push_back(std::move(entry));
  }
  auto side = [](const NodeRef& n) {
    return json{{"node_id", n.node()["node_id"]}, {"trace_id", n.trace.trace_id}, {"step_index", n.index},
                {"branch_type", n.node()["branch_type"]}};
  };
  return json{{"node_a", side(a)}, {"node_b", side(b)}, {"diff", {{"changed", changed}, {"unchanged", same}}}};
}

Result<json> compactions_view(Reader& r, const Loaded& t, bool show_loss) {
  json out = json::array();
  for (json c : (*t.tree)["compactions"]) {
    if (show_loss) {
      auto dl = r.layer(s_of(c, "lossy_diff_layer_id"));
      if (!dl.ok()) return dl.error();
      auto page = r.messages((*dl)["content"]["chain"], 0, -1);
      if (!page.ok()) return page.error();
      int prompts = 0, tool_results = 0, assistant = 0;
      std::set<std::string> tools;
      std::map<std::string, std::string> call_names;
      json prompt_previews = json::array();
      for (const auto& m : page->messages) {
        std::string role = s_of(m.body, "role");
        if (role == "user") {
          ++prompts;
          prompt_previews.push_back(preview(m.body, 120));
        } else if (role == "tool") {
          ++tool_results;
        } else if (role == "assistant") {
          ++assistant;
          for (const auto& tc : m.body.value("tool_calls", json::array())) tools.insert(tc.value("name", ""));
        }
      }
      int64_t removed = num(c, "removed_bytes"), kept = num(c, "summary_bytes");
      c["loss_detail"] = {{"removed_messages", page->total},
                          {"removed_bytes", removed},
                          {"summary_bytes", kept},
                          {"kept_ratio", removed > 0 ? static_cast<double>(kept) / static_cast<double>(removed) : 0.0},
                          {"user_prompts", prompts},
                          {"assistant_messages", assistant},
                          {"tool_results", tool_results},
                          {"tools_used", tools},
                          {"user_prompt_previews", prompt_previews}};
    }
    out.push_back(std::move(c));
  }
  return json{{"trace_id", t.trace_id}, {"compactions", out}};
}

Result<json> resume_packet(Reader& r, bucket::Bucket& b, const NodeRef& n) {
  const json& node = n.node();
  auto page = r.messages(x_of(node).value("after_chain", json()), 0, -1);
  if (!page.ok()) return page.error();
  json msgs = json::array();
  for (size_t i = 0; i < page->messages.size(); ++i) msgs.push_back(message_json(page->messages[i], static_cast<int64_t>(i)));
  auto rt = r.layer(s_of(node, "runtime_state_layer_id"));
  json env = json::object();
  if (rt.ok()) env = {{"cwd", (*rt)["content"].value("cwd", json())}, {"model", (*rt)["content"].value("model", json())}};
  // The latest commit any edit up to this step was anchored to, when the record knows it.
  json hint = nullptr;
  auto rec = b.get_record(n.trace.trace_id);
  if (rec.ok())
    for (const auto& p : rec->value("patches", json::array()))
      if (num(p, "step_index", -1) <= n.index && p.contains("anchor") && p["anchor"].is_object() &&
          !s_of(p["anchor"], "commit_sha").empty())
        hint = {{"commit_id", s_of(p["anchor"], "commit_sha")}};
  return json{{"node_id", node["node_id"]},
              {"trace_id", n.trace.trace_id},
              {"step_index", n.index},
              {"branch_type", node["branch_type"]},
              {"capture_completeness", node["capture_completeness"]},
              {"agent", n.trace.tree->value("agent", json())},
              {"messages", msgs},
              {"env", env},
              {"trail_anchor_hint", hint},
              {"capture_limitations", n.trace.tree->value("limitations", json::array())}};
}

}  // namespace ot::ctx
