// The Context Tree (reference section 6): for every step of a trace, the context the
// model had — system prompt, messages, tool registry, runtime state — as a tree of
// ContextNodes with branches for compactions, rewinds and sub-agents.
//
// build_tree() is a pure function of a TraceRecord (wire JSON). It yields one node per
// step, the content-addressed layer blobs and the tree document the bucket keeps at
// d/ctx/t/<trace> (store.h). Messages layers are Merkle chains: a link
// {prev, msg, step} per message, so a node's layer is the head link of its chain and a
// 500-step session stores each message once, not once per step.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/json.h"

namespace ot::ctx {

inline constexpr const char* kTreeVersion = "0.1.0";
inline constexpr const char* kLayerSchema = "opentraces.context_layer.v1";
inline constexpr const char* kNodeSchema = "opentraces.context_node.v1";
inline constexpr const char* kTreeSchema = "opentraces.context_tree.v1";

// Layer types, in display order, with the short names `ctx --layer` takes.
inline const std::vector<std::pair<std::string, std::string>>& layer_types() {
  static const std::vector<std::pair<std::string, std::string>> t = {
      {"system", "system"}, {"messages", "messages"}, {"tool_registry", "tools"}, {"runtime_state", "runtime"}};
  return t;
}

struct Built {
  json tree;                                 // the document stored at d/ctx/t/<trace>
  std::map<std::string, std::string> blobs;  // hex → canonical JSON (layers, chain links, messages)
};

// The messages a step adds to the conversation after it: a user prompt, or the
// assistant message (text and tool calls) followed by one tool message per result.
std::vector<json> step_messages(const json& step);

// "sha256:<hex>" id of a layer, and the layer object whose canonical bytes it hashes.
json make_layer(const std::string& type, const std::string& completeness, const json& content);
std::string layer_hex(const json& layer);

// Builds the tree of a record. A record without steps yields a tree with no nodes.
Built build_tree(const json& record);

}  // namespace ot::ctx
