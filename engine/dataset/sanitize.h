// The dataset side of the security module: every row is sanitized with the dataset's
// effective tools (enabled ∪ reader floor) at its privacy tier before validation, by
// engine/security's sanitize() — the same catalogue, entropy rules, business terms and
// path anonymizer as `bucket security run`.
#pragma once

#include <string>
#include <vector>

#include "engine/security/policy.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

struct SanitizedRow {
  json row;                               // the row after redaction
  std::vector<std::string> tools_applied; // tools that actually ran
  int64_t redactions_applied = 0;
  std::vector<std::string> findings;      // detector types still present after redaction (block reasons)
  std::string security_version;
};

// True when engine/security is linked in (it always is now; kept for callers that ask).
bool security_available();

// One sanitizer per run: the machine config (business terms, security version) and the
// path key are read once. Tools engine/security does not know (e.g. `privacy_filter`)
// are not applied, so a contract that requires them leaves its rows blocked.
class RowSanitizer {
 public:
  // INVALID_PRIVACY_TIER (exit 3) for a tier other than off|low|medium|high.
  static Result<RowSanitizer> make(const std::vector<std::string>& tools, const std::string& tier);
  // `scope` keys path-anonymizer placeholders (the source trace id: one trace, one mapping).
  Result<SanitizedRow> sanitize(const json& row, const std::string& scope) const;

 private:
  security::Policy policy_, recheck_;
  std::string key_;
};

// RowSanitizer::make(tools, tier) then sanitize(row, scope): for one-off rows.
Result<SanitizedRow> sanitize_row(const json& row, const std::vector<std::string>& tools, const std::string& tier,
                                  const std::string& scope);

}  // namespace ot::dataset
