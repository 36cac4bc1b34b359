// Change bursts (reference 4.7): a trace's file edits grouped into runs separated by
// more than `gap` steps, each with the files it touched, its patches, the commit that
// took it (from patch anchors and the Trails git notes, else the HEAD move the hooks
// saw) and the user's intent behind it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/discovery/map.h"
#include "engine/schema/record.h"
#include "engine/util/json.h"

namespace ot::discovery {

struct BurstOptions {
  int gap = 35;               // split when the step gap to the previous edit exceeds this (min 1)
  bool commit_lookup = true;  // read commits from git (files, hunks, subject) to refine patches
};

// What bursts need besides the record; burst_context() fills it from the bucket and git.
struct BurstContext {
  std::vector<json> events;                          // the trace's bucket events (hook events carry git.head)
  std::map<std::string, json> patch_anchors;  // patch id → {commit_sha, anchor_id, tier, firmness} from the Trails notes
  std::string repo_dir;                              // repository for commit lookups ("" = none)
  std::vector<std::string> limitations;
};

// Events from the bucket; notes and repository from the record's cwd (when it is still
// a git repository). Never fails on git problems: they become limitations.
Result<BurstContext> burst_context(bucket::Bucket& bucket, const schema::TraceRecord& r, bool commit_lookup);

struct Burst {
  int index = 0;
  int from_step = 0, to_step = 0;
  std::map<std::string, int> unique_files;  // path → modifications
  json patches = json::array();             // {patch_id, git_anchor_id, commit_sha, evidence_firmness, evidence_tier, file_path, step_index}
  std::vector<std::string> git_anchors;     // unique commit shas / anchor ids
  std::string commit_sha;                   // "" when unknown
  std::string commit_source;                // patch_anchor | notes | git_head | ""
  int commit_step = -1;
  std::string commit_subject;
  json intent = json::object();             // {trigger, most_substantive_spec, spec_chain, burst_commit_sha, commit_subject, commit_body, ...}
  int intent_user_step = -1;
  std::string intent_text;
  json to_json() const;                     // the burst metadata (reference 4.7 step 7)
  std::string node_id(const std::string& trace_id) const;
};

std::vector<Burst> compute_bursts(const schema::TraceRecord& r, const TraceMap& m, const BurstContext& ctx,
                                  const BurstOptions& opts);

// Burst nodes (action change_burst) chained by previous_next edges, for `trace map --bursts`.
json bursts_as_map(const std::string& trace_id, const std::vector<Burst>& bursts);

}  // namespace ot::discovery
