// Optional external scanners (trufflehog, gitleaks): run over the strings of a value,
// they return the literal secrets they found; sanitize() then redacts every occurrence.
// Never required: a missing program is simply not an effective tool.
#pragma once

#include <string>
#include <vector>

#include "engine/util/result.h"

namespace ot::security {

struct ExternalSecret {
  std::string secret;  // the literal (kept in memory only, never stored)
  std::string type;    // e.g. "trufflehog_aws", "gitleaks_generic_api_key"
};

// Writes `texts` to a private temp directory, runs the tool, parses its JSON report.
Result<std::vector<ExternalSecret>> run_external(const std::string& tool, const std::vector<std::string>& texts);

}  // namespace ot::security
