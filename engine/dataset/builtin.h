// The built-in executor: native C++ versions of the shipped templates' scripts
// (workflows/templates/<name>/scripts/build_rows). Each must emit exactly the rows its
// script emits for the same packet (tests/e2e/datasets_test.sh compares them).
#pragma once

#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

// True when `tmpl` has a native implementation.
bool has_builtin(const std::string& tmpl);

// Rows for one candidate (packet.candidates[i]) whose TraceRecord is `record`.
Result<std::vector<json>> builtin_rows(const std::string& tmpl, const json& packet, const json& candidate,
                                       const json& record);

}  // namespace ot::dataset
