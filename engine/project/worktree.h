// Cheap work-tree lookups for the hook hot path, without libgit2 (whose start-up
// costs milliseconds: it loads TLS certificates). Anything beyond finding the work
// tree and reading HEAD goes through notes/ (libgit2).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace ot::project {

struct WorkTree {
  std::filesystem::path root;        // top of the working tree
  std::filesystem::path git_dir;     // its git dir (.git, or the linked worktree's dir)
  std::filesystem::path common_dir;  // shared git dir (differs in linked worktrees)
};

// The nearest ancestor of `start` holding a `.git` directory or gitfile. nullopt when
// there is none (bare repositories have no work tree and are not found either).
std::optional<WorkTree> find_work_tree(const std::filesystem::path& start);

// HEAD's commit (40 hex) from the ref files and packed-refs; nullopt when unborn or unreadable.
std::optional<std::string> read_head_sha(const WorkTree& tree);

}  // namespace ot::project
