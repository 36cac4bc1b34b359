// From an OTLP session snapshot to context-tree evidence in the bucket, and back out
// as a view beside the session file's steps.
//
// flush() appends, to the trace's event stream (e/<trace>/..., kept with the trace by
// export/import and never rebuilt away by `bucket repair`), one `context_layer_captured`
// event per distinct layer and one `context_node_observed` event per model request, all
// with capture_method "otel". A request already flushed is skipped, so flushing again
// appends only what is new. Layers use the ctx layer id formula (tree.h make_layer),
// with capture_method "otel":
//   runtime_state  (approximated): model, agent and version, query source, speed, effort
//   messages       (stub): the request's prompt size in tokens (input, cache read, cache
//                  creation) and its prompt id; the user's prompt text only when Claude
//                  Code sent it (OTEL_LOG_USER_PROMPTS=1). The telemetry carries no bodies.
//
// otel_view() lines those requests up with the record's agent steps: a request matches
// the first unmatched agent step whose input, cache read and cache creation token counts
// are the same (the session file repeats the usage Claude Code got from the API); a
// matched request lists the tools of its step's calls, an unmatched one the tools flush
// guessed from event times (approximate: api_request is logged when the stream ends).
#pragma once

#include <string>

#include "engine/bucket/bucket.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::otlp {

struct FlushOptions {
  std::string session_id;
  std::string trace_id;  // default: the trace whose id is the session id
};

// SNAPSHOT_NOT_FOUND (exit 7); FLUSH_FAILED (exit 8) when the bucket write fails.
// {session_id, trace_id, trace_stored, snapshot, requests_total, requests_already_flushed,
//  layers_appended, nodes_appended}
Result<json> flush(bucket::Bucket& b, const FlushOptions& o);

// The layer object (ctx layer schema) with capture_method "otel", and its id.
json otel_layer(const std::string& type, const std::string& completeness, const json& content);
std::string otel_layer_id(const json& layer);

// {view:"otel", trace_id, session_ids, request_count, matched_count, requests[], totals,
//  layers[], limitations[]}. TRACE_NOT_FOUND (exit 6) for an unknown trace.
Result<json> otel_view(bucket::Bucket& b, const std::string& trace_ref);

// What the ctx overview and step views add for a trace that has otel evidence:
// {requests, matched, prompt_tokens_otel, look}, or null when it has none.
json otel_summary(bucket::Bucket& b, const std::string& trace_id);
// The request matched to one step, or null.
json otel_for_step(bucket::Bucket& b, const std::string& trace_id, int step_index);

}  // namespace ot::otlp
