// Candidate selection shared by `dataset run` (run.cpp) and traces datasets (traces.cpp):
// the manifest's candidate_query narrowed by the run flags, answered by the bucket's list.
#pragma once

#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/dataset/run.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

struct Candidate {
  json row;     // bucket list row
  json record;  // TraceRecord wire JSON
};

// `scope_out` receives the run record's scope{} (scope, project, trace_ids, limit, since_ms,
// facets, query, unsupported_query_args). NO_PROJECT / NO_TRACE (exit 2).
Result<std::vector<Candidate>> select_candidates(bucket::Bucket& b, const json& manifest, const RunOptions& o,
                                                 int64_t since_ms, json& scope_out);

}  // namespace ot::dataset
