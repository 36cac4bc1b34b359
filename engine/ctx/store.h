// Where the Context Tree lives in the bucket, and how it is read back.
//   d/ctx/t/<trace>      the tree document (tree.h), one per trace's current generation
//   d/ctx/n/<node hex>   the trace a node belongs to (for `ctx diff/resume/prune <node>`)
//   c/<hex>              layers, messages-chain links and messages, shared by all traces
// The writer is registered in engine/bucket/derived.cpp, so the tree is written in the
// same transaction as each new record generation and rebuilt by `bucket repair`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/bucket/derived.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::ctx {

inline std::string tree_key(std::string_view trace) { return "d/ctx/t/" + std::string(trace); }
inline std::string node_key(std::string_view node_hex) { return "d/ctx/n/" + std::string(node_hex); }

// The derived writer (DerivedWriter::index).
Status index_trace(bucket::Txn& txn, const json& record, const bucket::RecordFacts& facts, std::vector<std::string>& owned);

// One message of a layer as a view shows it.
struct Message {
  int step_index = -1;
  bool dropped = false;  // removed by a compaction (only with `with_dropped`)
  json body;
};

struct Page {
  std::vector<Message> messages;
  int64_t total = 0;
};

class Reader {
 public:
  explicit Reader(bucket::Bucket& b) : b_(b) {}

  // The tree of a trace; nullopt when nothing was captured for it.
  Result<std::optional<json>> tree(std::string_view trace_id);
  // The trace holding a node ("sha256:<hex>" or hex); nullopt when unknown.
  Result<std::optional<std::string>> trace_of_node(std::string_view node_id);
  // A layer object by id; CONTEXT_LAYER_UNAVAILABLE (exit 3) when it is not stored.
  Result<json> layer(std::string_view layer_id);
  // One message blob by hex id.
  Result<json> message(std::string_view hex) { return blob(std::string(hex), "message"); }
  // All chain link ids of a messages chain head, oldest first.
  Result<std::vector<json>> chain(const json& head);
  // Messages [offset, offset+limit) of a chain (limit < 0: all).
  Result<Page> messages(const json& head, int64_t offset, int64_t limit);

 private:
  Result<json> blob(const std::string& hex, std::string_view what);
  bucket::Bucket& b_;
};

std::string strip_sha(std::string_view id);

}  // namespace ot::ctx
