// Session files written from a TraceRecord: the agent's own JSONL line shapes
// ("native": Claude Code, Codex, Pi) or the Hub's Session Trace Simple Format (STS).
//
// The bucket keeps the normalized TraceRecord, not the agent's original lines, so a
// native file is rebuilt from the record: every line shape our parsers (engine/parse)
// and the agents themselves read, with the record's values. Parsing a native file
// again gives the same steps, tool calls, observations and token usage (what the
// agent wrote that the record does not keep — attachments, hook progress lines,
// file-history snapshots — is not in the file). See docs/trace-export.md.
#pragma once

#include <string>
#include <vector>

#include "engine/schema/record.h"
#include "engine/util/json.h"

namespace ot::trace_export {

struct ExportFile {
  std::string path;   // relative to the export directory, '/' separated
  std::string bytes;  // JSONL, one line per entry, '\n' terminated
};

// Claude Code: <trace>.jsonl plus <trace>/subagents/agent-<id>.jsonl per sub-agent.
std::vector<ExportFile> claude_code_files(const schema::TraceRecord& r);
// Codex: rollout-<start>-<trace>.jsonl.
std::vector<ExportFile> codex_files(const schema::TraceRecord& r);
// Pi: <start>_<trace>.jsonl (the active branch only).
std::vector<ExportFile> pi_files(const schema::TraceRecord& r);
// Dispatches on agent.name; an unknown agent gets no native files (empty).
std::vector<ExportFile> native_files(const schema::TraceRecord& r);

// STS: {"type":"session","harness",...} then one {"type":"message",...} per message.
ExportFile sts_file(const schema::TraceRecord& r);

namespace detail {
// A stable UUID-shaped id from a seed (the same record gives the same ids).
std::string uuid_from(const std::string& seed);
// The first `n` hex digits of sha256(seed).
std::string hex_id(const std::string& seed, size_t n);
// `ts` plus `ms` milliseconds, ISO-8601 UTC; `ts` unchanged when unparsable.
std::string iso_plus(const std::string& ts, int64_t ms);
// "2026-11-24T15:15:10.489Z" → "2026-11-24T15-15-10"
std::string file_stamp(const std::string& ts);
// Appends one JSON line.
void line(std::string& out, const json& j);
// The tool call of `step` with this id, or nullptr.
const schema::ToolCall* call_of(const schema::Step& step, const std::string& id);
}  // namespace detail

}  // namespace ot::trace_export
