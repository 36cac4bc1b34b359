#include "engine/discovery/compare.h"

#include <set>

#include "engine/discovery/run_intel.h"
#include "engine/discovery/steps.h"
#include "engine/discovery/waste.h"
#include "engine/util/time.h"

namespace ot::discovery {

namespace {

// {a, b, delta}; delta is null when either side is unknown.
json side_by_side(const json& a, const json& b) {
  json d = nullptr;
  if (a.is_number() && b.is_number()) {
    if (a.is_number_integer() && b.is_number_integer()) d = b.get<int64_t>() - a.get<int64_t>();
    else d = b.get<double>() - a.get<double>();
  }
  return {{"a", a}, {"b", b}, {"delta", d}};
}

json signal_counts(const schema::TraceRecord& r) {
  json counts = run_intel_json(r, run_intel(r))["counts"];
  json waste = context_waste_json(r, WasteThresholds{}, context_waste(r))["summary"];
  for (const auto& [k, v] : waste.items()) counts[k] = v;
  return counts;
}

}  // namespace

json trace_metrics(const schema::TraceRecord& r) {
  int64_t users = 0, calls = 0, errors = 0;
  for (const auto& s : r.steps) {
    if (s.role == "user" && s.call_type == "main") ++users;
    calls += static_cast<int64_t>(s.tool_calls.size());
    for (const auto& o : s.observations) errors += o.error.empty() ? 0 : 1;
  }
  std::set<std::string> files;
  for (const auto& p : r.patches) files.insert(p.file_path);
  json duration = nullptr;
  if (r.metrics.total_duration_s) duration = *r.metrics.total_duration_s;
  else if (auto a = ms_from_iso(r.timestamp_start), b = ms_from_iso(r.timestamp_end); a && b)
    duration = static_cast<double>(*b - *a) / 1000.0;
  return {{"total_steps", r.steps.size()},
          {"user_turns", users},
          {"tool_calls", calls},
          {"tool_errors", errors},
          {"input_tokens", r.metrics.total_input_tokens},
          {"output_tokens", r.metrics.total_output_tokens},
          {"cache_read_tokens", r.metrics.total_cache_read_tokens},
          {"estimated_cost_usd", r.metrics.estimated_cost_usd ? json(*r.metrics.estimated_cost_usd) : json(nullptr)},
          {"duration_seconds", duration},
          {"patches", r.patches.size()},
          {"files_touched", files.size()}};
}

json compare_traces(const schema::TraceRecord& a, const schema::TraceRecord& b, const BurstContext& ca,
                    const BurstContext& cb, const BurstOptions& opts) {
  json ma = trace_metrics(a), mb = trace_metrics(b), metrics = json::object();
  for (const auto& [k, v] : ma.items()) metrics[k] = side_by_side(v, mb[k]);

  auto ba = compute_bursts(a, build_map(a), ca, opts), bb = compute_bursts(b, build_map(b), cb, opts);
  auto committed = [](const std::vector<Burst>& v) {
    int n = 0;
    for (const auto& x : v) n += x.commit_sha.empty() ? 0 : 1;
    return n;
  };
  json bursts = {{"count", side_by_side(ba.size(), bb.size())},
                 {"committed", side_by_side(committed(ba), committed(bb))}};

  json sa = signal_counts(a), sb = signal_counts(b), signals = json::object();
  for (const auto& [k, v] : sa.items()) signals[k] = side_by_side(v, sb[k]);

  json security = {{"scanned", {{"a", a.security.scanned}, {"b", b.security.scanned}}},
                   {"redactions_applied", side_by_side(a.security.redactions_applied, b.security.redactions_applied)}};
  return {{"trace_a", a.trace_id},
          {"trace_b", b.trace_id},
          {"fidelity", {{"a", "record"}, {"b", "record"}}},
          {"burst_gap", opts.gap},
          {"quality_included", false},
          {"delta", {{"metrics", metrics}, {"quality", nullptr}, {"bursts", bursts}, {"signals", signals}, {"security", security}}}};
}

}  // namespace ot::discovery
