#include "engine/discovery/inspect.h"

#include <chrono>

#include "engine/discovery/address.h"
#include "engine/discovery/compare.h"
#include "engine/discovery/map.h"
#include "engine/discovery/run_intel.h"
#include "engine/discovery/slice.h"
#include "engine/discovery/steps.h"

namespace ot::discovery {

namespace {

ordered_json head(const char* schema) {
  ordered_json doc;
  doc["status"] = "ok";
  doc["schema_version"] = schema;
  return doc;
}

// Appends the fields of `payload` (a json object) in its key order.
void put_all(ordered_json& doc, const json& payload) {
  for (const auto& [k, v] : payload.items()) doc[k] = ordered_json::parse(v.dump());
}

Error usage(const std::string& kind, const std::string& message, const std::string& hint) {
  return make_error(ExitCode::kUsage, "USAGE", kind, message, hint);
}

struct Loaded {
  TraceAddress addr;
  schema::TraceRecord record;
};

Result<Loaded> load(bucket::Bucket& bucket, std::string_view ref) {
  auto addr = resolve_address(bucket, ref);
  if (!addr.ok()) return addr.error();
  auto rec = load_record(bucket, addr->trace_id);
  if (!rec.ok()) return rec.error();
  // The pointer row and the record agree on the step count unless the record is odd.
  if (static_cast<int>(rec->steps.size()) != addr->step_count) {
    addr->step_count = static_cast<int>(rec->steps.size());
    if (addr->to_step >= addr->step_count) addr->to_step = addr->step_count - 1;
  }
  return Loaded{std::move(addr).value(), std::move(rec).value()};
}

json card_of(const schema::TraceRecord& r, const TraceMap& m, const std::vector<Burst>& bursts) {
  json ov = trace_overview(r);
  auto signals = run_intel(r);
  auto waste = context_waste(r);
  json intel = run_intel_json(r, signals)["counts"];
  json waste_sum = context_waste_json(r, WasteThresholds{}, waste)["summary"];
  std::string headline = ov["title"].get<std::string>();
  if (headline.empty()) headline = "(no prompt)";
  int commits = 0;
  for (const auto& b : bursts) commits += b.commit_sha.empty() ? 0 : 1;
  return {{"trace_id", r.trace_id},
          {"headline", headline},
          {"agent", ov["agent"]},
          {"step_count", ov["step_count"]},
          {"node_count", m.nodes.size()},
          {"files_touched", ov["files_touched"]},
          {"files_touched_count", ov["files_touched_count"]},
          {"duration_seconds", ov["duration_seconds"]},
          {"committed", ov["committed"]},
          {"commit_sha", ov["commit_sha"]},
          {"burst_count", bursts.size()},
          {"committed_bursts", commits},
          {"run_intel", intel},
          {"context_waste", waste_sum},
          {"summary", ov["summary"]},
          {"refs", ov["refs"]}};
}

}  // namespace

Result<ordered_json> trace_get(bucket::Bucket& bucket, std::string_view ref, const GetOptions& o) {
  int views = int(o.card) + int(o.bursts) + int(o.run_intel) + int(o.waste);
  if (views > 1)
    return usage("trace get", "--card, --bursts, --run-intel and --waste are separate views; pick one",
                 "run `trace get` once per view");
  auto loaded = load(bucket, ref);
  if (!loaded.ok()) return loaded.error();
  const TraceAddress& a = loaded->addr;
  const schema::TraceRecord& r = loaded->record;
  if (views == 1 && !a.whole_trace())
    return usage("trace get", "\"" + a.input + "\" addresses steps; --card/--bursts/--run-intel/--waste read a whole trace",
                 "address the trace alone: `trace get " + a.trace_id + " ...`");

  if (o.run_intel) {
    ordered_json doc = head(kRunIntelSchema);
    put_all(doc, run_intel_json(r, run_intel(r)));
    return doc;
  }
  if (o.waste) {
    ordered_json doc = head(kWasteSchema);
    json body = context_waste_json(r, o.thresholds, context_waste(r, o.thresholds));
    doc["trace_id"] = body["trace_id"];
    for (const char* k : {"fidelity", "thresholds", "findings", "summary", "limitations"})
      doc[k] = ordered_json::parse(body[k].dump());
    return doc;
  }
  TraceMap m = build_map(r);
  ordered_json doc = head(kGetSchema);
  if (o.bursts || o.card) {
    auto ctx = burst_context(bucket, r, o.burst.commit_lookup);
    if (!ctx.ok()) return ctx.error();
    auto bursts = compute_bursts(r, m, *ctx, o.burst);
    doc["trace_id"] = r.trace_id;
    if (o.card) {
      doc["card"] = ordered_json::parse(card_of(r, m, bursts).dump());
      return doc;
    }
    doc["burst_gap"] = std::max(1, o.burst.gap);
    json list = json::array();
    for (const auto& b : bursts) list.push_back(b.to_json());
    doc["bursts"] = ordered_json::parse(list.dump());
    doc["limitations"] = ctx->limitations;
    return doc;
  }
  if (a.view == "card") {
    auto ctx = burst_context(bucket, r, true);
    if (!ctx.ok()) return ctx.error();
    doc["resource"] = {{"kind", "trace_card"}, {"uri", a.input}};
    doc["resource"]["card"] = ordered_json::parse(card_of(r, m, compute_bursts(r, m, *ctx, {})).dump());
    return doc;
  }
  if (a.view == "map") {
    doc["resource"] = {{"kind", "trace_map"}, {"uri", a.input}};
    doc["resource"]["map"] = map_overview(r, m, 0, static_cast<int>(r.steps.size()) - 1);
    return doc;
  }
  if (a.view == "patch") {
    for (const auto& p : r.patches)
      if (p.patch_id == a.view_id || p.patch_id == "sha256:" + a.view_id) {
        doc["resource"] = {{"kind", "trace_patch"}, {"uri", a.input}};
        doc["resource"]["patch"] = ordered_json::parse(schema::to_json(p).dump());
        return doc;
      }
    return make_error(ExitCode::kNotFound, "PATCH_NOT_FOUND", "trace get",
                      "trace " + r.trace_id + " has no patch \"" + a.view_id + "\"",
                      "`trace get " + r.trace_id + " --bursts` lists its patches");
  }
  if (a.view == "map_node") {
    const MapNode* n = m.find(a.view_id);
    if (!n)
      return make_error(ExitCode::kNotFound, "NODE_NOT_FOUND", "trace get",
                        "trace " + r.trace_id + " has no map node \"" + a.view_id + "\"",
                        "`trace map " + r.trace_id + " --full --json` lists its nodes");
    doc["trace_id"] = r.trace_id;
    doc["map_node"] = ordered_json::parse(n->to_json(r.trace_id).dump());
    return doc;
  }
  if (a.kind == AddressKind::kTrace) {
    doc["trace"] = ordered_json::parse(trace_overview(r).dump());
    return doc;
  }
  if (a.kind == AddressKind::kStep) {
    const MapNode* first = m.first_of_step(a.from_step);
    doc["trace_id"] = r.trace_id;
    doc["step"] = ordered_json::parse(step_card(r, a.from_step, first ? first->node_id : "").dump());
    doc["next_steps"] = ordered_json::parse(step_next_steps(r.trace_id, a.from_step).dump());
    return doc;
  }
  doc["trace_id"] = r.trace_id;
  doc["span"] = {{"from_step", a.from_step}, {"to_step", a.to_step}};
  doc["slice"] = ordered_json::parse(make_slice(r, m, "manual_step_range", a.from_step, a.to_step).dump());
  return doc;
}

Result<ordered_json> trace_map(bucket::Bucket& bucket, std::string_view ref, const MapOptions& o) {
  if (int(o.around.has_value()) + int(o.from_node.has_value()) + int(o.bursts) > 1)
    return usage("trace map", "--around, --from-node and --bursts are separate selectors; pick one", "");
  auto loaded = load(bucket, ref);
  if (!loaded.ok()) return loaded.error();
  const TraceAddress& a = loaded->addr;
  const schema::TraceRecord& r = loaded->record;
  TraceMap m = build_map(r);
  ordered_json doc = head(kMapSchema);
  doc["trace_id"] = r.trace_id;

  auto keep = [&](const std::vector<const MapNode*>& nodes) {
    if (o.actions.empty()) return nodes;
    std::vector<const MapNode*> out;
    for (const MapNode* n : nodes)
      if (std::find(o.actions.begin(), o.actions.end(), n->action_type) != o.actions.end()) out.push_back(n);
    return out;
  };
  if (o.bursts) {
    auto ctx = burst_context(bucket, r, o.burst.commit_lookup);
    if (!ctx.ok()) return ctx.error();
    doc["burst_gap"] = std::max(1, o.burst.gap);
    doc["map"] = ordered_json::parse(bursts_as_map(r.trace_id, compute_bursts(r, m, *ctx, o.burst)).dump());
    return doc;
  }
  if (o.around || o.from_node) {
    std::string node = o.around ? *o.around : *o.from_node;
    auto nodes = o.around ? map_around(m, node, std::max(0, o.depth))
                          : map_walk(m, node, o.walk_forward, o.until, std::max(1, o.max_steps));
    if (!nodes.ok()) return nodes.error();
    auto kept = keep(*nodes);
    int lo = 0, hi = 0;
    if (!kept.empty()) {
      lo = kept.front()->step_index;
      hi = kept.back()->step_index;
      for (const MapNode* n : kept) lo = std::min(lo, n->step_index), hi = std::max(hi, n->step_index);
    }
    doc["candidate_node_id"] = node;
    doc["map"] = ordered_json::parse(m.to_json(kept).dump());
    doc["handoff"] = {{"command", "git opentraces trace slice " + r.trace_id + " --from-step " + std::to_string(lo) +
                                      " --to-step " + std::to_string(hi)}};
    return doc;
  }
  if (o.full) {
    std::vector<const MapNode*> all;
    for (const auto& n : m.nodes)
      if (n.step_index >= a.from_step && n.step_index <= a.to_step) all.push_back(&n);
    doc["map"] = ordered_json::parse(m.to_json(keep(all)).dump());
    return doc;
  }
  TraceMap scoped = m;
  if (!o.actions.empty()) {
    scoped.nodes.clear();
    for (const auto& n : m.nodes)
      if (std::find(o.actions.begin(), o.actions.end(), n.action_type) != o.actions.end()) scoped.nodes.push_back(n);
  }
  ordered_json ov = map_overview(r, scoped, a.from_step, a.to_step);
  for (auto it = ov.begin(); it != ov.end(); ++it)
    if (it.key() != "trace_id") doc[it.key()] = it.value();
  return doc;
}

Result<ordered_json> trace_slice(bucket::Bucket& bucket, std::string_view ref, const SliceOptions& o) {
  auto loaded = load(bucket, ref);
  if (!loaded.ok()) return loaded.error();
  const schema::TraceRecord& r = loaded->record;
  int last = static_cast<int>(r.steps.size()) - 1;
  TraceMap m = build_map(r);
  ordered_json doc = head(kSliceSchema);
  doc["trace_id"] = r.trace_id;
  doc["mode"] = o.mode;
  json slices = json::array();
  auto out_of_range = [&](int step) {
    return make_error(ExitCode::kNotFound, "STEP_NOT_FOUND", "trace slice",
                      "trace " + r.trace_id + " has no step " + std::to_string(step) + "; available steps: " +
                          (last >= 0 ? "0.." + std::to_string(last) : std::string("none")),
                      "pick steps in that range");
  };
  if (o.mode == "template") {
    auto ctx = burst_context(bucket, r, o.burst.commit_lookup);
    if (!ctx.ok()) return ctx.error();
    doc["template"] = "bursts";
    doc["burst_gap"] = std::max(1, o.burst.gap);
    slices = burst_slices(r, m, compute_bursts(r, m, *ctx, o.burst));
  } else if (o.mode == "around_step") {
    if (o.around_step < 0 || o.around_step > last) return out_of_range(o.around_step);
    int radius = std::max(0, o.radius);
    doc["around_step"] = o.around_step;
    doc["radius"] = radius;
    slices.push_back(make_slice(r, m, o.mode, std::max(0, o.around_step - radius), std::min(last, o.around_step + radius)));
  } else {
    if (o.from_step > o.to_step)
      return usage("trace slice", "--from-step " + std::to_string(o.from_step) + " is after --to-step " +
                                      std::to_string(o.to_step),
                   "give the lower step first");
    if (o.from_step < 0 || o.from_step > last) return out_of_range(o.from_step);
    if (o.to_step > last) return out_of_range(o.to_step);
    slices.push_back(make_slice(r, m, "manual_step_range", o.from_step, o.to_step));
  }
  doc["slices"] = ordered_json::parse(slices.dump());
  return doc;
}

Result<ordered_json> trace_skills(bucket::Bucket& bucket, const SkillOptions& opts) {
  auto t0 = std::chrono::steady_clock::now();
  auto ranked = rank_skills(bucket, opts);
  if (!ranked.ok()) return ranked.error();
  ordered_json doc = head(kSkillsSchema);
  doc["source"] = "bucket";
  for (const char* k : {"total_skills", "total_invocations", "limit", "next_page_token", "has_more", "traces_scanned", "skills"})
    doc[k] = ordered_json::parse((*ranked)[k].dump());
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  doc["telemetry"] = {{"duration_ms", ms}};
  return doc;
}

Result<ordered_json> trace_compare(bucket::Bucket& bucket, std::string_view ra, std::string_view rb,
                                   const BurstOptions& opts) {
  auto a = load(bucket, ra);
  if (!a.ok()) return a.error();
  auto b = load(bucket, rb);
  if (!b.ok()) return b.error();
  if (!a->addr.whole_trace() || !b->addr.whole_trace())
    return usage("trace compare", "compare takes two traces, not steps", "drop the :<step> part of the addresses");
  auto ca = burst_context(bucket, a->record, opts.commit_lookup);
  if (!ca.ok()) return ca.error();
  auto cb = burst_context(bucket, b->record, opts.commit_lookup);
  if (!cb.ok()) return cb.error();
  ordered_json doc = head(kCompareSchema);
  json body = compare_traces(a->record, b->record, *ca, *cb, opts);
  for (const char* k : {"trace_a", "trace_b", "fidelity", "burst_gap", "quality_included", "delta"})
    doc[k] = ordered_json::parse(body[k].dump());
  return doc;
}

std::optional<std::string> dispatchable_address(std::string_view token) {
  AddressShape shape = address_shape(token);
  if (shape.pure) return std::string(token);
  if (!shape.needs_lookup) return std::nullopt;
  bucket::OpenOptions oo;
  oo.lock_wait_ms = 500;
  oo.create_if_missing = false;
  auto b = bucket::Bucket::open(bucket_dir(), oo);
  if (!b.ok()) return std::nullopt;
  auto parsed = parse_address(token);
  if (!parsed.ok()) return std::nullopt;
  auto id = (*b)->resolve_prefix(parsed->trace_ref);
  if (!id.ok()) return std::nullopt;
  auto colon = token.find(':');
  return *id + (colon == std::string_view::npos ? "" : std::string(token.substr(colon)));
}

}  // namespace ot::discovery
