// The committable project marker `<repo>/.opentraces.json` (reference 2.2).
// Kept as a JSON object so keys written by newer versions survive a rewrite.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::project {

inline constexpr std::string_view kMarkerFile = ".opentraces.json";
inline constexpr std::string_view kMarkerVersion = "2";

std::filesystem::path marker_path(const std::filesystem::path& repo_root);

// nullopt when the repo has no marker; MARKER_CORRUPT (exit 3, naming the file)
// when it exists but is not a valid marker. A corrupt marker is never overwritten.
Result<std::optional<json>> read_marker(const std::filesystem::path& repo_root);
Status write_marker(const std::filesystem::path& repo_root, const json& marker);

// A fresh marker with the defaults: review_policy review, push_policy manual,
// default_visibility private, not excluded, no remotes.
json new_marker(std::string project_id, std::optional<std::string> root_commit_sha);

// Canonical agent name: claude-code (alias claude), codex (alias codex-cli), pi.
// UNKNOWN_AGENT (exit 2) otherwise.
Result<std::string> canonical_agent(std::string_view name);
inline const std::vector<std::string>& supported_agents() {
  static const std::vector<std::string> agents{"claude-code", "codex", "pi"};
  return agents;
}

// Adds agents the marker does not list yet (kept sorted); returns the ones added.
std::vector<std::string> merge_agents(json& marker, const std::vector<std::string>& agents);

// `config set --project KEY VALUE`: only the portable policy keys are accepted.
Status marker_set(json& marker, std::string_view key, std::string_view raw_value, bool append);
const std::vector<std::string>& marker_keys();

}  // namespace ot::project
