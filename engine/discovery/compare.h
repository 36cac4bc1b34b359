// `trace compare A B` (reference 4.6, envelope opentraces.trace_compare.v1): two traces
// side by side — metrics, change bursts, run-intel and waste signals — with B − A deltas.
#pragma once

#include <vector>

#include "engine/discovery/bursts.h"
#include "engine/schema/record.h"
#include "engine/util/json.h"

namespace ot::discovery {

// The metrics compared: steps, user turns, tool calls, tool errors, tokens, cost,
// duration, patches, files touched.
json trace_metrics(const schema::TraceRecord& r);

// {trace_a, trace_b, fidelity{a,b}, burst_gap, quality_included:false,
//  delta{metrics{name:{a,b,delta}}, quality:null, bursts{...}, signals{...}, security{...}}}.
json compare_traces(const schema::TraceRecord& a, const schema::TraceRecord& b, const BurstContext& ca,
                    const BurstContext& cb, const BurstOptions& opts);

}  // namespace ot::discovery
