#include "engine/security/gate.h"

#include <algorithm>

namespace ot::security {

namespace {

const json& child(const json& j, std::string_view key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

std::string str(const json& j, std::string_view key) {
  const json& v = child(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

bool is_record(const json& j) { return j.is_object() && (j.contains("steps") || j.contains("metadata") || j.contains("agent")); }

Clearance refuse(std::string_view reason, std::string detail, std::string next) {
  Clearance c;
  c.reason = reason;
  c.detail = std::move(detail);
  c.next_step = std::move(next);
  return c;
}

}  // namespace

SecurityState read_state(const json& v) {
  SecurityState s;
  const json* src = &v;
  if (is_record(v)) {
    const json& msec = child(child(v, "metadata"), "security");
    const json& top = child(v, "security");
    s.known = msec.is_object() || top.is_object();
    s.scanned = child(top, "scanned").is_boolean() && top["scanned"].get<bool>();
    if (child(msec, "scanned").is_boolean()) s.scanned = s.scanned && msec["scanned"].get<bool>();
    if (!msec.is_object()) {
      // Scanned by something that left no version: treated as stale (reference 3.4).
      return s;
    }
    src = &msec;
  } else {
    s.known = v.is_object() && v.contains("scanned");
    s.scanned = child(v, "scanned").is_boolean() && v["scanned"].get<bool>();
  }
  s.security_version = str(*src, "security_version");
  s.privacy_tier = str(*src, "privacy_tier");
  s.policy = str(*src, "policy");
  s.tools_applied = strings(child(*src, "tools_applied"));
  if (child(*src, "open_findings").is_number_integer()) s.open_findings = (*src)["open_findings"].get<int>();
  if (child(*src, "redactions_applied").is_number_integer()) s.redactions = (*src)["redactions_applied"].get<int>();
  return s;
}

Clearance clear_for_egress(const json& v, const Policy& current) {
  const std::string fix = "git opentraces bucket security run --all";
  std::vector<std::string> need = current.effective_tools();
  if (need.empty())
    return refuse(kReasonPolicyOff, "the security policy runs no tool, so nothing can be cleared to leave this machine",
                  "git opentraces bucket security policy recommended   # then: " + fix);
  SecurityState s = read_state(v);
  if (!s.scanned)
    return refuse(kReasonUnscanned, "this trace (its current generation) has not been through the security scan", fix);
  if (s.security_version != current.version)
    return refuse(kReasonStaleVersion,
                  "scanned under security version " + (s.security_version.empty() ? std::string("(none)") : s.security_version) +
                      "; the current version is " + current.version,
                  fix);
  if (s.privacy_tier == "off")
    return refuse(kReasonTierOff, "the trace's privacy tier is off",
                  "git opentraces bucket security policy --tier medium   # then: " + fix);
  Clearance c;
  for (const auto& t : need)
    if (std::find(s.tools_applied.begin(), s.tools_applied.end(), t) == s.tools_applied.end()) c.missing_tools.push_back(t);
  if (!c.missing_tools.empty()) {
    std::string names;
    for (const auto& t : c.missing_tools) names += (names.empty() ? "" : ", ") + t;
    Clearance r = refuse(kReasonToolsMissing, "the current policy runs tools this trace was not scanned with: " + names, fix);
    r.missing_tools = c.missing_tools;
    return r;
  }
  if (s.open_findings > 0)
    return refuse(kReasonOpenFindings,
                  std::to_string(s.open_findings) + " finding(s) could not be redacted and need a person to look",
                  "git opentraces trace get <trace> to review, then git opentraces bucket security run --trace <trace> "
                  "--accept-open-findings");
  c.cleared = true;
  return c;
}

json Clearance::to_json() const {
  json j = {{"cleared", cleared}, {"reason", cleared ? json(nullptr) : json(reason)}};
  if (!cleared) {
    j["detail"] = detail;
    j["next_step"] = next_step;
  }
  if (!missing_tools.empty()) j["missing_tools"] = missing_tools;
  return j;
}

Error withheld_error(const Clearance& c, std::string_view trace_id) {
  return make_error(ExitCode::kWithheld, "NOT_CLEARED_FOR_EGRESS", "security",
                    "trace " + std::string(trace_id) + " is withheld (" + c.reason + "): " + c.detail, c.next_step);
}

}  // namespace ot::security
