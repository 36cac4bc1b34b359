// The egress gate: the ONE predicate every path that sends trace data off the machine
// (bucket sync push, dataset publish, capsule share) must call for each source trace.
//
//   auto policy = security::load_policy();
//   security::Clearance c = security::clear_for_egress(record_or_row, *policy);
//   if (!c.cleared) return security::withheld_error(c, trace_id);   // exit 9
//
// Input: either a TraceRecord (wire JSON; state read from metadata.security) or a
// bucket pointer row (`Bucket::row()`/`list()` rows; fields scanned, security_version,
// tools_applied, open_findings, privacy_tier). Nothing else is trusted: a record or row
// without security state is "unscanned".
//
// A trace passes only when ALL hold, checked in this order (the first failure is the reason):
//   policy_off      the current policy runs no tool (nothing could have cleared it)
//   unscanned       no `bucket security run` has processed this generation
//   stale_version   scanned under another security version than the current one
//   tier_off        the record's privacy tier is "off"
//   tools_missing   a tool the current policy runs was not applied to it
//   open_findings   a tool left a finding it could not redact (e.g. classifier at tier high)
// Refusals use exit code 9 (ExitCode::kWithheld, reference 1.5) and error code
// NOT_CLEARED_FOR_EGRESS; `reason` is one of the words above.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/security/policy.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::security {

inline constexpr std::string_view kReasonPolicyOff = "policy_off";
inline constexpr std::string_view kReasonUnscanned = "unscanned";
inline constexpr std::string_view kReasonStaleVersion = "stale_version";
inline constexpr std::string_view kReasonTierOff = "tier_off";
inline constexpr std::string_view kReasonToolsMissing = "tools_missing";
inline constexpr std::string_view kReasonOpenFindings = "open_findings";

struct Clearance {
  bool cleared = false;
  std::string reason;                      // empty when cleared, else one of kReason*
  std::string detail;                      // a sentence for humans
  std::string next_step;                   // the command that fixes it
  std::vector<std::string> missing_tools;  // for tools_missing
  ExitCode exit() const { return cleared ? ExitCode::kOk : ExitCode::kWithheld; }
  json to_json() const;                    // {cleared, reason, detail, next_step, missing_tools}
};

Clearance clear_for_egress(const json& record_or_row, const Policy& current);

// NOT_CLEARED_FOR_EGRESS, exit 9, naming the trace, the reason and the fix.
Error withheld_error(const Clearance& c, std::string_view trace_id);

// The security state the bucket stores (record.metadata.security) — read back from a
// record or a pointer row. `known` is false when neither carries any security state.
struct SecurityState {
  bool known = false, scanned = false;
  std::string security_version, privacy_tier, policy;
  std::vector<std::string> tools_applied;
  int open_findings = 0, redactions = 0;
};
SecurityState read_state(const json& record_or_row);

}  // namespace ot::security
