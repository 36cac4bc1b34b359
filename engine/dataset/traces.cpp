// Traces datasets: rows that are whole redacted sessions (traces.h).
#include "engine/dataset/traces.h"

#include <random>
#include <set>

#include "engine/dataset/common.h"
#include "engine/dataset/manifest.h"
#include "engine/dataset/rows.h"
#include "engine/dataset/sanitize.h"
#include "engine/dataset/select.h"
#include "engine/export/export.h"
#include "engine/security/gate.h"
#include "engine/util/fs.h"
#include "engine/util/hash.h"
#include "engine/util/json_schema.h"
#include "engine/util/time.h"

namespace ot::dataset {

namespace {

const char* kSchema = R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "opentraces.dataset.trace_row.v1",
  "title": "One redacted agent session",
  "description": "A captured AI coding-agent session, redacted and published as session files the Hub's trace viewer reads (the agent's own JSONL, or the Session Trace Simple Format). The row indexes the files; the files are the data.",
  "type": "object",
  "required": ["source_ref", "trace_id", "agent", "format", "session", "files", "steps", "tool_calls", "redactions"],
  "additionalProperties": false,
  "properties": {
    "source_ref": {"type": "string", "description": "<trace_id>:0-<last step>: the whole trace"},
    "trace_id": {"type": "string", "description": "the captured trace (the agent's session id)"},
    "agent": {
      "type": "object",
      "required": ["name"],
      "additionalProperties": false,
      "description": "agent name (claude-code, codex, pi), version and main model",
      "properties": {"name": {"type": "string"}, "version": {"type": ["string", "null"]}, "model": {"type": ["string", "null"]}}
    },
    "format": {"enum": ["native", "sts"], "description": "native: the agent's own JSONL; sts: Session Trace Simple Format"},
    "session": {"type": "string", "pattern": "^sessions/", "description": "repository path of the main session file"},
    "files": {
      "type": "array",
      "minItems": 1,
      "description": "every file of the session (the main one first, then sub-agent transcripts)",
      "items": {
        "type": "object",
        "required": ["path", "sha256", "bytes", "role"],
        "additionalProperties": false,
        "properties": {
          "path": {"type": "string", "pattern": "^sessions/"},
          "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
          "bytes": {"type": "integer", "minimum": 0},
          "role": {"enum": ["session", "subagent"]}
        }
      }
    },
    "steps": {"type": "integer", "minimum": 0, "description": "steps of the trace"},
    "tool_calls": {"type": "integer", "minimum": 0, "description": "tool calls of the trace"},
    "redactions": {
      "type": "object",
      "required": ["total", "by_kind"],
      "additionalProperties": false,
      "description": "redaction placeholders in the files, by kind ([REDACTED:<kind>], home_path_user for [USER:...])",
      "properties": {
        "total": {"type": "integer", "minimum": 0},
        "by_kind": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
      }
    }
  }
}
)JSON";

std::string random_hex8() {
  std::random_device rd;
  char buf[9];
  snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

json str_or_null(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() && !j[k].get<std::string>().empty() ? j[k] : json();
}

// The row of one session: the files (already written by session_files) and the record's shape.
json session_row(const std::string& tid, const json& record, const std::string& format,
                 const std::vector<trace_export::ExportFile>& files) {
  const json steps = record.value("steps", json::array());
  int64_t calls = 0;
  for (const auto& s : steps)
    if (s.contains("tool_calls") && s["tool_calls"].is_array()) calls += static_cast<int64_t>(s["tool_calls"].size());
  json fj = json::array();
  std::map<std::string, int64_t> kinds;
  int64_t total = 0;
  for (const auto& f : files) {
    fj.push_back(json{{"path", "sessions/" + f.path},
                      {"sha256", sha256_hex(f.bytes)},
                      {"bytes", f.bytes.size()},
                      {"role", f.path.find("/subagents/") == std::string::npos ? "session" : "subagent"}});
    for (const auto& [k, n] : trace_export::placeholder_counts(f.bytes)) {
      kinds[k] += n;
      total += n;
    }
  }
  json by_kind = json::object();
  for (const auto& [k, n] : kinds) by_kind[k] = n;
  const json agent = record.value("agent", json::object());
  const int64_t last = std::max<int64_t>(static_cast<int64_t>(steps.size()) - 1, 0);
  return json{{"source_ref", tid + ":0-" + std::to_string(last)},
              {"trace_id", tid},
              {"agent", {{"name", agent.value("name", "")}, {"version", str_or_null(agent, "version")}, {"model", str_or_null(agent, "model")}}},
              {"format", format},
              {"session", fj[0]["path"]},
              {"files", fj},
              {"steps", steps.size()},
              {"tool_calls", calls},
              {"redactions", {{"total", total}, {"by_kind", by_kind}}}};
}

Error traces_error(const std::string& code, const std::string& message, const std::string& hint = {},
                   ExitCode exit = ExitCode::kResource) {
  return make_error(exit, code, "dataset run", message, hint);
}

}  // namespace

