// `trace index status|rebuild`: the health of the full-text index (fts_index.h) and its
// rebuild from the stored objects. Rebuild is the bucket's own repair (Bucket::rebuild),
// which re-runs every derived writer over every current record, so there is one rebuild
// path for all derived data.
#pragma once

#include "engine/bucket/bucket.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::discovery {

inline constexpr const char* kIndexSchema = "opentraces.trace.index.v1";

// {state: ready|stale|missing|outdated|empty, indexed_traces, bucket_traces, index_version,
//  expected_version, stale_reason, avg_field_tokens{}, approx_bytes}
Result<ordered_json> index_status(const bucket::Bucket& bucket);

// Rebuilds every derived index from the objects; returns {rebuilt{traces_rebuilt,
// traces_lost, objects_dropped}, elapsed_ms} plus the status after.
Result<ordered_json> index_rebuild(bucket::Bucket& bucket);

// Packs the loose postings (fts_pack.h); returns {packed{...}, index{status after}}.
Result<ordered_json> index_pack(bucket::Bucket& bucket, bool full);

}  // namespace ot::discovery
