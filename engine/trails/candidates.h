// Candidate patches for a commit, from what the bucket knows about recent traces:
// the latest record's `patches[]` and the `trace_patch_created` events derived from
// live hook payloads, deduplicated by patch id. Pure JSON in, MatchablePatch out,
// so tests and `trail attach --patches` use it without a bucket.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/trails/patch_input.h"
#include "engine/util/json.h"

namespace ot::trails {

struct TraceCandidate {
  std::string trace_id, agent, model, cwd;
  int64_t last_activity_ms = 0;
};

// Patches of one trace: `record` may be null/absent (live capture only); events may
// be empty. Patches without a file or authored text are dropped.
std::vector<MatchablePatch> patches_for_trace(const TraceCandidate& trace, const json& record,
                                              const std::vector<json>& events);

// Fills agent/model/cwd of `trace` from a TraceRecord where they are empty.
void complete_from_record(TraceCandidate& trace, const json& record);

// True when `cwd` is the repo root or inside it (both made absolute and normal).
bool cwd_in_repo(const std::string& cwd, const std::filesystem::path& repo_root);

// Reads a --patches file: JSON Lines (or one JSON document) of
//   a TraceRecord ({"trace_id", "agent":{...}, "patches":[...]}), or
//   {"trace_id","agent","model","cwd","patch":{schema Patch}}.
std::vector<MatchablePatch> patches_from_documents(const std::vector<json>& docs);

}  // namespace ot::trails
