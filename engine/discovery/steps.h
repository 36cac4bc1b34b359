// Reading one stored trace step by step: the record from the bucket, what each tool
// call is (read, edit, shell, search, skill, sub-agent), and the compact views
// `trace get` prints (overview, step card, span). Shared by map, bursts, run-intel,
// waste, slice and compare.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/schema/record.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::discovery {

enum class ToolKind { kOther, kRead, kEdit, kShell, kSearch, kSkill, kSubagent };

// What a tool call does, by tool name and input (Claude Code, Codex, Pi names).
// A shell call running apply_patch is an edit.
ToolKind tool_kind(const schema::ToolCall& call);
// The shell command text of a call ("" when it is not a shell call).
std::string call_command(const schema::ToolCall& call);
// The file a read/edit call names (input file_path or path), "" when none.
std::string call_path(const schema::ToolCall& call);
// `path` relative to `root` when it lies under it (else unchanged), '/'-separated.
std::string relative_to(std::string_view path, std::string_view root);
// The first `n` characters (UTF-8 safe), newlines collapsed to spaces, "…" when cut.
std::string preview(std::string_view text, size_t n);
// The text of an observation: content, else summary, else error.
const std::string& observation_text(const schema::Observation& o);
// The trace's repository root: metadata.cwd ("" when unknown).
std::string record_root(const schema::TraceRecord& r);

// The latest generation of a stored trace, as a typed record. TRACE_NOT_FOUND (6).
Result<schema::TraceRecord> load_record(bucket::Bucket& bucket, std::string_view trace_id);

// `trace get <trace>`: {trace_id, title, summary, agent, step_count, outcome,
// files_touched (≤12), files_touched_count, duration_seconds, committed, commit_sha, refs}.
json trace_overview(const schema::TraceRecord& r);
// `trace get <trace>:<N>`: the step card (reference 4.3). `map_node_id` is the first
// map node of the step ("" when none).
json step_card(const schema::TraceRecord& r, int step_index, const std::string& map_node_id = {});
// The three follow-up commands of a step card.
json step_next_steps(const std::string& trace_id, int step_index);

}  // namespace ot::discovery
