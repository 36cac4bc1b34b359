// The Trace Map (reference 4.4): a trace as a graph of typed actions — instructions,
// tool calls, file reads and edits, patches, tests, errors, commits, final answers —
// chained in order, plus the bounded faceted overview `trace map` prints.
#pragma once

#include <string>
#include <vector>

#include "engine/schema/record.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::discovery {

struct MapNode {
  std::string node_id;      // tmn:<trace>:step:<i>:<n>
  std::string unit_id;      // tu:<trace>:step:<i> or tu:<trace>:tool:<call id>
  std::string action_type;  // user_instruction, agent_message, tool_call, skill_invocation, file_read,
                            // file_edit, test_run, error_signal, patch_created, git_anchor,
                            // subagent_call, final_response
  int step_index = 0;
  std::string tool_name, tool_call_id;
  std::vector<std::string> files_read, files_modified;
  std::vector<std::string> anchor_refs;  // commit shas (git_anchor, patch_created)
  std::string text_preview;
  std::string confidence = "deterministic";
  json metadata = json::object();  // patch_id, commit_sha, command, ...
  std::string previous_node_id, next_node_id, parent_node_id;
  json to_json(const std::string& trace_id) const;
};

struct MapEdge {
  std::string edge_id;  // tme:<trace>:<n>
  std::string source_node_id, target_node_id;
  std::string edge_type;  // previous_next | parent_child | edits | anchors | observes | tests | subagent
  json to_json(const std::string& trace_id) const;
};

struct TraceMap {
  std::string trace_id;
  std::vector<MapNode> nodes;  // in step order
  std::vector<MapEdge> edges;
  std::vector<std::string> root_node_ids;  // the user instructions
  std::vector<std::string> limitations;
  const MapNode* find(const std::string& node_id) const;
  // The first node of a step (nullptr when the step has none).
  const MapNode* first_of_step(int step_index) const;
  json to_json() const;
  json to_json(const std::vector<const MapNode*>& subset) const;  // nodes + the edges among them
};

TraceMap build_map(const schema::TraceRecord& r);

// The bounded faceted overview of steps [from, to] (reference 4.4, no selector).
ordered_json map_overview(const schema::TraceRecord& r, const TraceMap& m, int from_step, int to_step);

// Nodes within `depth` edges of `node_id` (any edge type, either direction).
Result<std::vector<const MapNode*>> map_around(const TraceMap& m, const std::string& node_id, int depth);
// From `node_id` along previous/next order, up to `max_steps` nodes, stopping after a
// node whose action type is in `until` (empty = no stop type).
Result<std::vector<const MapNode*>> map_walk(const TraceMap& m, const std::string& node_id, bool forward,
                                             const std::vector<std::string>& until, int max_steps);

// True when a shell command runs tests (pytest, go test, npm test, cargo test, ctest, ...).
bool is_test_command(std::string_view command);

}  // namespace ot::discovery
