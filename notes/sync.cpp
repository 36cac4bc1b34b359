#include "notes/sync.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "notes/history.h"
#include "notes/line_blame.h"
#include "notes/notes_store.h"

namespace ot::git {

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

// Commits whose note in `from` has a line missing from the note in `to`.
int notes_missing_lines(const std::vector<NoteEntry>& from, const std::vector<NoteEntry>& to) {
  std::map<std::string, std::set<std::string>> have;
  for (const auto& n : to) {
    auto ls = lines_of(n.text);
    have[n.commit_sha].insert(ls.begin(), ls.end());
  }
  int count = 0;
  for (const auto& n : from) {
    const auto& h = have[n.commit_sha];
    for (const auto& l : lines_of(n.text))
      if (!h.count(l)) {
        ++count;
        break;
      }
  }
  return count;
}

// The "!" line of `git push --porcelain` (the refused ref and git's reason), or the
// last stderr line when there is none.
std::string rejection_reason(const std::string& out, const std::string& err) {
  for (const auto& l : lines_of(out))
    if (l.rfind("!\t", 0) == 0) return l.substr(2);
  auto e = lines_of(err);
  return e.empty() ? "git push failed" : e.back();
}

bool is_busy(const Error& e) { return e.code == "NOTES_BUSY"; }

void backoff(int attempt) {
  // 50 ms, 100 ms, 200 ms... plus jitter, so two clones that collided do not collide again.
  static std::mt19937 rng(static_cast<unsigned>(::getpid()) ^
                          static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
  int base = std::min(50 << std::min(attempt, 5), 1600);
  std::uniform_int_distribution<int> jitter(0, base);
  std::this_thread::sleep_for(std::chrono::milliseconds(base + jitter(rng)));
}

// Remote notes tip via ls-remote: nullopt = the remote has no notes ref.
Result<std::optional<std::string>> remote_notes_tip(const Repo& repo, const std::string& remote) {
  auto ls = run_git_capture(repo, {"ls-remote", "--exit-code", remote, kNotesRef});
  if (!ls.ok()) return ls.error();
  if (ls->rc == 2) return std::optional<std::string>{};
  if (ls->rc != 0)
    return make_error(ExitCode::kResource, "REMOTE_UNAVAILABLE", "trail sync",
                      "cannot reach remote '" + remote + "': " + ls->err,
                      "check `git remote -v` and your network/credentials", true);
  return std::optional<std::string>{ls->out.substr(0, ls->out.find('\t'))};
}

// Merges the fetched remote notes into ours. Sets rep.merge; adds to notes_changed.
Status merge_round(const Repo& repo, const std::string& remote, const std::string& tracking, SyncReport& rep) {
  auto before = notes_tip(repo);
  if (!before.ok()) return before.error();
  std::string local = before->value_or("");
  if (rep.remote_tip.empty()) {
    rep.merge = "none";
    return ok_status();
  }
  if (local.empty()) {
    OT_TRY_STATUS(set_ref_cas(repo, kNotesRef, rep.remote_tip, std::nullopt, "opentraces: adopt " + remote + " notes"));
    rep.merge = "adopted";
    return ok_status();
  }
  if (local == rep.remote_tip) {
    rep.merge = "up_to_date";
    return ok_status();
  }
  auto remote_in_local = is_ancestor(repo, rep.remote_tip, local);
  if (!remote_in_local.ok()) return remote_in_local.error();
  if (*remote_in_local) {
    rep.merge = "up_to_date";
    return ok_status();
  }
  auto local_in_remote = is_ancestor(repo, local, rep.remote_tip);
  if (!local_in_remote.ok()) return local_in_remote.error();
  if (*local_in_remote) {
    OT_TRY_STATUS(set_ref_cas(repo, kNotesRef, rep.remote_tip, local, "opentraces: fast-forward to " + remote + " notes"));
    rep.merge = "fast_forward";
    return ok_status();
  }
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
  rep.notes_changed += w->changed;
  rep.merge = "merged";
  return ok_status();
}

// Dry run: what a sync would do, from the fetched tracking ref, writing nothing.
Status plan(const Repo& repo, const std::string& tracking, bool push, SyncReport& rep) {
  auto mine = all_notes(repo);
  if (!mine.ok()) return mine.error();
  std::vector<NoteEntry> theirs;
  if (!rep.remote_tip.empty()) {
    auto t = all_notes(repo, tracking);
    if (!t.ok()) return t.error();
    theirs = std::move(*t);
  }
  rep.notes_to_push = notes_missing_lines(*mine, theirs);
  rep.notes_to_merge = notes_missing_lines(theirs, *mine);
  const std::string& local = rep.local_before;
  if (rep.remote_tip.empty()) {
    rep.merge = "none";
  } else if (local.empty()) {
    rep.merge = "adopted";
  } else if (local == rep.remote_tip) {
    rep.merge = "up_to_date";
  } else {
    auto r_in_l = is_ancestor(repo, rep.remote_tip, local);
    if (!r_in_l.ok()) return r_in_l.error();
    auto l_in_r = is_ancestor(repo, local, rep.remote_tip);
    if (!l_in_r.ok()) return l_in_r.error();
    rep.merge = *r_in_l ? "up_to_date" : *l_in_r ? "fast_forward" : "merged";
  }
  // A push happens when the result is not the remote's tip: ours is ahead or a merge.
  rep.would_push = push && !local.empty() && (rep.merge == "none" || rep.merge == "merged" ||
                                               (rep.merge == "up_to_date" && local != rep.remote_tip));
  rep.local_after = local;
  return ok_status();
}

}  // namespace

bool push_rejection_retryable(const std::string& out, const std::string& err) {
  std::string all = out + "\n" + err;
  if (all.find("[rejected]") != std::string::npos) return true;  // non-fast-forward, fetch first, stale info
  for (const char* lock : {"failed to update ref", "cannot lock ref", "failed to lock", "incorrect old value",
                           "Unable to create"})
    if (all.find(lock) != std::string::npos) return true;
  return false;
}

Result<SyncReport> sync_notes(const Repo& repo, const SyncOptions& opts) {
  SyncReport rep;
  rep.remote = opts.remote;
  rep.dry_run = opts.dry_run;
  rep.merge = "none";
  const std::string tracking = "refs/notes/remotes/" + opts.remote + "/opentraces";
  auto before = notes_tip(repo);
  if (!before.ok()) return before.error();
  rep.local_before = before->value_or("");
  const int attempts = std::max(1, opts.max_attempts);
  std::string merge_seen = "none";  // the strongest merge of all rounds

  for (int attempt = 1; attempt <= attempts; ++attempt) {
    rep.attempts = attempt;
    auto tip = remote_notes_tip(repo, opts.remote);
    if (!tip.ok()) return tip.error();
    rep.remote_has_notes = tip->has_value();
    rep.remote_tip.clear();
    if (rep.remote_has_notes) {
      auto f = run_git_capture(repo, {"fetch", "--quiet", "--no-write-fetch-head", opts.remote,
                                      "+" + std::string(kNotesRef) + ":" + tracking});
      if (!f.ok()) return f.error();
      if (f->rc != 0)
        return make_error(ExitCode::kResource, "FETCH_FAILED", "trail sync", "git fetch failed: " + f->err, "", true);
      auto rt = notes_tip(repo, tracking);
      if (!rt.ok()) return rt.error();
      rep.remote_tip = rt->value_or("");
    }
    if (opts.dry_run) {
      OT_TRY_STATUS(plan(repo, tracking, opts.push, rep));
      return rep;
    }

    if (auto st = merge_round(repo, opts.remote, tracking, rep); !st.ok()) {
      // A local writer (a post-commit hook) moved our notes meanwhile: another round.
      if (is_busy(st.error()) && attempt < attempts) continue;
      return st.error();
    }
    static const std::map<std::string, int> rank = {
        {"none", 0}, {"up_to_date", 1}, {"fast_forward", 2}, {"adopted", 2}, {"merged", 3}};
    if (rank.at(rep.merge) >= rank.at(merge_seen)) merge_seen = rep.merge;

    auto after = notes_tip(repo);
    if (!after.ok()) return after.error();
    rep.local_after = after->value_or("");
    if (!opts.push || rep.local_after.empty() || rep.local_after == rep.remote_tip) break;

    // Never forced: the remote accepts it only as a fast-forward of what it has.
    auto p = run_git_capture(repo, {"push", "--porcelain", opts.remote, std::string(kNotesRef) + ":" + kNotesRef});
    if (!p.ok()) return p.error();
    if (p->rc == 0) {
      rep.pushed = true;
      // Best effort: the next fetch corrects a tracking ref another sync moved meanwhile.
      (void)set_ref_cas(repo, tracking, rep.local_after,
                        rep.remote_tip.empty() ? std::nullopt : std::optional<std::string>(rep.remote_tip),
                        "opentraces: pushed notes");
      break;
    }
    std::string why = rejection_reason(p->out, p->err);
    if (!push_rejection_retryable(p->out, p->err))
      return make_error(ExitCode::kResource, "PUSH_FAILED", "trail sync", "git push of the notes failed: " + why,
                        "check the remote's permissions and hooks (`git push " + opts.remote + " " + kNotesRef +
                            "` shows the full answer)",
                        false);
    rep.rejections.push_back(why);
    if (attempt == attempts)
      return make_error(ExitCode::kResource, "PUSH_REJECTED", "trail sync",
                        "the remote refused our notes " + std::to_string(attempts) +
                            " times (others kept pushing meanwhile); last: " + why,
                        "run `git opentraces trail sync` again; nothing was lost, the merged notes are kept locally",
                        true);
    backoff(attempt);
  }
  rep.merge = merge_seen;
  return rep;
}

}  // namespace ot::git
