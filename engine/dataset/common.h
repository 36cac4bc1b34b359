// Helpers shared by `dataset new` (create.cpp) and `dataset run` (run.cpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/dataset/rows.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

// "20261125T155256Z"
std::string stamp_compact();

// What the identity hash covers: the whole row (identity.mode payload_hash) or the
// manifest's identity.fields.
json identity_input(const json& row, const json& manifest);

// A workflow's JSONL output: every non-blank line must be a JSON object.
// WORKFLOW_NO_OUTPUT / WORKFLOW_INVALID_OUTPUT (exit 3) naming the line.
Result<std::vector<json>> read_output(const std::filesystem::path& path);

// After a run appended `add`: publication states re-evaluated and saved; with
// `approve_new` the appended rows still needing review become publishable (reviewed by
// "dataset-run-automation"). Returns {approved_new_count, row_ids} when approving, else null.
Result<json> settle_appended(Dataset& ds, const std::vector<std::pair<RowIndexEntry, json>>& add, bool approve_new);

}  // namespace ot::dataset
