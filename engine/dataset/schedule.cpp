#include "engine/dataset/schedule.h"

#include <algorithm>
#include <functional>

#include "engine/dataset/rows.h"
#include "engine/dataset/run.h"
#include "engine/util/time.h"

namespace ot::dataset {

Result<int64_t> parse_every(const std::string& every) {
  auto bad = [&] {
    return make_error(ExitCode::kUsage, "INVALID_INTERVAL", "dataset schedule", "interval '" + every + "' is not valid",
                      "use a number and a unit: 30s, 15m, 2h or 1d (at least 10s)");
  };
  if (every.size() < 2 || every.size() > 12) return bad();
  std::string num = every.substr(0, every.size() - 1);
  if (!std::all_of(num.begin(), num.end(), ::isdigit)) return bad();
  int64_t n = std::stoll(num);
  int64_t unit = 0;
  switch (every.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return bad();
  }
  if (n * unit < 10) return bad();
  return n * unit;
}

namespace {

json payload(const Dataset& ds) {
  json s = ds.manifest().value("schedule", json());
  json out{{"dataset", ds.name()}, {"trigger", "schedule"}};
  if (s.is_object())
    for (auto it = s.begin(); it != s.end(); ++it) out[it.key()] = it.value();
  if (!out.contains("last_run_status")) out["last_run_status"] = nullptr;
  return out;
}

Result<json> edit(const std::string& name, const std::function<Status(json& schedule)>& change) {
  auto dir = dataset_dir(name);
  if (!dir.ok()) return dir.error();
  auto probe = Dataset::open_dir(*dir);
  if (!probe.ok()) return probe.error();
  auto lock = DatasetLock::acquire(*dir, "schedule");
  if (!lock.ok()) return lock.error();
  auto ds = Dataset::open_dir(*dir);
  if (!ds.ok()) return ds.error();
  json m = ds->manifest();
  json s = m.value("schedule", json());
  OT_TRY_STATUS(change(s));
  m["schedule"] = s;
  OT_TRY_STATUS(ds->save_manifest(m));
  return payload(*ds);
}

Error no_schedule(const std::string& name) {
  return make_error(ExitCode::kResource, "SCHEDULE_NOT_FOUND", "dataset schedule", "dataset " + name + " has no schedule",
                    "add one with `git opentraces dataset schedule add " + name + " --every 1h`");
}

std::vector<std::string> dataset_names() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(datasets_root(), ec))
    if (e.is_directory() && e.path().filename().string()[0] != '.') out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Result<json> schedule_add(const std::string& name, const std::string& every, const std::string& executor, bool approve_new) {
  auto secs = parse_every(every);
  if (!secs.ok()) return secs.error();
  if (!executor.empty() && executor != "script" && executor != "builtin")
    return make_error(ExitCode::kUsage, "EXECUTOR_UNAVAILABLE", "dataset schedule", "unknown executor '" + executor + "'",
                      "use script or builtin");
  return edit(name, [&](json& s) -> Status {
    json prev = s.is_object() ? s : json::object();
    s = json{{"enabled", true},
             {"every", every},
             {"every_seconds", *secs},
             {"executor", executor.empty() ? json() : json(executor)},
             {"approve_new", approve_new},
             {"created_at", prev.value("created_at", utc_now_iso())},
             {"last_run_at", prev.value("last_run_at", json())},
             {"last_run_id", prev.value("last_run_id", json())},
             {"last_run_status", prev.value("last_run_status", json())},
             {"last_error", prev.value("last_error", json())}};
    return ok_status();
  });
}

Result<json> schedule_set(const std::string& name, const std::string& action) {
  return edit(name, [&](json& s) -> Status {
    if (!s.is_object()) return no_schedule(name);
    if (action == "pause") s["enabled"] = false;
    else if (action == "resume") s["enabled"] = true;
    else if (action == "remove") s = nullptr;
    else return make_error(ExitCode::kUsage, "INVALID_ACTION", "dataset schedule", "unknown action " + action);
    return ok_status();
  });
}

Result<std::vector<json>> schedule_list() {
  std::vector<json> out;
  for (const auto& n : dataset_names()) {
    auto ds = Dataset::open(n);
    if (!ds.ok() || !ds->manifest().value("schedule", json()).is_object()) continue;
    out.push_back(payload(*ds));
  }
  return out;
}

Result<json> schedule_show(const std::string& name) {
  auto ds = Dataset::open(name);
  if (!ds.ok()) return ds.error();
  if (!ds->manifest().value("schedule", json()).is_object()) return no_schedule(name);
  return payload(*ds);
}

Result<std::vector<TickItem>> schedule_tick(int64_t now, bool force) {
  std::vector<TickItem> out;
  for (const auto& n : dataset_names()) {
    auto ds = Dataset::open(n);
    if (!ds.ok()) continue;
    json s = ds->manifest().value("schedule", json());
    if (!s.is_object() || !s.value("enabled", false)) continue;
    const int64_t every_ms = s.value("every_seconds", int64_t{3600}) * 1000;
    auto last = s["last_run_at"].is_string() ? ms_from_iso(s["last_run_at"].get<std::string>()) : std::nullopt;
    if (!force && last && now - *last < every_ms) {
      out.push_back({n, "skipped_not_due", json{{"next_run_at", iso_from_ms(*last + every_ms)}}});
      continue;
    }
    RunOptions o;
    o.since_last_run = true;
    o.approve_new = s.value("approve_new", false);
    o.executor = s["executor"].is_string() ? s["executor"].get<std::string>() : "";
    o.trigger = "schedule";
    auto r = run_dataset(n, o);
    TickItem item{n, "ran", json::object()};
    if (!r.ok()) {
      if (r.error().code == "DATASET_LOCKED") {
        out.push_back({n, "skipped_locked", json{{"message", r.error().message}}});
        continue;
      }
      item.outcome = "failed";
      item.detail = json{{"code", r.error().code}, {"message", r.error().message}};
    } else {
      item.detail = json{{"run_id", r->record.value("run_id", json())},
                         {"appended_count", r->record.value("appended_count", 0)},
                         {"duplicate_count", r->record.value("duplicate_count", 0)},
                         {"candidate_count", r->record.value("candidate_count", 0)}};
    }
    (void)edit(n, [&](json& sc) -> Status {
      if (!sc.is_object()) return ok_status();
      sc["last_run_at"] = iso_from_ms(now);
      sc["last_run_status"] = item.outcome == "ran" ? "succeeded" : "failed";
      sc["last_run_id"] = item.detail.value("run_id", json());
      sc["last_error"] = item.outcome == "ran" ? json() : item.detail;
      return ok_status();
    });
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace ot::dataset
