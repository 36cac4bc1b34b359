// DatasetManifest (reference 7.2) kept as JSON with a strict shape check: unknown
// top-level keys are refused (the upstream model is extra=forbid), so a typo in a
// hand-edited manifest is an error, not a silently ignored setting.
#pragma once

#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

inline constexpr const char* kManifestSchema = "opentraces.dataset.manifest.v1";

// Row-applicable security tools, and the reader floor that always runs on rows.
const std::vector<std::string>& row_tools();
const std::vector<std::string>& reader_floor();

// A manifest with every section at its default; the caller fills name, schema,
// workflow, candidate_query and security.
json default_manifest(const std::string& name);

// The security section seeded from a workflow contract (SKILL.md `security`):
// enabled = required ∪ default_enabled. Checks the reference 7.3 invariants
// (INVALID_SECURITY_CONTRACT, exit 2).
Result<json> security_from_contract(const json& contract, const std::string& workflow_digest);

// MANIFEST_INVALID (exit 3) naming the key when the shape is wrong.
Status validate_manifest(const json& m);

// Tools that will run on rows: the enabled tools plus the reader floor.
std::vector<std::string> effective_tools(const json& manifest);

}  // namespace ot::dataset
