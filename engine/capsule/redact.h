// The capsule's redaction floor: whatever the machine policy, a capsule is scrubbed by at
// least the regex, entropy and path_anonymizer tools (security::sanitize), home
// directories become "~", and — unless --include-prompts — the system prompts, the
// reasoning text and the content of system steps are left out. The report counts what
// was done by field path, tool and finding type; it never holds a secret.
#pragma once

#include <string>
#include <vector>

#include "engine/security/policy.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

// Tools every capsule is redacted with, on top of the machine policy.
inline const std::vector<std::string>& floor_tools() {
  static const std::vector<std::string> t = {"regex", "entropy", "path_anonymizer"};
  return t;
}

// The machine policy with the floor tools switched on (tier at least medium).
Result<security::Policy> floor_policy();

struct Redacted {
  json record;               // redacted slice
  std::vector<json> events;  // redacted trail events
  json report;               // {floor, floor_satisfied, redactions_applied, by_field_path, by_tool, by_type,
                             //  home_paths_scrubbed, fields_excluded, excluded_field_paths, include_prompts,
                             //  tools_applied, open_findings}
  int redactions = 0;
};

struct RedactOptions {
  bool include_prompts = false;
  std::string home;          // directory to replace by "~"; empty = $HOME
  std::string scope;         // path-anonymizer scope: the trace id
};

Result<Redacted> redact(const json& record, const std::vector<json>& events, const security::Policy& policy,
                        const RedactOptions& o);

// "/steps/3/tool_calls/0/input/command" → "steps[].tool_calls[].input.command"
std::string field_path_of(const std::string& pointer);

// Replaces `home` (and home + "/") by "~" in every string and key; returns how many strings changed.
int scrub_home(json& j, const std::string& home);

}  // namespace ot::capsule
