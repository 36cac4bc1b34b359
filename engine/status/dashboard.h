// The `status` dashboard (reference 2.7): a verdict on the bucket computed only from
// the bucket's O(1) counters (Bucket::status()), never from a scan of traces.
#pragma once

#include <optional>
#include <string>

#include "engine/util/json.h"

namespace ot::status {

// `bucket_status` is Bucket::status(); `spool_pending` the undrained spool items.
// `project` narrows the fleet to one project slug.
ordered_json build_dashboard(const json& bucket_status, size_t spool_pending, size_t quarantined,
                             const std::optional<std::string>& project);

// status=<clean|not-cleared|empty> traces=N unscanned=N not_cleared=N stale=<bool>
std::string short_line(const ordered_json& dashboard);

}  // namespace ot::status
