#include "notes/git_util.h"

#include <mutex>

namespace ot::git {

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

int open_repo(const std::string& path, RepoPtr& out) {
  ensure_libgit2();
  git_repository* r = nullptr;
  int rc = git_repository_open_ext(&r, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == 0) out.reset(r);
  return rc;
}

std::string oid_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

Error last_git_error(const std::string& kind, const std::string& what) {
  const ::git_error* e = git_error_last();
  std::string detail = e && e->message ? e->message : "unknown libgit2 error";
  return make_error(ExitCode::kResource, "GIT_ERROR", kind, what + ": " + detail,
                    "check the repository with `git status` / `git fsck`");
}

}  // namespace ot::git
