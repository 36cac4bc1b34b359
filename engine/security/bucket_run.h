// The security pipeline over the bucket: `bucket security run` and `bucket security status`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/security/policy.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::security {

struct RunOptions {
  std::optional<std::string> trace;   // one trace (exact id); all traces otherwise
  bool accept_open_findings = false;  // a person reviewed the judge findings
  bool force = false;                 // re-scan traces that are already cleared
};

struct RunReport {
  int total = 0, filtered = 0, already_filtered = 0, still_blocked = 0, failed = 0;
  int64_t history_values_rewritten = 0;  // older generations and events redacted in place
  json findings_by_type = json::object();
  std::vector<json> traces;              // {trace_id, outcome, generation?, redactions, findings_by_type, reason?, error?}
  json to_json() const;
};

// For each trace: scan its current record, store the redacted record as a NEW generation
// (metadata.security filled), then redact its older generations and events in place so
// no unredacted copy remains; finally compact the database. A trace that fails is
// reported and the run goes on. SECURITY_POLICY_OFF (exit 2) when the policy runs no tool.
Result<RunReport> run_security(bucket::Bucket& b, const Policy& policy, const RunOptions& options);

// {total, cleared, filtered (alias of cleared), unfiltered, unscanned, stale, withheld_by_reason{...},
//  remediation{reason, next_steps[]}} from the list rows, judged against `policy`.
Result<json> security_overview(bucket::Bucket& b, const Policy& policy);

// Every pointer row of the bucket (all pages of Bucket::list).
Result<std::vector<json>> all_rows(bucket::Bucket& b);

}  // namespace ot::security
