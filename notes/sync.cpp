#include "notes/sync.h"

#include <git2.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "notes/git_util.h"
#include "notes/history.h"
#include "notes/notes_store.h"

namespace ot::git {

Result<std::pair<int, std::string>> run_git(const Repo& repo, const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return make_error(ExitCode::kResource, "SPAWN_FAILED", "sync", "cannot create a pipe");
  pid_t pid = fork();
  if (pid < 0) return make_error(ExitCode::kResource, "SPAWN_FAILED", "sync", "cannot start git");
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    std::string dir = repo.bare() ? repo.git_dir().string() : repo.workdir().string();
    std::vector<std::string> full = {"git", "-C", dir};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("git", argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  if (rc == 127) return make_error(ExitCode::kUnavailable, "GIT_NOT_FOUND", "sync", "the git program is not on PATH");
  return std::make_pair(rc, out);
}

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) out.push_back(l);
  return out;
}

std::string sorted_union(const std::optional<std::string>& a, const std::string& b) {
  std::set<std::string> all;
  if (a)
    for (auto& l : lines_of(*a)) all.insert(l);
  for (auto& l : lines_of(b)) all.insert(l);
  std::string out;
  for (const auto& l : all) out += l + "\n";
  return out;
}

}  // namespace

Result<SyncReport> sync_notes(const Repo& repo, const std::string& remote, bool push) {
  SyncReport rep;
  rep.remote = remote;
  const std::string tracking = "refs/notes/remotes/" + remote + "/opentraces";
  auto ls = run_git(repo, {"ls-remote", "--exit-code", remote, kNotesRef});
  if (!ls.ok()) return ls.error();
  if (ls->first != 0 && ls->first != 2)
    return make_error(ExitCode::kResource, "REMOTE_UNAVAILABLE", "trail sync",
                      "cannot reach remote '" + remote + "': " + ls->second,
                      "check `git remote -v` and your network/credentials", true);
  rep.remote_has_notes = ls->first == 0;
  auto before = notes_tip(repo);
  if (!before.ok()) return before.error();
  rep.local_before = before->value_or("");
  rep.merge = "none";

  if (rep.remote_has_notes) {
    auto f = run_git(repo, {"fetch", "--quiet", remote, "+" + std::string(kNotesRef) + ":" + tracking});
    if (!f.ok()) return f.error();
    if (f->first != 0)
      return make_error(ExitCode::kResource, "FETCH_FAILED", "trail sync", "git fetch failed: " + f->second, "", true);
    auto rt = notes_tip(repo, tracking);
    if (!rt.ok()) return rt.error();
    rep.remote_tip = rt->value_or("");
  }

  if (!rep.remote_tip.empty()) {
    if (rep.local_before.empty()) {
      OT_TRY_STATUS(set_ref_cas(repo, kNotesRef, rep.remote_tip, std::nullopt, "opentraces: adopt " + remote + " notes"));
      rep.merge = "adopted";
    } else if (rep.local_before == rep.remote_tip) {
      rep.merge = "up_to_date";
    } else {
      auto remote_in_local = is_ancestor(repo, rep.remote_tip, rep.local_before);
      if (!remote_in_local.ok()) return remote_in_local.error();
      auto local_in_remote = is_ancestor(repo, rep.local_before, rep.remote_tip);
      if (!local_in_remote.ok()) return local_in_remote.error();
      if (*remote_in_local) {
        rep.merge = "up_to_date";
      } else if (*local_in_remote) {
        OT_TRY_STATUS(set_ref_cas(repo, kNotesRef, rep.remote_tip, rep.local_before,
                                  "opentraces: fast-forward to " + remote + " notes"));
        rep.merge = "fast_forward";
      } else {
        auto theirs = all_notes(repo, tracking);
        if (!theirs.ok()) return theirs.error();
        std::map<std::string, NoteUpdate> updates;
        for (const auto& n : *theirs) {
          std::string text = n.text;
          updates[n.commit_sha] = [text](const std::optional<std::string>& cur) -> std::optional<std::string> {
            return sorted_union(cur, text);
          };
        }
        auto w = update_notes(repo, updates, "opentraces: merge " + remote + " notes", kNotesRef, rep.remote_tip);
        if (!w.ok()) return w.error();
        rep.notes_changed = w->changed;
        rep.merge = "merged";
      }
    }
  }
  auto after = notes_tip(repo);
  if (!after.ok()) return after.error();
  rep.local_after = after->value_or("");

  if (push && !rep.local_after.empty() && rep.local_after != rep.remote_tip) {
    auto p = run_git(repo, {"push", "--quiet", remote, std::string(kNotesRef) + ":" + kNotesRef});
    if (!p.ok()) return p.error();
    if (p->first != 0)
      return make_error(ExitCode::kResource, "PUSH_FAILED", "trail sync", "git push of the notes failed: " + p->second,
                        "someone pushed notes meanwhile: run `git opentraces trail sync` again", true);
    rep.pushed = true;
    OT_TRY_STATUS(set_ref_cas(repo, tracking, rep.local_after,
                              rep.remote_tip.empty() ? std::nullopt : std::optional<std::string>(rep.remote_tip),
                              "opentraces: pushed notes"));
  }
  return rep;
}

}  // namespace ot::git
