// Candidate patches for the post-commit hook and git-backfill, read from the bucket:
// traces active in a time window whose cwd is inside this repository.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/trails/candidates.h"
#include "engine/util/result.h"

namespace ot::trails {

struct CandidateSet {
  std::vector<TraceCandidate> traces;
  std::vector<MatchablePatch> patches;
  int traces_in_window = 0;   // before the repository filter
};

// Candidates from a file instead of the bucket (trail attach, git-backfill
// --patches): a TraceRecord JSON document, or JSON Lines of records or of
// {"trace_id","agent","model","cwd","patch":{...}}. Errors: INVALID_JSON (2) naming the line.
Result<CandidateSet> candidates_from_file(const std::filesystem::path& file);

// Traces active in [from_ms, to_ms] (to_ms 0 = now) with cwd inside `repo_root`,
// after draining the spool (live hook events become trace_patch_created events).
// Errors: NO_BUCKET when nothing was ever captured here; BUCKET_LOCKED after
// `lock_wait_ms`; other bucket errors.
Result<CandidateSet> candidates_from_bucket(const std::filesystem::path& repo_root, int64_t from_ms, int64_t to_ms = 0,
                                            int lock_wait_ms = 2000);

}  // namespace ot::trails
