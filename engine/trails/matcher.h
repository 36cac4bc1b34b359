// The matcher: which added lines of a commit did which agent patch write?
// (reference 5.3b, refined to lines.) Per trace and file, patches are replayed in
// order (replay.h) to get the runs of lines each patch owns; each run is searched
// in the commit's version of the file:
//   * exact: the whitespace-normalized run appears there as consecutive lines that
//     the commit added → tier exact_range_hash, firm; the fact covers only the
//     added lines of the run (never the human's lines around it);
//   * else formatter reflow: consecutive lines whose text without any whitespace
//     equals the run's (a formatter re-wrapped it) → tier formatter_divergent,
//     provisional, limitation formatter_whitespace_only;
//   * else structural: inside a hunk, the span of added lines that equal run lines
//     has a similarity ratio ≥ 0.85 to the run → tier structural_symbol,
//     provisional, limitation structural_match_below_exact_threshold; the fact
//     covers only the added lines equal to run lines.
// Each added line is owned by at most one patch: stronger tier first, then the
// longer run, then the later patch.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/trails/fact.h"
#include "engine/trails/patch_input.h"
#include "notes/diff.h"

namespace ot::trails {

struct MatchOptions {
  std::filesystem::path repo_root;          // work tree root; absolute patch paths are made relative to it
  double structural_threshold = 0.85;
  std::set<std::string> skip_patch_ids;     // already anchored on an ancestor commit
};

struct MatchResult {
  std::vector<Fact> facts;   // sorted by (file, start_line)
  int patches_considered = 0;
  int patches_on_files = 0;  // patches whose file the commit touched
  int patches_matched = 0;
  int exact_facts = 0;
  int structural_facts = 0;
};

MatchResult match_commit(const std::vector<MatchablePatch>& patches, const git::CommitDiff& diff,
                         const MatchOptions& opts);

// The commit file a patch path refers to: absolute paths inside the repo and paths
// relative to the trace's cwd are made repo-relative; otherwise the longest commit
// path that is a suffix of the patch path (sessions recorded in another checkout).
std::optional<std::string> resolve_patch_path(const MatchablePatch& p, const git::CommitDiff& diff,
                                              const std::filesystem::path& repo_root);

}  // namespace ot::trails
