// Small libgit2 helpers shared inside notes/ (init once, RAII handles, errors).
#pragma once

#include <git2.h>

#include <memory>
#include <string>

#include "engine/util/result.h"

namespace ot::git {

void ensure_libgit2();

struct RepoDeleter {
  void operator()(git_repository* r) const { git_repository_free(r); }
};
using RepoPtr = std::unique_ptr<git_repository, RepoDeleter>;

int open_repo(const std::string& path, RepoPtr& out);
std::string oid_hex(const git_oid& oid);
// An Error carrying libgit2's last error message.
Error last_git_error(const std::string& kind, const std::string& what);

}  // namespace ot::git
