#include "engine/security/record_scan.h"

#include "engine/schema/record.h"
#include "engine/security/gate.h"
#include "engine/util/time.h"

namespace ot::security {

namespace {
// Identity fields: keys and digests, never user content; left out of the scan so a
// redaction can never change which trace a record is.
constexpr const char* kIdentity[] = {"trace_id", "session_id", "content_hash", "schema_version", "security"};
}  // namespace

Result<RecordScan> scan_record(const json& record, const Policy& policy, bool accept_open_findings,
                               const SanitizeOptions& options) {
  if (!record.is_object() || !record.contains("trace_id") || !record["trace_id"].is_string())
    return make_error(ExitCode::kUsage, "NOT_A_RECORD", "security", "a TraceRecord must be an object with a trace_id",
                      "pass TraceRecord wire JSON (docs/schema.md)");
  if (policy.is_off())
    return make_error(ExitCode::kUsage, "SECURITY_POLICY_OFF", "security",
                      "the security policy runs no tool (policy " + policy.preset + ", tier " +
                          std::string(tier_name(policy.tier)) + ")",
                      "git opentraces bucket security policy recommended");
  json body = record;
  json identity = json::object();
  for (const char* k : kIdentity)
    if (body.contains(k)) {
      identity[k] = body[k];
      body.erase(k);
    }
  if (body.contains("metadata") && body["metadata"].is_object()) body["metadata"].erase("security");

  SanitizeOptions opts = options;
  if (opts.scope.empty()) opts.scope = record["trace_id"].get<std::string>();
  auto res = sanitize(body, policy, opts);
  if (!res.ok()) return res.error();
  RecordScan out;
  out.result = std::move(res).value();
  // TraceRecord security.flags_reviewed is a count: the open findings a person accepted.
  int64_t reviewed = 0;
  if (accept_open_findings)
    for (auto& f : out.result.findings) {
      if (!f.resolved) ++reviewed;
      f.resolved = true;
    }

  json r = std::move(out.result.value);
  out.result.value = json();
  for (auto it = identity.begin(); it != identity.end(); ++it) r[it.key()] = it.value();
  if (!r.contains("metadata") || !r["metadata"].is_object()) r["metadata"] = json::object();

  json findings = json::array();
  for (const auto& f : out.result.findings) findings.push_back(f.to_json());
  json state = {{"scanned", true},
                {"tools_applied", out.result.tools_applied},
                {"privacy_tier", tier_name(policy.tier)},
                {"security_version", policy.version},
                {"policy", policy.preset},
                {"stale", false},
                {"open_findings", out.result.open_findings()},
                {"redactions_applied", out.result.redactions},
                {"findings_by_type", findings_by_type(out.result.findings)},
                {"findings", findings},
                {"verdicts", out.result.verdicts},
                {"errors", out.result.errors},
                {"accepted_open_findings", accept_open_findings},
                {"scanned_at", utc_now_iso()}};
  r["metadata"]["security"] = state;
  json top = r.contains("security") && r["security"].is_object() ? r["security"] : json::object();
  top["scanned"] = true;
  top["redactions_applied"] = out.result.redactions;
  top["flags_reviewed"] = reviewed;
  top["classifier_version"] = policy.version;
  r["security"] = top;
  out.syncable = clear_for_egress(r, policy).cleared;
  r["metadata"]["security"]["syncable"] = out.syncable;
  r["content_hash"] = schema::compute_content_hash(r);
  out.record = std::move(r);
  return out;
}

bool already_filtered(const json& record, const Policy& policy) {
  return clear_for_egress(record, policy).cleared;
}

}  // namespace ot::security
