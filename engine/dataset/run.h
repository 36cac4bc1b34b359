// `dataset new` and `dataset run`: the row pipeline (reference 7.4).
//
// A run: take the dataset lock → select candidate traces from the bucket (the
// manifest's candidate_query, narrowed by run flags) → write the run packet (and each
// candidate's TraceRecord) under .opentraces/runs/<run_id>/ → execute the workflow
// (`script`: its scripts/build_rows with OT_RUN_PACKET / OT_DATASET_OUTPUT, argv only,
// timeout, stdout/stderr captured; `builtin`: the native template code) → for every
// emitted row: check provenance (source_ref names a candidate trace and steps inside
// it), sanitize with the dataset's tools, validate against the pinned row schema,
// hash its identity and skip duplicates → append all rows at once, or none: any
// failure leaves the dataset unchanged and the run record says why.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

inline constexpr const char* kRunRecordSchema = "opentraces.dataset.run_record.v1";
inline constexpr const char* kRunPacketSchema = "opentraces.dataset.run_packet.v1";

struct NewOptions {
  std::string name;
  std::string workflow_ref;   // --workflow
  std::string from_skill;     // --from-skill
  std::string rows_file, schema_file;  // --rows-file + --schema (manual dataset)
  std::string description;
  json candidate_query = nullptr;  // {name, scope, args{}, facets{}} from the shaping flags
  std::string review = "required"; // publication_policy.review
  // Traces datasets (traces.h): rows are whole redacted sessions.
  bool traces = false;             // --traces
  std::string format = "native";   // --format native|sts
  bool allow_findings = false;     // --allow-findings, recorded in the manifest
  std::string privacy_tier;        // --privacy-tier ("" = medium)
};

// {dataset{name, path, manifest, security, manual, row_count}, next_command}
// Errors: INVALID_NAME / conflicting sources / WORKFLOW_NOT_FOUND (exit 2),
// DATASET_EXISTS (exit 3), ROWS_INVALID (exit 2, nothing left behind).
Result<json> create_dataset(const NewOptions& opts);

struct RunOptions {
  bool dry_run = false;
  std::string executor;                  // "" = manifest default ("script" → auto), "script", "builtin"
  std::string scope;                     // all-projects | project | cwd | trace ("" = manifest's)
  std::string project;                   // --project (slug)
  std::vector<std::string> trace_ids;    // --trace (ids or unique prefixes)
  int limit = 0;                         // 0 = no limit
  bool since_last_run = false;
  bool approve_new = false;
  bool repin = false;                    // accept a changed workflow digest
  std::optional<int> timeout_seconds;    // overrides the manifest's executor timeout
  json facets = json::object();          // runtime facets (model, agent.name, agent.version)
  std::string trigger = "manual";        // manual | schedule (recorded in the run record)
  bool allow_findings = false;           // traces datasets: export traces the gate refuses (listed)
  std::function<void(size_t done, size_t total, const std::string& what)> progress;
};

struct RunResult {
  std::string status;    // ok | manual_dataset_no_run_action
  json record;           // the run record
  json review;           // {approved_new_count, row_ids} when --approve-new
  bool cursor_advanced = false;
};

// Failures return the error (its message names the run id); the failed run's record
// is still written under .opentraces/runs/.
Result<RunResult> run_dataset(const std::string& name, const RunOptions& opts);

// Run records, newest first.
Result<std::vector<json>> list_runs(const std::string& name);

}  // namespace ot::dataset
