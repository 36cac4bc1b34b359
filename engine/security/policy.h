// Security tools, privacy tiers and the machine-wide policy (reference section 9).
//
// Every tool is OFF until a policy enables it; enablement is machine-wide and lives in
// $OPENTRACES_HOME/config.json under "security":
//   "policy": "off|basic|recommended|strict|custom"   the last preset applied (custom after a --tool switch)
//   "tools":  {"<name>": {"enabled": bool}}            the effective switches
//   "privacy_tier": "off|low|medium|high"              default tier for records scanned here
//   "version_epoch": int                               bumped by `bucket security policy --bump-version`
//   "business_logic": {"strings": [..], "patterns": [..]}  user terms (also top-level custom_redact_strings)
// The older flat keys (security.regex = true, ...) of the config model are NOT read.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::security {

// The rule-set version built into this binary. Change it whenever a tool starts catching
// something new: every record scanned under another version becomes stale and is withheld
// from egress until `bucket security run` scans it again.
inline constexpr std::string_view kBuiltinVersion = "2026.11.1";

// The current security version: kBuiltinVersion, plus "+<epoch>" when the user bumped it.
std::string current_version(const json& config);

enum class Tier { off, low, medium, high };
std::string_view tier_name(Tier t);
std::optional<Tier> parse_tier(std::string_view s);

enum class ToolKind { detector, transformer, judge };
std::string_view kind_name(ToolKind k);

struct ToolInfo {
  std::string name, display_name;
  ToolKind kind;
  std::string description;  // one line: what it finds or changes
  bool external = false;    // runs a program found on PATH (optional, never required)
  std::string program;      // the program name when external
};

// Canonical order: regex, entropy, trufflehog, gitleaks, business_logic, path_anonymizer, classifier.
const std::vector<ToolInfo>& tool_registry();
const ToolInfo* find_tool(std::string_view name);
// An external tool's program is on PATH (always true for built-in tools).
bool tool_available(const ToolInfo& t);

struct Policy {
  std::string preset = "off";         // off|basic|recommended|strict|custom
  std::set<std::string> enabled;      // tool names switched on
  Tier tier = Tier::medium;           // privacy tier records get when scanned under this policy
  std::string version;                // current_version(config) when loaded from config
  std::vector<std::string> business_strings, business_patterns;

  // Tools that actually run: enabled, available (external ones on PATH), and allowed by
  // the tier (entropy does not run at `low`; nothing runs at `off`). Canonical order.
  std::vector<std::string> effective_tools() const;
  bool is_off() const { return effective_tools().empty(); }
  json to_json() const;               // {preset, enabled_tools, effective_tools, privacy_tier, version, ...}
};

// Preset tool sets: off = none; basic = regex, entropy; recommended = regex, entropy,
// business_logic, path_anonymizer, classifier; strict = recommended + trufflehog, gitleaks.
Result<std::set<std::string>> preset_tools(std::string_view preset);

// The machine-wide policy from a loaded config document (missing keys → everything off).
Result<Policy> policy_from_config(const json& config);
// load_config() + policy_from_config().
Result<Policy> load_policy();

// An ad-hoc policy naming its tools ("regex,entropy"); UNKNOWN_SECURITY_TOOL (exit 2).
// Business terms still come from `config` (pass the loaded config or an empty object).
Result<Policy> policy_for_tools(std::string_view csv, const json& config, Tier tier = Tier::medium);

// Writes a preset into config.json (machine-wide). Returns the new policy.
Result<Policy> apply_preset(std::string_view preset);
// Switches one tool in config.json; the preset becomes "custom".
Result<Policy> set_tool(std::string_view tool, bool enabled);
// Increments security.version_epoch: every record scanned before becomes stale.
Result<Policy> bump_version();

}  // namespace ot::security
