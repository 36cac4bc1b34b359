#include "engine/discovery/slice.h"

namespace ot::discovery {

json make_slice(const schema::TraceRecord& r, const TraceMap& m, const std::string& mode, int from_step, int to_step) {
  std::vector<const MapNode*> nodes;
  for (const auto& n : m.nodes)
    if (n.step_index >= from_step && n.step_index <= to_step) nodes.push_back(&n);
  json patches = json::array();
  for (const auto& p : r.patches)
    if (p.step_index >= from_step && p.step_index <= to_step)
      patches.push_back({{"patch_id", p.patch_id},
                         {"ref", "ot://trace/" + r.trace_id + "/patches/" + p.patch_id},
                         {"file_path", p.file_path},
                         {"step_index", p.step_index},
                         {"operation", p.operation},
                         {"commit_sha", p.anchor && !p.anchor->commit_sha.empty() ? json(p.anchor->commit_sha) : json(nullptr)}});
  json material = {{"trace_id", r.trace_id}, {"mode", mode}, {"start_step_index", from_step}, {"end_step_index", to_step}};
  std::string digest = domain_digest("opentraces.trace_slice.v1", material);
  json map = m.to_json(nodes);
  return {{"slice_id", "ts:" + digest.substr(digest.find(':') + 1, 16)},
          {"trace_id", r.trace_id},
          {"start_step_index", from_step},
          {"end_step_index", to_step},
          {"node_count", nodes.size()},
          {"patch_count", patches.size()},
          {"map", map},
          {"trace_patch_refs", patches}};
}

json burst_slices(const schema::TraceRecord& r, const TraceMap& m, const std::vector<Burst>& bursts) {
  json out = json::array();
  for (const auto& b : bursts) {
    json s = make_slice(r, m, "template", b.from_step, b.to_step);
    s["burst_index"] = b.index;
    s["burst_commit_sha"] = b.commit_sha.empty() ? json(nullptr) : json(b.commit_sha);
    s["intent_text"] = b.intent_text.empty() ? json(nullptr) : json(b.intent_text);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ot::discovery
