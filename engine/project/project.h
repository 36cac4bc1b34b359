// Projects: a git work tree enrolled for capture. Identity comes from the marker's
// project_id; the machine-wide registry (config.json "projects") maps checkout
// paths to it, and a moved checkout is recognised by its root commit (reference 2.2-2.3).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::project {

struct ProjectInfo {
  std::string project_id;             // 32 hex
  std::string slug;                   // e.g. "my-repo-1a2b3c4d"
  std::filesystem::path root;         // work-tree root (registry key)
  std::vector<std::string> agents;    // canonical names
  bool excluded = false;
  std::optional<std::string> root_commit_sha;
  json marker;                        // the whole marker document
};

// Lower-cased basename, runs of non [a-z0-9] → '-', trimmed, at most 48 chars
// (fallback "project"), then '-' and the first 8 chars of the project id.
std::string make_slug(std::string_view basename, std::string_view project_id);
std::string new_project_id();

struct InitResult {
  ProjectInfo project;
  bool already_initialized = false;
  std::vector<std::string> agents_added;
  std::optional<std::filesystem::path> moved_from;  // registry path of the same project (moved checkout)
};
// Enrols the repository containing `cwd` (idempotent; merges `agents`).
// Errors: NOT_A_GIT_REPO (3), BARE_REPOSITORY (3), MARKER_CORRUPT (3), CONFIG_CORRUPT (3).
Result<InitResult> init_project(const std::filesystem::path& cwd, const std::vector<std::string>& agents);

struct RemoveResult {
  std::filesystem::path root;
  bool removed_marker = false;
  bool unregistered = false;
  std::vector<std::string> purged_refs;
};
Result<RemoveResult> remove_project(const std::filesystem::path& cwd, bool purge_refs);

// The enrolled project containing `cwd`, if any (marker present). Registry not needed.
Result<std::optional<ProjectInfo>> find_project(const std::filesystem::path& cwd);

// True when the global `excluded_projects` list holds `root` or the marker says excluded.
bool is_excluded(const json& config, const std::filesystem::path& root, const json& marker);

// For capture hooks (hot path, must stay cheap): the project to capture into, or
// nullopt when capture must not happen here (not a git work tree, excluded, or
// tracking mode manual and the repo not enrolled). In global mode an unenrolled
// repo is enrolled now (private, review required) and `agent` is added to an
// enrolled project's agents.
Result<std::optional<ProjectInfo>> ensure_enrolled(const std::filesystem::path& cwd, std::string_view agent);

// Registry rows from config.json: path → {project_id, slug, ...}.
Result<json> registered_projects();

}  // namespace ot::project
