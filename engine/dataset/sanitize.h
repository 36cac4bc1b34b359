// The dataset side of the security module: every row is sanitized with the dataset's
// effective tools (enabled ∪ reader floor) at its privacy tier before validation.
#pragma once

#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

struct SanitizedRow {
  json row;                               // the row after redaction
  std::vector<std::string> tools_applied; // tools that actually ran
  int64_t redactions_applied = 0;
  std::vector<std::string> findings;      // pattern names still present after redaction
  std::string security_version;
};

// True when engine/security is linked in (otherwise rows pass through untouched with
// no tools applied, and evaluate_states() blocks them: reader floor unsatisfied).
bool security_available();

// `scope` keys path-anonymizer placeholders (the source trace id: one trace, one mapping).
Result<SanitizedRow> sanitize_row(const json& row, const std::vector<std::string>& tools, const std::string& tier,
                                  const std::string& scope);

}  // namespace ot::dataset
