#include "notes/git_util.h"

#include <mutex>

// Linked with -Wl,--wrap=mbedtls_x509_crt_parse_file (CMakeLists.txt, static libgit2):
// libgit2's init calls this to load the system CA bundle for its HTTPS transport, which
// git-opentraces never uses (remotes go through the git CLI, the Hub through libcurl).
// Parsing ~140 certificates was half of a post-commit hook's instructions. Loading none
// leaves an empty trust store: any TLS connection libgit2 tried would fail to verify.
extern "C" int __wrap_mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
// Likewise -Wl,--wrap=libssh2_init: libgit2's init starts libssh2's crypto back end
// (OpenSSL) for an SSH transport we never use. libssh2 still initialises itself when a
// session is opened (libssh2_session_init calls its own init when nothing did).
extern "C" int __wrap_libssh2_init(int /*flags*/) { return 0; }

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
