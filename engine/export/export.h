// `trace export`: selected traces → redacted session files (native agent JSONL or STS)
// in a directory, behind the egress gate (docs/trace-export.md).
//
//   auto policy = security::load_policy();
//   ExportOptions o; o.ids = {"7004"}; o.out_dir = "out"; o.format = "native";
//   auto rep = export_traces(*bucket, *policy, o);
//   if (!rep->withheld.empty()) ...   // nothing was written; exit 9 unless allow_findings
//
// Every selected trace passes security::clear_for_egress first. A refusal (unscanned,
// stale, open findings, ...) withholds the WHOLE export — no file is written — unless
// `allow_findings`, in which case the refused traces are exported and their open
// findings are listed in the report. A cleared trace's current generation is already
// redacted by the current policy and version (what the gate checks); a trace exported past
// the gate goes through security::sanitize now (field by field: strings are replaced in
// place, so a redacted tool input is still the same JSON shape). Home directories are
// scrubbed to "~" in both cases before the files are written.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/export/formats.h"
#include "engine/security/policy.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::trace_export {

inline constexpr const char* kExportSchema = "opentraces.trace.export.v1";

struct ExportOptions {
  std::vector<std::string> ids;        // trace ids or unique prefixes
  std::optional<int64_t> since_ms;     // or: traces written to the bucket at or after this
  std::optional<std::string> agent, project;  // narrow a --since selection
  std::string format = "native";       // native | sts
  std::filesystem::path out_dir;
  bool allow_findings = false;
  std::string home;                    // home directory to scrub; empty = $HOME
};

struct TraceExport {
  std::string trace_id, agent;
  std::vector<std::string> files;      // paths relative to out_dir
  int64_t bytes = 0;
  int redactions = 0;                  // replacements made at export time
  json clearance;                      // security::Clearance::to_json()
  json open_findings = json::array();  // listed when exported despite a refusal
};

struct ExportReport {
  std::string format;
  std::filesystem::path out_dir;
  std::vector<TraceExport> exported;
  std::vector<json> withheld;          // {trace_id, reason, detail, next_step, open_findings}
  int64_t bytes = 0, files = 0;
  ordered_json to_json() const;        // payload after {status, schema_version}
};

// The session files of one TraceRecord (wire JSON, already redacted) in `format`: `home`
// scrubbed to "~" first (empty = none), paths "<agent>/..." (native) or "sts/<trace>.jsonl".
// The building block of export_traces and of traces datasets (engine/dataset/traces.h).
// INVALID_FORMAT (2), RECORD_INVALID from the record, NATIVE_FORMAT_UNKNOWN (2).
Result<std::vector<ExportFile>> session_files(json record, const std::string& format, const std::string& home);

// $HOME without trailing slashes; "" when unset or "/".
std::string home_dir();

// The record's open (unresolved) security findings, as stored by `bucket security run`.
json open_findings_of(const json& record);

// Redaction placeholders in `bytes` by kind: "[REDACTED:<type>]" counts under <type>,
// "[USER:<token>]" (a user name in a home path) under "home_path_user".
std::map<std::string, int64_t> placeholder_counts(const std::string& bytes);

// INVALID_FORMAT / NOTHING_SELECTED (exit 2); TRACE_NOT_FOUND (6) / AMBIGUOUS_TRACE_PREFIX (2)
// from the id lookup; NATIVE_FORMAT_UNKNOWN (2) for an agent with no native writer.
Result<ExportReport> export_traces(bucket::Bucket& b, const security::Policy& policy, const ExportOptions& o);

}  // namespace ot::trace_export
