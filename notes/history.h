// History walks for Trace Trails: first-parent logs, ranges, ancestry, and the
// repository state a hook may find itself in (rebase in progress, shallow clone).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/result.h"
#include "notes/diff.h"
#include "notes/handle.h"

namespace ot::git {

struct LogOptions {
  int max_commits = 500;          // 0 = no limit
  bool first_parent = true;
  int64_t not_before_ms = 0;      // stop at commits older than this (committer time); 0 = no bound
  std::string hide;               // exclude commits reachable from this rev ("" = none)
};

// Commits reachable from `start` (newest first).
Result<std::vector<CommitInfo>> log_commits(const Repo& repo, std::string_view start, const LogOptions& opts = {});

// True when `ancestor` is `descendant` or one of its ancestors.
Result<bool> is_ancestor(const Repo& repo, const std::string& ancestor, const std::string& descendant);

// The best common ancestor of two commits (full shas); NO_MERGE_BASE (exit 2) when the
// histories are unrelated.
Result<std::string> merge_base(const Repo& repo, const std::string& a, const std::string& b);

// The branch a pull request targets by default: the remote's default branch
// (refs/remotes/<remote>/HEAD, origin first), else a local "main", else "master".
// Empty when none exists.
std::string default_base_branch(const Repo& repo);

// Short name of the branch `rev` names or HEAD points at ("" when detached or not a branch).
std::string branch_name(const Repo& repo, std::string_view rev);

// Full commit message.
Result<std::string> commit_message(const Repo& repo, const std::string& sha);

struct RepoState {
  bool rebasing = false;      // rebase-merge / rebase-apply directory present
  bool cherry_picking = false;
  bool shallow = false;
  bool detached = false;
};
RepoState repo_state(const Repo& repo);

}  // namespace ot::git
