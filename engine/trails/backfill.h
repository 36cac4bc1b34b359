// git-backfill / trail mature: anchor first-parent history made without the hook
// (squash merges done on a server, commits from another machine), with the same
// matcher. Oldest commit first, so "already anchored on an ancestor" is decided the
// same way the hook would have; all notes are written in one ref update; running it
// again changes nothing.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/trails/bucket_source.h"
#include "engine/util/result.h"
#include "notes/handle.h"

namespace ot::trails {

struct BackfillOptions {
  int max_commits = 2000;
  int window_hours = 48;   // a trace matches a commit if its last activity is within this many hours either side
  bool write = true;
};

struct BackfillReport {
  int commits_scanned = 0;
  int commits_correlated = 0;  // got at least one fact
  int commits_skipped = 0;     // merges, or no candidate trace in the window
  int notes_changed = 0;
  int facts = 0;
  std::vector<std::string> traces_linked;
  std::map<std::string, int> tiers;
  std::vector<std::string> errors;
  int64_t oldest_commit_ms = 0;
};

// The time span backfill needs candidates for (oldest scanned commit − window .. now).
Result<int64_t> backfill_window_start(const git::Repo& repo, const BackfillOptions& opts);

// Candidates from the notes of other commits: every fact on a commit of `range`
// ("A..B", or one revision for that commit alone) becomes a verbatim patch (the lines
// it covered there), with no time bound. A hosted squash or rebase merge makes new
// commits from a pull request's commits; backfilling them with the PR's notes as
// candidates carries the attribution over (scripts/ci, docs/ci.md).
// Errors: BAD_REVISION (6), BAD_RANGE (2).
Result<CandidateSet> candidates_from_notes(const git::Repo& repo, const std::string& range);

Result<BackfillReport> backfill(const git::Repo& repo, const CandidateSet& candidates, const BackfillOptions& opts);

}  // namespace ot::trails
