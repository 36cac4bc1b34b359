// `git opentraces stats [<rev-range>]`: who wrote the lines a range of commits
// added, and what became of the agents' lines. Per non-merge commit of the range,
// every added line is classified like `blame` classifies it in its own commit
// (agent per agent/model, human-modified, human, unknown); deleted lines are
// counted, and those an agent deleted are counted from the notes' deletion records
// (stats_deletions.h). "Accepted" agent lines are still there at the range's tip
// (blame of the tip traces them back to their commit, renames and reflows
// followed); "overwritten" ones were later replaced or removed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/util/result.h"
#include "notes/diff.h"
#include "notes/handle.h"

namespace ot::trails {

struct AgentStats {
  std::string agent, model, source;  // source: opentraces | git-ai
  int added = 0, accepted = 0, overwritten = 0, deleted = 0;
  std::map<std::string, int> traces;  // trace (or git-ai session) → added lines
};

struct RangeStats {
  std::string range, tip_sha;
  int commits = 0, merges_skipped = 0, commits_with_notes = 0;
  int added = 0, agent = 0, human_modified = 0, human = 0, unknown = 0;
  int deleted = 0, agent_deleted = 0;
  int accepted = 0, overwritten = 0;
  std::vector<AgentStats> agents;  // most added first
};

struct StatsOptions {
  std::string range = "HEAD";  // "A..B", or one rev (everything reachable from it)
  int max_commits = 10000;
  bool survival = true;        // blame the tip to split accepted / overwritten
};

// The commits of a range, newest first: "A..B" (in B, not in A; either side may be
// omitted for HEAD) or one revision (everything reachable from it). Merges included.
struct RangeCommits {
  std::string tip_sha;
  std::vector<git::CommitInfo> commits;
};
Result<RangeCommits> range_commits(const git::Repo& repo, const std::string& range, int max_commits);

// Errors: BAD_REVISION (2) for an unparsable range, COMMIT_NOT_FOUND (6).
Result<RangeStats> range_stats(const git::Repo& repo, const StatsOptions& opts = {});

}  // namespace ot::trails
