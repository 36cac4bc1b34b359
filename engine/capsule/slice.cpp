// Cutting a span of steps out of a record (slice.h).
#include "engine/capsule/slice.h"

namespace ot::capsule {

json slice_record(const json& record, int from, int to) {
  json out = record;
  json steps = json::array();
  const json& src = record.contains("steps") && record["steps"].is_array() ? record["steps"] : json::array();
  for (int i = 0; i < static_cast<int>(src.size()); ++i) {
    json s = src[static_cast<size_t>(i)];
    int idx = s.value("step_index", i);
    if (idx < from || idx > to) continue;
    s["source_step_index"] = idx;
    s["step_index"] = static_cast<int>(steps.size());
    if (s.contains("parent_step") && s["parent_step"].is_number_integer()) {
      int p = s["parent_step"].get<int>();
      s["parent_step"] = (p >= from && p <= to) ? json(p - from) : json(nullptr);
    }
    steps.push_back(std::move(s));
  }
  out["steps"] = steps;
  // Patches: only those made inside the span, their step re-based.
  if (record.contains("patches") && record["patches"].is_array()) {
    json patches = json::array();
    for (json p : record["patches"]) {
      int si = p.value("step_index", -1);
      if (si < from || si > to) continue;
      p["step_index"] = si - from;
      patches.push_back(std::move(p));
    }
    out["patches"] = patches;
  }
  if (out.contains("metrics") && out["metrics"].is_object()) out["metrics"]["total_steps"] = steps.size();
  return out;
}

Result<Slice> load_slice(bucket::Bucket& b, std::string_view ref) {
  auto addr = discovery::resolve_address(b, ref);
  if (!addr.ok()) return addr.error();
  auto rec = b.get_record(addr->trace_id);
  if (!rec.ok()) return rec.error();
  Slice s;
  s.address = *addr;
  s.source_step_count = static_cast<int>((*rec)["steps"].size());
  int to = addr->to_step < 0 ? s.source_step_count - 1 : addr->to_step;
  s.address.to_step = to;
  s.record = slice_record(*rec, addr->from_step, to);
  auto ev = b.events(addr->trace_id);
  if (!ev.ok()) return ev.error();
  for (auto& e : *ev) {
    std::string t = e.contains("event_type") && e["event_type"].is_string() ? e["event_type"].get<std::string>() : "";
    if (t == "hook_event" || t.rfind("context_", 0) == 0) continue;  // raw capture, prompts
    e.erase("seq");
    s.events.push_back(std::move(e));
  }
  return s;
}

}  // namespace ot::capsule
