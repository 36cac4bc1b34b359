// The slice a capsule carries: the steps an address names, cut out of the stored
// TraceRecord and renumbered from 0 so the result is a valid record of its own
// (each step keeps its original index in `source_step_index`). Patches made outside the
// span are dropped; a parent_step outside it becomes null.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/discovery/address.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

struct Slice {
  discovery::TraceAddress address;
  json record;               // the sliced record (not yet redacted)
  std::vector<json> events;  // the trace's trail events (not hook or context events)
  int source_step_count = 0; // steps in the whole stored trace
};

// Pure: steps [from, to] of `record` (wire JSON) as a record of their own.
json slice_record(const json& record, int from, int to);

// Resolves `ref` (the discovery address grammar: <trace>, <trace>:N, <trace>:A-B, prefixes)
// and cuts the slice. Errors are resolve_address's (INVALID_ADDRESS exit 2, TRACE_NOT_FOUND /
// STEP_NOT_FOUND exit 6, AMBIGUOUS_TRACE_PREFIX exit 2).
Result<Slice> load_slice(bucket::Bucket& b, std::string_view ref);

}  // namespace ot::capsule
