// Attribution facts: one line of a commit's note on refs/notes/opentraces.
// A fact says "lines start_line..end_line of `file` in this commit were written by
// patch `patch_id` of trace `trace_id`", with the evidence tier and firmness.
// Each fact is canonical JSON on one line; a note is its facts' lines sorted and
// unique, so `git notes merge -s cat_sort_uniq` merges notes correctly.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/json.h"

namespace ot::trails {

inline constexpr int kFactVersion = 1;

struct Fact {
  std::string trace_id;
  std::string agent;       // claude-code | codex | pi | ...
  std::string model;       // may be empty
  std::string patch_id;    // the trace patch that wrote these lines
  int step_index = -1;     // step of the trace that produced the patch (-1 unknown)
  std::string file;        // repo-relative path in the commit
  int start_line = 0;      // 1-based, inclusive, in the commit's version of `file`
  int end_line = 0;
  std::string tier;        // evidence tier, e.g. exact_range_hash, structural_symbol
  std::string firmness;    // firm | provisional
  std::string range_hash;  // "sha256:" of the normalized text of the attributed lines
  std::string limitation;  // optional limitation code (e.g. structural_match_below_exact_threshold)
  std::string anchor_id;   // "gitanchor-sha256:<hex>" (see anchor_id_for)

  int line_count() const { return end_line - start_line + 1; }
  bool operator==(const Fact& o) const;
};

// Tier rank (lower = stronger), reference 5.2.
int tier_rank(std::string_view tier);

// "gitanchor-sha256:" + sha256(domain "opentraces.git_anchor.v1" + NUL + canonical
// {commit_id{algo,hex}, evidence_tier, path, range{end_line,start_line}, trace_patch_id}).
std::string anchor_id_for(const Fact& f, std::string_view commit_sha);

json fact_to_json(const Fact& f);
std::optional<Fact> fact_from_json(const json& j);
// One canonical JSON line, no newline.
std::string fact_line(const Fact& f);

struct ParsedNote {
  std::vector<Fact> facts;               // in note order (sorted by line text)
  std::vector<std::string> other_lines;  // lines that are not our facts (kept on rewrite)
};
ParsedNote parse_note(std::string_view text);

// Note text from lines: sorted, unique, each ending in '\n'. Empty input → "".
std::string render_note(std::vector<std::string> lines);
std::string render_note(const std::vector<Fact>& facts, const std::vector<std::string>& other_lines = {});

}  // namespace ot::trails
