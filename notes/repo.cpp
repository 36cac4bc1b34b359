#include "notes/repo.h"

#include <git2.h>

#include <memory>

#include "notes/git_util.h"

namespace ot::git {

Result<RepoInfo> discover_repo(const std::filesystem::path& start) {
  ensure_libgit2();
  git_buf buf = GIT_BUF_INIT;
  if (git_repository_discover(&buf, start.c_str(), 0, nullptr) != 0) {
    git_buf_dispose(&buf);
    return make_error(ExitCode::kResource, "NOT_A_GIT_REPO", "repo",
                      start.string() + " is not inside a git repository",
                      "run this inside a git checkout, or `git init` one first");
  }
  std::string path(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  RepoPtr repo;
  if (int rc = open_repo(path, repo); rc != 0) return last_git_error("repo", "cannot open repository " + path);

  RepoInfo info;
  info.bare = git_repository_is_bare(repo.get());
  if (const char* wd = git_repository_workdir(repo.get())) info.workdir = std::filesystem::path(wd).lexically_normal();
  if (!info.workdir.empty() && info.workdir.filename().empty()) info.workdir = info.workdir.parent_path();
  info.git_dir = std::filesystem::path(git_repository_path(repo.get())).lexically_normal();
  info.common_dir = std::filesystem::path(git_repository_commondir(repo.get())).lexically_normal();
  info.empty = git_repository_is_empty(repo.get()) == 1;
  git_reference* head = nullptr;
  if (git_repository_head(&head, repo.get()) == 0) {
    if (const git_oid* oid = git_reference_target(head)) info.head_sha = oid_hex(*oid);
    if (git_reference_is_branch(head)) info.branch = git_reference_shorthand(head);
    git_reference_free(head);
  } else if (git_reference_lookup(&head, repo.get(), "HEAD") == 0) {
    // Unborn branch: HEAD is symbolic to a branch with no commits.
    if (const char* target = git_reference_symbolic_target(head)) {
      std::string t = target;
      if (t.rfind("refs/heads/", 0) == 0) info.branch = t.substr(11);
    }
    git_reference_free(head);
  }
  return info;
}

Result<std::optional<std::string>> root_commit(const RepoInfo& info) {
  if (!info.head_sha) return std::optional<std::string>{};
  RepoPtr repo;
  if (open_repo(info.git_dir.string(), repo) != 0) return last_git_error("repo", "cannot open repository");
  git_revwalk* walk = nullptr;
  if (git_revwalk_new(&walk, repo.get()) != 0) return last_git_error("repo", "cannot walk history");
  std::unique_ptr<git_revwalk, decltype(&git_revwalk_free)> guard(walk, git_revwalk_free);
  git_revwalk_simplify_first_parent(walk);
  git_revwalk_push_head(walk);
  git_oid oid, last;
  bool any = false;
  while (git_revwalk_next(&oid, walk) == 0) {
    last = oid;
    any = true;
  }
  if (!any) return std::optional<std::string>{};
  return std::optional<std::string>{oid_hex(last)};
}

Result<std::vector<std::string>> delete_opentraces_refs(const RepoInfo& info) {
  RepoPtr repo;
  if (open_repo(info.git_dir.string(), repo) != 0) return last_git_error("repo", "cannot open repository");
  std::vector<std::string> names;
  for (const char* glob : {"refs/notes/opentraces", "refs/opentraces/*"}) {
    git_reference_iterator* it = nullptr;
    if (git_reference_iterator_glob_new(&it, repo.get(), glob) != 0) continue;
    const char* name = nullptr;
    while (git_reference_next_name(&name, it) == 0) names.emplace_back(name);
    git_reference_iterator_free(it);
  }
  std::vector<std::string> deleted;
  for (const auto& name : names) {
    if (git_reference_remove(repo.get(), name.c_str()) != 0)
      return last_git_error("repo", "cannot delete " + name);
    deleted.push_back(name);
  }
  return deleted;
}

std::string libgit2_version() {
  int major = 0, minor = 0, rev = 0;
  git_libgit2_version(&major, &minor, &rev);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(rev);
}

}  // namespace ot::git
