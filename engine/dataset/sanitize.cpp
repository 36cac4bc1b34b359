#include "engine/dataset/sanitize.h"

#include <algorithm>
#include <set>

#include "engine/project/config.h"
#include "engine/security/detectors.h"  // load_or_create_path_key: read the key once per run
#include "engine/security/sanitize.h"

namespace ot::dataset {

bool security_available() { return true; }

Result<RowSanitizer> RowSanitizer::make(const std::vector<std::string>& tools, const std::string& tier) {
  auto t = security::parse_tier(tier);
  if (!t)
    return make_error(ExitCode::kResource, "INVALID_PRIVACY_TIER", "dataset",
                      "the dataset's privacy tier is `" + tier + "`", "set security.privacy_tier to off, low, medium or high");
  auto config = project::load_config();
  if (!config.ok()) return config.error();
  std::string csv, detectors;
  for (const auto& name : tools) {
    if (!security::find_tool(name)) continue;
    csv += (csv.empty() ? "" : ",") + name;
    if (name == "regex" || name == "entropy" || name == "business_logic") detectors += (detectors.empty() ? "" : ",") + name;
  }
  RowSanitizer s;
  auto p = security::policy_for_tools(csv, *config, *t);
  if (!p.ok()) return p.error();
  s.policy_ = std::move(p).value();
  auto r = security::policy_for_tools(detectors, *config, *t);
  if (!r.ok()) return r.error();
  s.recheck_ = std::move(r).value();
  if (s.policy_.enabled.count("path_anonymizer")) {
    auto key = security::load_or_create_path_key();
    if (!key.ok()) return key.error();
    s.key_ = std::move(key).value();
  }
  return s;
}

Result<SanitizedRow> RowSanitizer::sanitize(const json& row, const std::string& scope) const {
  SanitizedRow out;
  out.security_version = policy_.version;
  auto res = security::sanitize(row, policy_, {.scope = scope, .path_key = key_});
  if (!res.ok()) return res.error();
  out.row = std::move(res->value);
  out.tools_applied = res->tools_applied;
  out.redactions_applied = res->redactions;
  std::set<std::string> left;
  for (const auto& f : res->findings)
    if (!f.resolved) left.insert(f.type);
  // The reference's second look (7.5 step 2): scan the redacted row again; anything a
  // detector still sees there becomes a block reason instead of leaving the machine.
  if (!recheck_.is_off()) {
    auto again = security::sanitize(out.row, recheck_, {.scope = scope, .path_key = key_});
    if (!again.ok()) return again.error();
    for (const auto& f : again->findings) left.insert(f.type);
  }
  out.findings.assign(left.begin(), left.end());
  return out;
}

Result<SanitizedRow> sanitize_row(const json& row, const std::vector<std::string>& tools, const std::string& tier,
                                  const std::string& scope) {
  auto s = RowSanitizer::make(tools, tier);
  if (!s.ok()) return s.error();
  return s->sanitize(row, scope);
}

}  // namespace ot::dataset
