// Traces datasets (`dataset new NAME --traces`): every row is one whole captured session,
// redacted and written as session files in the agent's own JSONL (`native`: Claude Code
// with its sub-agent files, Codex, Pi) or in the Hub's Session Trace Simple Format (`sts`),
// by engine/export. Review and `dataset publish` treat them like any other rows; publish
// also uploads each row's session files (docs/datasets.md, docs/publish.md).
//
// A run (dataset run on a traces dataset): candidates as for workflow datasets (the
// manifest's candidate_query, the run flags) → each source trace through the egress gate:
// refused traces (unscanned, stale, open findings, ...) are WITHHELD — no row, no file,
// listed in the run record — unless allow_findings (manifest or run flag), in which case
// the row records the override and the findings → the record sanitized by the dataset's
// tools at its privacy tier (RowSanitizer, as rows are) → session files rebuilt from it,
// home directory scrubbed → one row {trace_id, agent, format, session, files[{path, sha256,
// bytes, role}], steps, tool_calls, redactions{total, by_kind}} validated against the
// pinned schema, identity = payload hash → files written under
// <dataset>/sessions/<row_id>/<agent|sts>/..., rows appended all at once.
#pragma once

#include <filesystem>
#include <string>

#include "engine/dataset/run.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

inline constexpr const char* kTracesSourceType = "traces";
inline constexpr const char* kTraceRowSchemaId = "opentraces.dataset.trace_row.v1";

// workflow.source_type == "traces".
bool is_traces_dataset(const json& manifest);

// The row JSON Schema pinned by every traces dataset (.opentraces/row.schema.json).
const std::string& trace_row_schema_text();

// The manifest's workflow section for a traces dataset: {skill:"traces", digest, source:null,
// source_type:"traces", config{format, allow_findings}}.
json traces_workflow(const std::string& format, bool allow_findings);

// Where the local copy of a row's file lives: <dataset>/sessions/<row_id>/<repo path
// without its leading "sessions/">. `repo_path` is a row's files[].path.
std::filesystem::path session_file_path(const std::filesystem::path& dataset_dir, const std::string& row_id,
                                        const std::string& repo_path);

// `dataset run` of a traces dataset (run_dataset dispatches here).
Result<RunResult> run_traces(const std::string& name, const RunOptions& o);

}  // namespace ot::dataset
