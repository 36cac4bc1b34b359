// Dataset schedules (reference 7.4 `dataset schedule`): a dataset may carry
// manifest.schedule = {enabled, every, executor, approve_new, created_at, last_run_at,
// last_run_id, last_run_status, last_error}. Nothing runs by itself: `git opentraces
// schedule tick` (for cron or a systemd timer) runs every enabled schedule that is due,
// as `dataset run --since-last-run` with trigger "schedule".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

// "30s", "15m", "2h", "1d" → seconds (at least 10 s). INVALID_INTERVAL (exit 2).
Result<int64_t> parse_every(const std::string& every);

// Adds or replaces the schedule. DATASET_NOT_FOUND (exit 3).
Result<json> schedule_add(const std::string& name, const std::string& every, const std::string& executor, bool approve_new);
// pause | resume | remove. SCHEDULE_NOT_FOUND (exit 3) when the dataset has none.
Result<json> schedule_set(const std::string& name, const std::string& action);
// {dataset, enabled, every, executor, trigger:"schedule", last_run_status, ...} per scheduled dataset.
Result<std::vector<json>> schedule_list();
Result<json> schedule_show(const std::string& name);

struct TickItem {
  std::string dataset;
  std::string outcome;  // ran | failed | skipped_not_due | skipped_locked
  json detail;          // run id / counts, or the error
};
// Runs every enabled schedule due at `now_ms` (all enabled ones when `force`).
Result<std::vector<TickItem>> schedule_tick(int64_t now_ms, bool force);

}  // namespace ot::dataset
