#include "notes/handle.h"

#include <git2.h>

#include "notes/git_util.h"

namespace ot::git {

Result<Repo> Repo::open(const std::filesystem::path& inside) {
  ensure_libgit2();
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, inside.c_str(), 0, nullptr) != 0) {
    return make_error(ExitCode::kResource, "NOT_A_GIT_REPO", "repo",
                      inside.string() + " is not inside a git repository",
                      "run this inside a git checkout, or `git init` one first");
  }
  Repo out;
  out.r_.reset(r, git_repository_free);
  if (const char* wd = git_repository_workdir(r)) {
    out.workdir_ = std::filesystem::path(wd).lexically_normal();
    if (out.workdir_.filename().empty()) out.workdir_ = out.workdir_.parent_path();
  }
  out.git_dir_ = std::filesystem::path(git_repository_path(r)).lexically_normal();
  if (out.git_dir_.filename().empty()) out.git_dir_ = out.git_dir_.parent_path();
  return out;
}

}  // namespace ot::git
