#include "notes/history.h"

#include <git2.h>

#include <filesystem>
#include <memory>

#include "notes/git_util.h"

namespace ot::git {

Result<std::vector<CommitInfo>> log_commits(const Repo& repo, std::string_view start, const LogOptions& opts) {
  std::vector<CommitInfo> out;
  auto head = resolve_commit(repo, start);
  if (!head.ok()) return head.error();
  git_revwalk* w = nullptr;
  if (git_revwalk_new(&w, repo.raw()) != 0) return last_git_error("trail", "cannot walk history");
  std::unique_ptr<git_revwalk, decltype(&git_revwalk_free)> guard(w, git_revwalk_free);
  // A first-parent walk is a chain, already newest first; asking libgit2 to sort makes it
  // load the whole history before the first commit (114M instructions in a 3,000-commit
  // repository for a post-commit hook that needs 200 ancestors).
  git_revwalk_sorting(w, opts.first_parent ? GIT_SORT_NONE : GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  if (opts.first_parent) git_revwalk_simplify_first_parent(w);
  git_oid oid;
  git_oid_fromstr(&oid, head->c_str());
  if (git_revwalk_push(w, &oid) != 0) return last_git_error("trail", "cannot walk from " + *head);
  if (!opts.hide.empty()) {
    auto h = resolve_commit(repo, opts.hide);
    if (!h.ok()) return h.error();
    git_oid hid;
    git_oid_fromstr(&hid, h->c_str());
    git_revwalk_hide(w, &hid);
  }
  while (git_revwalk_next(&oid, w) == 0) {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo.raw(), &oid) != 0) break;  // shallow boundary or missing object
    CommitInfo info;
    info.sha = oid_hex(oid);
    for (unsigned i = 0; i < git_commit_parentcount(c); ++i) info.parents.push_back(oid_hex(*git_commit_parent_id(c, i)));
    if (const char* s = git_commit_summary(c)) info.subject = s;
    if (const git_signature* a = git_commit_author(c)) {
      info.author_name = a->name ? a->name : "";
      info.author_email = a->email ? a->email : "";
    }
    info.time_ms = static_cast<int64_t>(git_commit_time(c)) * 1000;
    git_commit_free(c);
    if (opts.not_before_ms && info.time_ms < opts.not_before_ms) break;
    out.push_back(std::move(info));
    if (opts.max_commits > 0 && static_cast<int>(out.size()) >= opts.max_commits) break;
  }
  return out;
}

Result<bool> is_ancestor(const Repo& repo, const std::string& ancestor, const std::string& descendant) {
  git_oid a, d;
  if (git_oid_fromstr(&a, ancestor.c_str()) != 0 || git_oid_fromstr(&d, descendant.c_str()) != 0)
    return make_error(ExitCode::kUsage, "BAD_COMMIT_ID", "trail", "not a full commit id");
  if (git_oid_equal(&a, &d)) return true;
  int rc = git_graph_descendant_of(repo.raw(), &d, &a);
  if (rc < 0) return last_git_error("trail", "cannot compare commits");
  return rc == 1;
}

Result<std::string> merge_base(const Repo& repo, const std::string& a, const std::string& b) {
  git_oid oa, ob, out;
  if (git_oid_fromstr(&oa, a.c_str()) != 0 || git_oid_fromstr(&ob, b.c_str()) != 0)
    return make_error(ExitCode::kUsage, "BAD_COMMIT_ID", "trail", "not a full commit id");
  int rc = git_merge_base(&out, repo.raw(), &oa, &ob);
  if (rc == GIT_ENOTFOUND)
    return make_error(ExitCode::kUsage, "NO_MERGE_BASE", "trail",
                      "commits " + a.substr(0, 12) + " and " + b.substr(0, 12) + " share no history",
                      "pass a --base that the head branch was created from");
  if (rc != 0) return last_git_error("trail", "cannot compute the merge base");
  return oid_hex(out);
}

namespace {

bool ref_exists(const Repo& repo, const std::string& name) {
  git_reference* ref = nullptr;
  if (git_reference_lookup(&ref, repo.raw(), name.c_str()) != 0) return false;
  git_reference_free(ref);
  return true;
}

}  // namespace

std::string default_base_branch(const Repo& repo) {
  std::vector<std::string> remotes = {"origin"};
  git_strarray names{};
  if (git_remote_list(&names, repo.raw()) == 0) {
    for (size_t i = 0; i < names.count; ++i)
      if (std::string(names.strings[i]) != "origin") remotes.push_back(names.strings[i]);
    git_strarray_dispose(&names);
  }
  for (const auto& remote : remotes) {
    git_reference* head = nullptr;
    if (git_reference_lookup(&head, repo.raw(), ("refs/remotes/" + remote + "/HEAD").c_str()) != 0) continue;
    std::string target = git_reference_symbolic_target(head) ? git_reference_symbolic_target(head) : "";
    git_reference_free(head);
    const std::string prefix = "refs/remotes/";
    if (target.rfind(prefix, 0) == 0 && ref_exists(repo, target)) return target.substr(prefix.size());
  }
  for (const char* local : {"main", "master"})
    if (ref_exists(repo, std::string("refs/heads/") + local)) return local;
  return {};
}

std::string branch_name(const Repo& repo, std::string_view rev) {
  if (rev.empty() || rev == "HEAD") {
    git_reference* head = nullptr;
    if (git_repository_head(&head, repo.raw()) != 0) return {};
    std::string name = git_reference_is_branch(head) && git_reference_shorthand(head) ? git_reference_shorthand(head) : "";
    git_reference_free(head);
    return name;
  }
  std::string r(rev);
  if (r.rfind("refs/heads/", 0) == 0) r = r.substr(11);
  return ref_exists(repo, "refs/heads/" + r) ? r : std::string();
}

Result<std::string> commit_message(const Repo& repo, const std::string& sha) {
  git_oid oid;
  if (git_oid_fromstr(&oid, sha.c_str()) != 0)
    return make_error(ExitCode::kUsage, "BAD_COMMIT_ID", "trail", "not a full commit id: " + sha);
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo.raw(), &oid) != 0) return last_git_error("trail", "cannot read commit " + sha);
  std::string msg = git_commit_message(c) ? git_commit_message(c) : "";
  git_commit_free(c);
  return msg;
}

RepoState repo_state(const Repo& repo) {
  RepoState s;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path& g = repo.git_dir();
  s.rebasing = fs::exists(g / "rebase-merge", ec) || fs::exists(g / "rebase-apply", ec);
  s.cherry_picking = fs::exists(g / "CHERRY_PICK_HEAD", ec);
  s.shallow = git_repository_is_shallow(repo.raw()) == 1;
  s.detached = git_repository_head_detached(repo.raw()) == 1;
  return s;
}

}  // namespace ot::git
