// sanitize(): run the policy's tools over any JSON value (a text, a dataset row, a whole
// TraceRecord) and return the redacted copy plus what was found. This is THE redaction
// entry point for every module: bucket security run, dataset rows, capsules, sync.
//
//   auto policy = security::load_policy();                  // machine-wide (config.json)
//   auto out = security::sanitize(row, *policy, {.scope = trace_id});
//   if (!out.ok()) ...;                                      // only on a broken policy/key file
//   out->value      // the redacted copy: secrets replaced by "[REDACTED:<type>]"
//   out->findings   // {type, path, step, tool, ...} — never the secret itself
//
// Redaction replaces the WHOLE matched secret by a typed placeholder; no prefix or suffix
// of a secret is ever kept. Strings are scanned wherever they occur (values and object
// keys, at any depth). Non-string scalars are left alone.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/security/policy.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::security {

struct Finding {
  std::string type;          // e.g. "aws_access_key", "email", "high_entropy", "home_path"
  std::string path;          // JSON pointer of the string ("/steps/3/content"); "" for a bare text
  std::optional<int> step;   // step_index when the path is under /steps/<n>
  std::string tool;          // the tool that found it
  std::string action;        // "redacted" | "anonymized" | "flagged" (judge verdicts, not redacted)
  bool resolved = true;      // false = an open finding: blocks egress until re-run/accepted
  json to_json() const;
};

struct SanitizeOptions {
  // Scope of path-anonymizer placeholders: the same path gives the same placeholder
  // within one scope (use the trace id); different scopes give unrelated placeholders.
  std::string scope;
  // Path-anonymizer key (32 bytes). Empty = load or create $OPENTRACES_HOME/security/path.key (0600).
  std::string path_key;
};

struct SanitizeResult {
  json value;                              // the redacted copy
  std::vector<Finding> findings;           // in document order
  std::vector<std::string> tools_applied;  // effective tools that ran, canonical order
  int redactions = 0;                      // replacements made (redacted + anonymized)
  std::vector<json> errors;                // {tool, error}: a tool that could not run (external ones)
  json verdicts = json::array();           // judge output: [{name, decision, summary, payload}]
  int open_findings() const;
  // {tools_applied, redactions_applied, findings, errors, verdicts}
  json report() const;
};

// Scans and redacts `value` with the policy's effective tools. Errors only when the path
// key cannot be read or created, or a business pattern does not compile.
Result<SanitizeResult> sanitize(const json& value, const Policy& policy, const SanitizeOptions& options = {});

// A finding's counts by type, e.g. {"aws_access_key": 2, "email": 1}.
json findings_by_type(const std::vector<Finding>& findings);

// Reverses path-anonymizer placeholders in `text` for `scope` with the local key (or the
// given one). Placeholders made under another key or scope are left as they are.
Result<std::string> reveal_paths(const std::string& text, const std::string& scope, const std::string& path_key = {});

}  // namespace ot::security
