// Trace slices (reference 4.5, envelope opentraces.trace.slice.v1): windows of steps with
// their map nodes and the patches made inside them — one per change burst, around a
// step, or a manual range.
#pragma once

#include <string>
#include <vector>

#include "engine/discovery/bursts.h"
#include "engine/discovery/map.h"
#include "engine/schema/record.h"
#include "engine/util/json.h"

namespace ot::discovery {

// One slice: {slice_id, start_step_index, end_step_index, map{nodes, edges}, trace_patch_refs,
// node_count, patch_count, ...}. slice_id = "ts:" + 16 hex of the domain digest
// (opentraces.trace_slice.v1) of {trace_id, mode, start, end}.
json make_slice(const schema::TraceRecord& r, const TraceMap& m, const std::string& mode, int from_step, int to_step);

// Slices of every burst (mode "template", template "bursts").
json burst_slices(const schema::TraceRecord& r, const TraceMap& m, const std::vector<Burst>& bursts);

}  // namespace ot::discovery
