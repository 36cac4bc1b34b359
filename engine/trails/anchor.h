// Anchoring: turn matcher facts into the commit's note, and keep notes right when
// history is rewritten. Used by `hook post-commit`, `hook post-rewrite`,
// `git-backfill` and `trail attach`.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/trails/fact.h"
#include "engine/trails/matcher.h"
#include "engine/trails/patch_input.h"
#include "engine/util/result.h"
#include "notes/diff.h"
#include "notes/handle.h"

namespace ot::trails {

struct AnchorOptions {
  double structural_threshold = 0.85;
  int ancestor_scan = 200;     // first-parent ancestors whose notes say which patches already landed
  bool write = true;           // false: compute only (dry run)
};

struct AnchorOutcome {
  std::string commit_sha;
  bool skipped = false;
  std::string skip_reason;     // "merge_commit", "no_candidates", ...
  int files = 0;
  int added_lines = 0;
  int patches_considered = 0;
  int patches_on_files = 0;
  int patches_matched = 0;
  int patches_already_anchored = 0;
  int attributed_lines = 0;
  bool note_changed = false;
  std::vector<Fact> facts;     // the facts this run found
  std::set<std::string> trace_ids;
};

// Patch ids named by the notes of `rev`'s first-parent ancestors (not `rev` itself).
Result<std::set<std::string>> anchored_patch_ids(const git::Repo& repo, const std::string& rev, int max_commits);

// The note text after adding `fresh` facts to `current`: fresh facts win; current
// facts stay unless they share a line (same file) with a fresh fact; foreign lines stay.
std::string merge_note(const std::optional<std::string>& current, const std::vector<Fact>& fresh);

// The lines each fact covered in commit `sha`, as verbatim patches: re-anchoring
// input for rewritten, cherry-picked or server-side squashed commits.
std::vector<MatchablePatch> facts_as_patches(const git::Repo& repo, const std::string& sha,
                                             const std::vector<Fact>& facts);

// Matches `patches` against commit `rev` and writes its note (compare-and-swap).
Result<AnchorOutcome> anchor_commit(const git::Repo& repo, std::string_view rev,
                                    const std::vector<MatchablePatch>& patches, const AnchorOptions& opts);

// Same, on an already computed diff and skip set, returning the new note text
// instead of writing it (git-backfill batches many commits into one ref update).
AnchorOutcome compute_anchor(const git::Repo& repo, const git::CommitDiff& diff,
                             const std::vector<MatchablePatch>& patches, const std::set<std::string>& skip,
                             const AnchorOptions& opts);

struct RewriteOutcome {
  int pairs = 0;
  int commits = 0;           // new commits whose note was recomputed
  int facts_in = 0;          // facts on the old commits
  int facts_out = 0;         // facts written on the new commits
  int notes_changed = 0;
};

// post-rewrite: `pairs` are (old sha, new sha) lines from git. For each new commit,
// the old commits' facts are re-matched against the new diff (the committed text of
// each old fact is its authored text), stale copies (notes.rewriteRef) are dropped,
// and the result is merged into the new commit's note.
Result<RewriteOutcome> reanchor_rewritten(const git::Repo& repo,
                                          const std::vector<std::pair<std::string, std::string>>& pairs,
                                          const AnchorOptions& opts);

// Parses post-rewrite stdin ("<old> <new> [extra]\n"...).
std::vector<std::pair<std::string, std::string>> parse_rewrite_pairs(std::string_view text);

}  // namespace ot::trails
