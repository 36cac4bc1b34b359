#include "engine/trails/backfill.h"

#include <set>

#include "engine/trails/anchor.h"
#include "notes/history.h"
#include "notes/notes_store.h"

namespace ot::trails {

namespace {
Result<std::vector<git::CommitInfo>> scanned(const git::Repo& repo, const BackfillOptions& opts) {
  git::LogOptions lo;
  lo.max_commits = opts.max_commits;
  return git::log_commits(repo, "HEAD", lo);
}
}  // namespace

Result<int64_t> backfill_window_start(const git::Repo& repo, const BackfillOptions& opts) {
  auto log = scanned(repo, opts);
  if (!log.ok()) return log.error();
  if (log->empty()) return int64_t{0};
  return log->back().time_ms - static_cast<int64_t>(opts.window_hours) * 3600 * 1000;
}

Result<CandidateSet> candidates_from_notes(const git::Repo& repo, const std::string& range) {
  std::string start = range;
  git::LogOptions lo;
  lo.first_parent = false;
  lo.max_commits = 1;
  if (size_t dots = range.find(".."); dots != std::string::npos) {
    if (range.find("...") != std::string::npos || dots == 0 || dots + 2 >= range.size())
      return make_error(ExitCode::kUsage, "BAD_RANGE", "git-backfill",
                        "--from-notes takes A..B (both ends named) or one revision, not '" + range + "'",
                        "e.g. --from-notes origin/main..pr-head");
    lo.hide = range.substr(0, dots);
    start = range.substr(dots + 2);
    lo.max_commits = 0;
  }
  auto log = git::log_commits(repo, start, lo);
  if (!log.ok()) return log.error();
  CandidateSet out;
  std::set<std::string> seen;
  for (const auto& c : *log) {
    auto note = git::read_note(repo, c.sha);
    if (!note.ok()) return note.error();
    if (!*note) continue;
    std::vector<Fact> facts = parse_note(**note).facts;
    for (auto& p : facts_as_patches(repo, c.sha, facts)) {
      if (seen.insert(p.trace_id).second) {
        TraceCandidate t;
        t.trace_id = p.trace_id;
        t.agent = p.agent;
        t.model = p.model;
        out.traces.push_back(std::move(t));  // last_activity_ms 0: no time bound
      }
      out.patches.push_back(std::move(p));
    }
  }
  out.traces_in_window = static_cast<int>(out.traces.size());
  return out;
}

Result<BackfillReport> backfill(const git::Repo& repo, const CandidateSet& cands, const BackfillOptions& opts) {
  BackfillReport rep;
  auto log = scanned(repo, opts);
  if (!log.ok()) return log.error();
  if (log->empty()) return rep;
  rep.oldest_commit_ms = log->back().time_ms;
  const int64_t window = static_cast<int64_t>(opts.window_hours) * 3600 * 1000;

  std::map<std::string, int64_t> activity;
  for (const auto& t : cands.traces) activity[t.trace_id] = t.last_activity_ms;

  // Patches named on commits older than the scanned range count as landed too.
  std::set<std::string> skip;
  {
    auto older = anchored_patch_ids(repo, log->back().sha, 200);
    if (older.ok()) skip = *older;
  }
  std::set<std::string> linked;
  std::map<std::string, git::NoteUpdate> updates;
  AnchorOptions ao;
  for (auto it = log->rbegin(); it != log->rend(); ++it) {
    const git::CommitInfo& c = *it;
    ++rep.commits_scanned;
    auto note = git::read_note(repo, c.sha);
    std::vector<Fact> existing;
    if (note.ok() && *note) existing = parse_note(**note).facts;
    std::vector<MatchablePatch> patches;
    for (const auto& p : cands.patches) {
      auto a = activity.find(p.trace_id);
      int64_t t = a != activity.end() ? a->second : p.time_ms;
      if (t == 0 || (t >= c.time_ms - window && t <= c.time_ms + window)) patches.push_back(p);
    }
    bool counted = false;
    if (c.parents.size() > 1 || patches.empty()) {
      ++rep.commits_skipped;
      counted = true;
    } else {
      auto diff = git::commit_diff(repo, c.sha);
      if (!diff.ok()) {
        rep.errors.push_back(c.sha.substr(0, 12) + ": " + diff.error().message);
      } else {
        AnchorOutcome out = compute_anchor(repo, *diff, patches, skip, ao);
        if (!out.facts.empty()) {
          ++rep.commits_correlated;
          rep.facts += static_cast<int>(out.facts.size());
          for (const auto& f : out.facts) {
            rep.tiers[f.tier]++;
            linked.insert(f.trace_id);
            skip.insert(f.patch_id);
          }
          std::vector<Fact> fresh = out.facts;
          updates[c.sha] = [fresh](const std::optional<std::string>& cur) -> std::optional<std::string> {
            return merge_note(cur, fresh);
          };
        } else if (!counted) {
          ++rep.commits_skipped;
        }
      }
    }
    for (const auto& f : existing) skip.insert(f.patch_id);
  }
  rep.traces_linked.assign(linked.begin(), linked.end());
  if (opts.write && !updates.empty()) {
    auto w = git::update_notes(repo, updates, "opentraces: git-backfill");
    if (!w.ok()) return w.error();
    rep.notes_changed = w->changed;
  }
  return rep;
}

}  // namespace ot::trails
