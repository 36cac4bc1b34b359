// TraceRecord: the normalized form of one agent session (reference section 10, wire
// shape of schema 0.9.0). Every part keeps the JSON keys it does not know in `extra`
// and writes them back, so a record from a newer writer survives a load/store cycle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/schema/patch.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::schema {

inline constexpr const char* kSchemaVersion = "0.9.0";

struct TokenUsage {
  int64_t input_tokens = 0;        // prompt tokens not served from cache
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_tokens = 0;
  int64_t prefix_reuse_tokens = 0;
  json extra = json::object();
};

struct ToolCall {
  std::string tool_call_id, tool_name;
  json input = json::object();
  std::optional<int64_t> duration_ms;
  json extra = json::object();
};

struct Observation {
  std::string source_call_id;
  std::string content;
  std::string output_summary;  // "" → null
  std::string error;           // "" → null; set when the tool reported failure
  json extra = json::object();
};

struct Step {
  int step_index = 0;
  std::string role;  // system | user | agent
  std::string content, reasoning_content, model, system_prompt_hash, agent_role;
  std::optional<int> parent_step;
  std::string call_type = "main";  // main | subagent | warmup
  std::string subagent_trajectory_ref;
  std::vector<std::string> tools_available;
  std::vector<ToolCall> tool_calls;
  std::vector<Observation> observations;
  json snippets = json::array();
  std::optional<TokenUsage> token_usage;
  std::string timestamp;
  std::string context_node_id;
  json extra = json::object();
};

struct Task {
  std::string description, source, repository, repository_url, base_commit;
  json extra = json::object();
};

struct Agent {
  std::string name, version, model;  // name: claude-code | codex | pi
  json extra = json::object();
};

struct Vcs {
  std::string type, base_commit, branch, diff;
  json extra = json::object();
};

struct Environment {
  std::string os, shell;
  std::optional<Vcs> vcs;
  std::vector<std::string> language_ecosystem;
  json resolved_dependencies = json::array();
  json interpreter = nullptr;
  std::string arch, platform, abi_tag;
  json extra = json::object();
};

struct Outcome {
  std::optional<bool> success;  // only from deterministic signals; null when unknown
  std::string signal_source = "deterministic";
  std::string signal_confidence = "derived";
  std::string description;
  bool committed = false;
  std::string commit_sha;
  std::string terminal_state;
  std::optional<double> reward;
  std::string reward_source;
  json extra = json::object();
};

struct Metrics {
  int64_t total_steps = 0;
  int64_t total_input_tokens = 0;
  int64_t total_output_tokens = 0;
  std::optional<double> total_duration_s;
  std::optional<double> cache_hit_rate;
  std::optional<double> estimated_cost_usd;  // null when the model's price is unknown
  int64_t total_cache_read_tokens = 0;
  int64_t total_cache_creation_tokens = 0;
  json extra = json::object();
};

struct SecurityMetadata {
  bool scanned = false;
  int64_t flags_reviewed = 0;
  int64_t redactions_applied = 0;
  std::string classifier_version;
  json extra = json::object();
};

struct GitLink {
  std::string vcs_type = "git", revision, repo_url, branch, tier;
  std::optional<bool> commit_reachable, content_alive;
  json extra = json::object();
};

struct TraceRecord {
  std::string schema_version = kSchemaVersion;
  std::string trace_id, session_id, content_hash;
  std::string timestamp_start, timestamp_end;
  std::string execution_context = "devtime";
  Task task;
  Agent agent;
  Environment environment;
  json system_prompts = json::object();  // hash → text
  json tool_definitions = json::array();
  std::vector<Step> steps;
  Outcome outcome;
  json dependencies = json::array();
  Metrics metrics;
  SecurityMetadata security;
  json attribution = nullptr;  // Attribution object (Agent Trace shape) or null
  json metadata = json::object();
  std::string lifecycle = "final";  // provisional | final
  std::vector<GitLink> git_links;
  int64_t generation_index = 0;
  json context_tree_summary = nullptr;
  std::vector<Patch> patches;
  json extra = json::object();
};

json to_json(const TokenUsage&);
json to_json(const ToolCall&);
json to_json(const Observation&);
json to_json(const Step&);
json to_json(const GitLink&);
json to_json(const TraceRecord&);

// Loads a record; on a type mismatch the error names the exact path
// ("record.steps[3].tool_calls[0].tool_name: expected a string, got number"), exit 2.
Result<TraceRecord> record_from_json(const json& j);

// Checks invariants the types cannot: required fields, enum values, step indexes
// 0..n-1 in order, parent_step/patch step references in range, ISO timestamps.
Status validate(const TraceRecord& r);

// SHA-256 hex of the canonical JSON of the record without content_hash, trace_id and
// intent (reference section 10). Same record → same hash on every machine.
std::string compute_content_hash(const TraceRecord& r);
std::string compute_content_hash(const json& record_json);

// Fills metrics from steps/timestamps (tokens, duration, cache hit rate, cost) and
// sets content_hash. Parsers call it last.
void finalize(TraceRecord& r);

}  // namespace ot::schema
