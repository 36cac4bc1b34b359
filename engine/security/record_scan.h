// One record through the security pipeline: what `bucket security run` stores as the
// trace's new generation. The redacted record carries its state in
//   security          {scanned: true, redactions_applied, flags_reviewed, classifier_version}
//   metadata.security {scanned, tools_applied, privacy_tier, security_version, policy, syncable,
//                      stale: false, open_findings, redactions_applied, findings_by_type,
//                      findings[{type, path, step, tool, action, resolved}], scanned_at}
// and a recomputed content_hash. Findings never hold the secret text.
#pragma once

#include "engine/security/sanitize.h"

namespace ot::security {

struct RecordScan {
  json record;            // redacted, with security state
  SanitizeResult result;  // its `value` is moved into `record`
  bool syncable = false;  // clear_for_egress(record, policy).cleared
};

// NOT_A_RECORD (exit 2) when `record` is not an object with a trace_id;
// SECURITY_POLICY_OFF (exit 2) when the policy runs no tool.
// `accept_open_findings` marks judge findings resolved (a person looked at them).
Result<RecordScan> scan_record(const json& record, const Policy& policy, bool accept_open_findings = false,
                               const SanitizeOptions& options = {});

// True when the record already carries state from this policy and version, so a run
// can skip it ("already_filtered").
bool already_filtered(const json& record, const Policy& policy);

}  // namespace ot::security
