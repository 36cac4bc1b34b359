// An open repository handle for the git layer, usable from engine/ without git2.h.
// Opening a repository once and passing the handle keeps hooks fast.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "engine/util/result.h"

struct git_repository;

namespace ot::git {

class Repo {
 public:
  // Discovers the repository containing `inside` (a worktree path, a .git dir).
  // Errors: NOT_A_GIT_REPO (exit 3).
  static Result<Repo> open(const std::filesystem::path& inside);

  git_repository* raw() const { return r_.get(); }
  const std::filesystem::path& workdir() const { return workdir_; }  // empty when bare
  const std::filesystem::path& git_dir() const { return git_dir_; }
  bool bare() const { return workdir_.empty(); }

 private:
  std::shared_ptr<git_repository> r_;
  std::filesystem::path workdir_;
  std::filesystem::path git_dir_;
};

}  // namespace ot::git
