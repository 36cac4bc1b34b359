// Repository discovery through libgit2. The only module family that includes git2.h.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/result.h"

namespace ot::git {

struct RepoInfo {
  std::filesystem::path workdir;     // top of the working tree (empty for bare repos)
  std::filesystem::path git_dir;     // this worktree's git dir
  std::filesystem::path common_dir;  // shared git dir (differs from git_dir in linked worktrees)
  bool bare = false;
  bool empty = false;                       // no commits yet
  std::optional<std::string> head_sha;      // 40-hex, when HEAD resolves
  std::optional<std::string> branch;        // short branch name, when on a branch
};

// Finds the repository containing `start`. Errors: NOT_A_GIT_REPO (exit 3).
Result<RepoInfo> discover_repo(const std::filesystem::path& start);

// The first-parent root commit reachable from HEAD (stable identity for a project
// across moved checkouts). nullopt for an empty repository.
Result<std::optional<std::string>> root_commit(const RepoInfo& repo);

// Deletes refs/notes/opentraces and every ref under refs/opentraces/ (used by
// `remove --all`). Returns the names deleted.
Result<std::vector<std::string>> delete_opentraces_refs(const RepoInfo& repo);

// libgit2 version string, e.g. "1.5.1".
std::string libgit2_version();

}  // namespace ot::git
