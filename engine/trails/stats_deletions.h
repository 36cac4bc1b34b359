// Deletion records: the lines an agent removed, kept in the commit's note beside
// the attribution facts so `stats` can count them (facts only describe lines that
// exist in the commit). One canonical JSON line per removed run, in the parent's
// coordinates (old side of the diff):
//   {"agent":"claude-code","file":"calc.py","kind":"deletion","old_end_line":7,
//    "old_file":"calc.py","old_start_line":5,"patch_id":"sha256:…","trace_id":"…","v":1}
// `file` is the path in the commit, `old_file` the path in the parent. No
// start_line/end_line keys, so fact readers never take a deletion for attributed
// lines (fact.h keeps it in other_lines); notes stay mergeable with cat_sort_uniq.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/trails/matcher.h"
#include "engine/trails/patch_input.h"
#include "notes/diff.h"
#include "notes/handle.h"

namespace ot::trails {

struct Deletion {
  std::string trace_id, agent, model, patch_id;
  std::string file, old_file;
  int start_line = 0, end_line = 0;  // old_start_line/old_end_line: 1-based inclusive, in old_file at the parent
  int line_count() const { return end_line - start_line + 1; }
};

std::string deletion_line(const Deletion& d);
std::optional<Deletion> deletion_from_line(std::string_view line);
// Every deletion record among a note's lines.
std::vector<Deletion> note_deletions(std::string_view note_text);

// Which removed lines of the commit did the patches remove? A patch's old_text
// (minus what its authored_text keeps) is searched, whitespace-normalized, among
// the commit's deleted lines of the same file, as consecutive lines of one hunk.
std::vector<Deletion> match_deletions(const git::Repo& repo, const git::CommitDiff& diff,
                                      const std::vector<MatchablePatch>& patches, const MatchOptions& opts);

// `note` with the deletion records added (sorted, unique: render_note).
std::string with_deletions(const std::string& note, const std::vector<Deletion>& dels);

}  // namespace ot::trails
