// The `ctx` views (reference 6.2, 6.3) as JSON payloads; git-opentraces/ctx.cpp adds
// the envelope and renders them for humans.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/bucket/bucket.h"
#include "engine/ctx/store.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::ctx {

// A trace with its tree; `tree` is nullopt when nothing was captured (empty state).
struct Loaded {
  std::string trace_id;
  json row;   // the bucket's list row (title, agent, ...)
  std::optional<json> tree;
};

// `ref` is a trace id or unique prefix. TRACE_NOT_FOUND is reported with exit 3.
Result<Loaded> load(bucket::Bucket& b, std::string_view trace_ref);

// A node: the tree it belongs to and its position (== step index).
struct NodeRef {
  Loaded trace;
  int index = 0;
  const json& node() const { return (*trace.tree)["nodes"][static_cast<size_t>(index)]; }
};

// Node by id ("sha256:<hex>" / hex) or by address (<trace>:<N>, <trace>:last).
// NODE_NOT_FOUND / STEP_NOT_FOUND (exit 3); CONTEXT_TREE_NOT_CAPTURED (exit 3) when the
// trace has no tree.
Result<NodeRef> resolve_node(bucket::Bucket& b, std::string_view ref);
// Step N (-1 = last) of a loaded trace; STEP_NOT_FOUND (exit 3).
Result<NodeRef> node_at(Loaded t, int step);

json empty_state(const Loaded& t);  // {trace_id, limitations:[context_tree_not_captured]}
json overview(const Loaded& t);
json step_view(Reader& r, const NodeRef& n);

struct LayerOptions {
  std::string layer;  // system | messages | tools | runtime (or the full layer type)
  bool full = false;
  bool with_dropped = false;
  int64_t offset = 0, limit = 20;
};
// Unknown layer name: INVALID_LAYER (exit 2).
Result<json> layer_view(Reader& r, const NodeRef& n, const LayerOptions& o);

json tree_view(const Loaded& t, int depth, bool show_orphans);

// Tool results flowing to the agent (reads) and edits it made (writes) in [from, to].
// `anchors`: trace patch id → commit sha (from the Trails notes), may be empty.
Result<json> reads_view(bucket::Bucket& b, const Loaded& t, int from, int to);
Result<json> writes_view(bucket::Bucket& b, const Loaded& t, int from, int to,
                         const std::map<std::string, std::string>& anchors);

Result<json> diff_view(Reader& r, const NodeRef& a, const NodeRef& b, const std::string& only_layer);
Result<json> compactions_view(Reader& r, const Loaded& t, bool show_loss);
// The conversation up to and including the node's own step, for a new session.
Result<json> resume_packet(Reader& r, bucket::Bucket& b, const NodeRef& n);

// Canonical layer type for a user-facing name; "" when unknown.
std::string layer_type_of(std::string_view name);
// First `n` characters (UTF-8 safe) of a message's text, newlines folded.
std::string preview(const json& message, size_t n);

}  // namespace ot::ctx
