#include "engine/dataset/units.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "engine/discovery/map.h"
#include "engine/schema/record.h"

namespace ot::dataset {

namespace {

std::string str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return {};
  return j[key].get<std::string>();
}

const json kNull = nullptr;
const json& at(const json& j, const char* key) { return j.is_object() && j.contains(key) ? j[key] : kNull; }

}  // namespace

Result<json> change_bursts(const json& record, const discovery::BurstContext& ctx) {
  auto rec = schema::record_from_json(record);
  if (!rec.ok()) {
    Error e = rec.error();
    e.code = "RECORD_INVALID";
    e.exit = ExitCode::kResource;
    return e;
  }
  json out = json::array();
  for (const auto& b : discovery::compute_bursts(*rec, discovery::build_map(*rec), ctx, {})) {
    json ids = json::array();
    for (const auto& p : b.patches) ids.push_back(p.value("patch_id", ""));
    auto opt = [](const std::string& s) { return s.empty() ? json() : json(s); };
    out.push_back(json{{"unit_id", "tu:" + rec->trace_id + ":burst:" + std::to_string(b.index)},
                       {"kind", "change_burst"},
                       {"index", b.index},
                       {"step_range", {b.from_step, b.to_step}},
                       {"intent_user_step", b.intent_user_step < 0 ? json() : json(b.intent_user_step)},
                       {"intent_text", opt(b.intent_text)},
                       {"trigger_text", b.intent.value("trigger", json())},
                       {"patch_ids", ids},
                       {"burst_commit_sha", opt(b.commit_sha)},
                       {"commit_source", opt(b.commit_source)},
                       {"survival", json::object()}});
  }
  return out;
}

Result<json> change_bursts(const json& record) { return change_bursts(record, discovery::BurstContext{}); }

json skill_episodes(const json& record) {
  const json& steps = at(record, "steps");
  json out = json::array();
  if (!steps.is_array()) return out;
  const std::string tid = str(record, "trace_id");
  const int n = static_cast<int>(steps.size());
  int k = 0;
  for (int i = 0; i < n; ++i) {
    const json& calls = at(steps[static_cast<size_t>(i)], "tool_calls");
    if (!calls.is_array()) continue;
    for (const json& c : calls) {
      if (str(c, "tool_name") != "Skill") continue;
      const json& input = at(c, "input");
      std::string skill = str(input, "skill");
      if (skill.empty()) skill = str(input, "command");
      if (skill.empty()) continue;
      int end = i;
      while (end + 1 < n && str(steps[static_cast<size_t>(end + 1)], "role") != "user") ++end;
      json trigger = nullptr;
      for (int j = i; j >= 0; --j)
        if (str(steps[static_cast<size_t>(j)], "role") == "user" && !str(steps[static_cast<size_t>(j)], "content").empty()) {
          trigger = str(steps[static_cast<size_t>(j)], "content");
          break;
        }
      std::string args = str(input, "args");
      out.push_back(json{{"unit_id", "tu:" + tid + ":skill:" + std::to_string(k)},
                         {"kind", "skill_episode"},
                         {"index", k},
                         {"skill", skill},
                         {"args", args.empty() ? json() : json(args)},
                         {"step_range", {i, end}},
                         {"trigger_text", trigger}});
      ++k;
    }
  }
  return out;
}

}  // namespace ot::dataset