bool is_traces_dataset(const json& manifest) {
  return manifest.is_object() && manifest.contains("workflow") && manifest["workflow"].is_object() &&
         manifest["workflow"].value("source_type", "") == kTracesSourceType;
}

const std::string& trace_row_schema_text() {
  static const std::string s = kSchema;
  return s;
}

json traces_workflow(const std::string& format, bool allow_findings) {
  return json{{"skill", "traces"},
              {"digest", "sha256:" + sha256_hex(trace_row_schema_text())},
              {"source", nullptr},
              {"source_type", kTracesSourceType},
              {"config", {{"format", format}, {"allow_findings", allow_findings}}}};
}

std::filesystem::path session_file_path(const std::filesystem::path& dataset_dir, const std::string& row_id,
                                        const std::string& repo_path) {
  std::string rel = repo_path.rfind("sessions/", 0) == 0 ? repo_path.substr(9) : repo_path;
  return dataset_dir / "sessions" / row_id / rel;
}

Result<RunResult> run_traces(const std::string& name, const RunOptions& o) {
  auto dir = dataset_dir(name);
  if (!dir.ok()) return dir.error();
  auto lock = DatasetLock::acquire(*dir, "run");
  if (!lock.ok()) return lock.error();
  auto dsr = Dataset::open_dir(*dir);
  if (!dsr.ok()) return dsr.error();
  Dataset& ds = *dsr;
  const json manifest = ds.manifest();
  const json config = manifest["workflow"].value("config", json::object());
  const std::string format = config.value("format", std::string("native"));
  const bool allow = o.allow_findings || config.value("allow_findings", false);

  const std::string run_id = "run_" + stamp_compact() + "_" + random_hex8();
  json record{{"schema_version", kRunRecordSchema},
              {"run_id", run_id},
              {"dataset_name", name},
              {"dry_run", o.dry_run},
              {"trigger", o.trigger},
              {"executor", "traces"},
              {"format", format},
              {"allow_findings", allow},
              {"scope", nullptr},
              {"workflow_digest", manifest["workflow"].value("digest", "")},
              {"schema_digest", manifest["schema"].value("digest", "")},
              {"started_at", utc_now_iso()},
              {"finished_at", nullptr},
              {"candidate_count", 0},
              {"emitted_count", 0},
              {"appended_count", 0},
              {"duplicate_count", 0},
              {"validation_error_count", 0},
              {"would_append_count", 0},
              {"withheld_count", 0},
              {"withheld", json::array()},
              {"status", "running"},
              {"error", nullptr},
              {"process", nullptr},
              {"artefacts", {{"run_dir", (ds.runs_dir() / run_id).string()}}}};
  std::error_code ec;
  std::vector<fs::path> written;  // row directories this run created (removed on failure)
  auto write_record = [&] {
    (void)ensure_dir(ds.runs_dir());
    (void)write_file_atomic(ds.runs_dir() / (run_id + ".json"), pretty_json(record));
  };
  auto fail = [&](Error e) -> Error {
    for (const auto& d : written) fs::remove_all(d, ec);
    record["status"] = "failed";
    record["finished_at"] = utc_now_iso();
    record["error"] = json{{"code", e.code}, {"message", e.message}};
    write_record();
    e.message = "run " + run_id + " failed: " + e.message + " (dataset unchanged)";
    if (e.hint.empty()) e.hint = "see " + (ds.runs_dir() / (run_id + ".json")).string();
    return e;
  };

  auto schema = JsonSchema::load(ds.schema_path());
  if (!schema.ok()) return fail(schema.error());
  json cursor = json::object();
  if (auto t = read_file(ds.meta_dir() / "cursor.json"); t.ok())
    if (auto j = parse_json(*t, "cursor.json"); j.ok()) cursor = *j;
  const int64_t since_ms = o.since_last_run ? cursor.value("watermark_ms", int64_t{0}) : 0;
  auto bucket = bucket::open_and_drain();
  if (!bucket.ok()) return fail(bucket.error());
  json scope;
  auto cands = select_candidates(**bucket, manifest, o, since_ms, scope);
  if (!cands.ok()) return fail(cands.error());
  bucket->reset();  // the records are in memory; release the LevelDB lock
  record["scope"] = scope;
  record["candidate_count"] = cands->size();

  auto policy = security::load_policy();
  if (!policy.ok()) return fail(policy.error());
  const auto tools = effective_tools(manifest);
  const std::string tier = manifest["security"].is_object() ? manifest["security"].value("privacy_tier", "medium") : "medium";
  auto sanitizer = RowSanitizer::make(tools, tier);
  if (!sanitizer.ok()) return fail(sanitizer.error());
  const std::string home = trace_export::home_dir();

  std::vector<std::pair<RowIndexEntry, json>> add;
  std::vector<RowState> states;
  std::map<std::string, json> refresh;
  std::set<std::string> run_ids;
  int64_t duplicates = 0, emitted = 0, bytes = 0;
  int64_t watermark = cursor.value("watermark_ms", int64_t{0});
  // Rows already built by this security version, tier and tools, keyed by trace|record_hash:
  // the same record gives the same bytes again, so it is not rebuilt (only its verdict moves).
  std::map<std::string, const RowIndexEntry*> built;
  for (const auto& e : ds.index()) {
    const json& sec = e.provenance.security;
    if (sec.value("security_version", "") == policy->version && sec.value("privacy_tier", "") == tier &&
        sec.value("requested_tools", json()) == json(tools) && e.provenance.record_ref.is_object())
      built[e.provenance.trace_id + "|" + e.provenance.record_ref.value("record_hash", "")] = &e;
  }
  size_t i = 0;
  for (const auto& c : *cands) {
    const std::string tid = c.row.value("trace_id", "");
    if (o.progress) o.progress(i++, cands->size(), tid);
    if (auto w = ms_from_iso(c.row.value("written_at", "")); w && *w + 1 > watermark) watermark = *w + 1;
    // The gate: a refused trace gives no row and no file unless the override is on.
    security::Clearance cl = security::clear_for_egress(c.row, *policy);
    json open = cl.cleared ? json::array() : trace_export::open_findings_of(c.record);
    if (!cl.cleared && !allow) {
      record["withheld"].push_back(json{{"trace_id", tid}, {"reason", cl.reason}, {"detail", cl.detail},
                                        {"next_step", cl.next_step}, {"open_findings", open}});
      continue;
    }
    const bool scanned = c.row.value("scanned", false);
    const std::string version = c.row.value("security_version", "");
    json source{{"source_scanned", scanned},
                {"source_security_version", version},
                {"security_stale", scanned && version != policy->version},
                {"source_cleared", cl.cleared},
                {"source_clearance", cl.cleared ? json() : json(cl.reason)}};
    if (!cl.cleared) {  // exported past the gate on purpose: say so on the row, with the findings
      source["egress_override"] = "allow_findings";
      source["open_findings"] = open;
    }
    if (auto same = built.find(tid + "|" + c.row.value("record_hash", "")); same != built.end()) {
      json now = same->second->provenance.security;
      now.update(source);
      if (now != same->second->provenance.security) refresh[same->second->row_id] = now;
      ++duplicates;
      continue;
    }
    // The dataset's tools at its tier over the whole record, then the files from it.
    auto clean = sanitizer->sanitize(c.record, tid);
    if (!clean.ok()) return fail(clean.error());
    auto files = trace_export::session_files(clean->row, format, home);
    if (!files.ok()) return fail(files.error());
    json row = session_row(tid, clean->row, format, *files);
    auto v = schema->validate(row);
    if (!v.empty()) {
      record["validation_error_count"] = record["validation_error_count"].get<int>() + 1;
      return fail(traces_error("ROW_SCHEMA_INVALID", "the row of trace " + tid + " fails the row schema: " + JsonSchema::summarize(v),
                               "report this: traces rows are built by git-opentraces itself"));
    }
    ++emitted;
    json security{{"privacy_tier", tier},
                  {"requested_tools", tools},
                  {"tools_applied", clean->tools_applied},
                  {"redactions_applied", clean->redactions_applied},
                  {"findings", clean->findings},
                  {"security_version", clean->security_version}};
    security.update(source);
    RowIndexEntry e;
    e.identity_hash = json_digest(identity_input(row, manifest));
    e.payload_hash = json_digest(row);
    if (const RowIndexEntry* old = ds.find_identity(e.identity_hash)) {
      json now = old->provenance.security;
      now.update(security);
      if (now != old->provenance.security) refresh[old->row_id] = now;
    }
    if (ds.has_identity(e.identity_hash) || !run_ids.insert(e.identity_hash).second) {
      ++duplicates;
      continue;
    }
    e.row_id = "row_" + e.identity_hash.substr(7, 16);
    e.schema_digest = manifest["schema"].value("digest", "");
    e.run_id = run_id;
    e.appended_at = utc_now_iso();
    e.provenance.source_ref = row["source_ref"];
    e.provenance.trace_id = tid;
    e.provenance.step_range = std::make_pair(0, static_cast<int>(std::max<int64_t>(row["steps"].get<int64_t>() - 1, 0)));
    e.provenance.record_ref = json{{"trace_id", tid},
                                   {"project_slug", c.row.value("project_slug", "")},
                                   {"record_hash", c.row.value("record_hash", "")},
                                   {"generation", c.row.value("generation", 0)}};
    e.provenance.security = std::move(security);
    if (!o.dry_run) {
      fs::path rowdir = ds.dir() / "sessions" / e.row_id;
      fs::remove_all(rowdir, ec);  // leftovers of a crashed run that never appended this row
      written.push_back(rowdir);
      for (const auto& f : *files) {
        fs::path target = session_file_path(ds.dir(), e.row_id, "sessions/" + f.path);
        if (auto s = ensure_dir(target.parent_path()); !s.ok()) return fail(s.error());
        if (auto s = write_file_atomic(target, f.bytes, 0600); !s.ok()) return fail(s.error());
        bytes += static_cast<int64_t>(f.bytes.size());
      }
    }
    RowState s;
    s.row_id = e.row_id;
    s.updated_at = e.appended_at;
    states.push_back(s);
    add.emplace_back(std::move(e), std::move(row));
  }
  if (o.progress) o.progress(cands->size(), cands->size(), "done");
  record["withheld_count"] = record["withheld"].size();
  record["emitted_count"] = emitted;
  record["duplicate_count"] = duplicates;
  record["would_append_count"] = add.size();
  record["refreshed_count"] = refresh.size();
  record["session_bytes"] = bytes;

  RunResult result;
  result.status = "ok";
  if (!o.dry_run) {
    if (auto s = ds.refresh_security(refresh); !s.ok()) return fail(s.error());
    if (auto s = ds.append(add, states); !s.ok()) return fail(s.error());
    written.clear();  // the rows are in: their files stay whatever happens next
    auto review = settle_appended(ds, add, o.approve_new);
    if (!review.ok()) return fail(review.error());
    if (o.approve_new) result.review = std::move(review).value();
    record["appended_count"] = add.size();
    cursor = json{{"last_run_id", run_id}, {"last_finished_at", utc_now_iso()}, {"watermark_ms", watermark}};
    if (auto s = write_file_atomic(ds.meta_dir() / "cursor.json", pretty_json(cursor)); s.ok()) result.cursor_advanced = true;
  }
  record["status"] = "succeeded";
  record["finished_at"] = utc_now_iso();
  write_record();
  result.record = record;
  return result;
}

}  // namespace ot::dataset
