#include "engine/dataset/run.h"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <set>

#include "engine/bucket/bucket.h"
#include "engine/dataset/builtin.h"
#include "engine/dataset/common.h"
#include "engine/dataset/manifest.h"
#include "engine/dataset/rows.h"
#include "engine/dataset/sanitize.h"
#include "engine/dataset/select.h"
#include "engine/dataset/traces.h"
#include "engine/dataset/units.h"
#include "engine/discovery/bursts.h"
#include "engine/schema/record.h"
#include "engine/project/project.h"
#include "engine/security/gate.h"
#include "engine/util/fs.h"
#include "engine/util/json_schema.h"
#include "engine/util/time.h"
#include "engine/util/process.h"
#include "engine/workflow/workflow.h"

namespace ot::dataset {

namespace {

// The last `max_lines` lines of `text` (for error messages and the run record).
std::string tail_lines(const std::string& text, int max_lines) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  size_t pos = t.size();
  for (int i = 0; i < max_lines && pos != std::string::npos && pos > 0; ++i) pos = t.rfind('\n', pos - 1);
  return pos == std::string::npos || pos == 0 ? t : t.substr(pos + 1);
}

std::string random_hex8() {
  std::random_device rd;
  char buf[9];
  snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

Error run_error(const std::string& code, const std::string& message, const std::string& hint = {},
                ExitCode exit = ExitCode::kResource) {
  return make_error(exit, code, "dataset run", message, hint);
}

// "<trace>:<A>-<B>" → (trace, A, B).
std::optional<std::tuple<std::string, int, int>> parse_source_ref(const std::string& ref) {
  size_t colon = ref.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string range = ref.substr(colon + 1);
  size_t dash = range.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 >= range.size()) return std::nullopt;
  auto digits = [](const std::string& s) { return !s.empty() && s.size() < 9 && std::all_of(s.begin(), s.end(), ::isdigit); };
  std::string a = range.substr(0, dash), b = range.substr(dash + 1);
  if (!digits(a) || !digits(b)) return std::nullopt;
  return std::make_tuple(ref.substr(0, colon), std::stoi(a), std::stoi(b));
}

}  // namespace

// The bucket's list filters stand in for the discovery query engine: scope, project,
// agent, model, skill, since. Query args the list cannot answer are reported.
Result<std::vector<Candidate>> select_candidates(bucket::Bucket& b, const json& manifest, const RunOptions& o,
                                                 int64_t since_ms, json& scope_out) {
  const json q = manifest.value("candidate_query", json());
  const json args = q.is_object() ? q.value("args", json::object()) : json::object();
  json facets = q.is_object() ? q.value("facets", json::object()) : json::object();
  for (auto it = o.facets.begin(); it != o.facets.end(); ++it) facets[it.key()] = it.value();
  std::string scope = !o.scope.empty() ? o.scope : q.is_object() ? q.value("scope", std::string("all-projects")) : "all-projects";
  if (!o.trace_ids.empty()) scope = "trace";

  bucket::ListOptions lo;
  lo.limit = 1000;
  std::string project = !o.project.empty() ? o.project : args.value("project", std::string());
  if (scope == "project" || scope == "cwd") {
    if (project.empty()) {
      std::error_code ec;
      auto p = project::find_project(fs::current_path(ec));
      if (!p.ok()) return p.error();
      if (!*p)
        return run_error("NO_PROJECT", "scope " + scope + " needs an enrolled project here",
                         "run inside an enrolled repository, or pass --project SLUG / --scope all-projects", ExitCode::kUsage);
      project = (*p)->slug;
    }
    lo.project = project;
  } else if (!project.empty()) {
    lo.project = project;
  }
  if (args.contains("agent")) lo.agent = args["agent"].get<std::string>();
  if (args.contains("model")) lo.model = args["model"].get<std::string>();
  if (args.contains("skill")) lo.skill = args["skill"].get<std::string>();
  if (facets.contains("model")) lo.model = facets["model"].get<std::string>();
  if (facets.contains("agent.name")) lo.agent = facets["agent.name"].get<std::string>();
  if (since_ms > 0) lo.since_ms = since_ms;
  json unsupported = json::array();
  for (const char* k : {"lex", "semantic", "source"})
    if (args.contains(k)) unsupported.push_back(k);
  scope_out = json{{"scope", scope},
                   {"project", project.empty() ? json() : json(project)},
                   {"trace_ids", o.trace_ids},
                   {"limit", o.limit > 0 ? json(o.limit) : json()},
                   {"since_ms", since_ms > 0 ? json(since_ms) : json()},
                   {"facets", facets},
                   {"query", q},
                   {"unsupported_query_args", unsupported}};

  std::vector<json> rows;
  if (scope == "trace") {
    if (o.trace_ids.empty())
      return run_error("NO_TRACE", "scope trace needs --trace ID", "pass --trace ID (repeatable)", ExitCode::kUsage);
    for (const auto& t : o.trace_ids) {
      auto id = b.resolve_prefix(t);
      if (!id.ok()) return id.error();
      auto r = b.row(*id);
      if (!r.ok()) return r.error();
      rows.push_back(*r);
    }
  } else {
    std::string cursor;
    do {
      lo.cursor = cursor;
      auto page = b.list(lo);
      if (!page.ok()) return page.error();
      for (auto& r : page->rows) rows.push_back(std::move(r));
      cursor = page->next_cursor;
    } while (!cursor.empty() && (o.limit <= 0 || static_cast<int>(rows.size()) < o.limit));
  }
  if (facets.contains("agent.version")) {
    std::string v = facets["agent.version"].get<std::string>();
    rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const json& r) { return r.value("agent_version", "") != v; }),
               rows.end());
  }
  if (o.limit > 0 && static_cast<int>(rows.size()) > o.limit) rows.resize(static_cast<size_t>(o.limit));
  std::vector<Candidate> out;
  for (auto& r : rows) {
    auto rec = b.get_record(r.value("trace_id", ""));
    if (!rec.ok()) return rec.error();
    out.push_back({std::move(r), std::move(*rec)});
  }
  return out;
}

// ---------------------------------------------------------------------------------
// dataset run

Result<RunResult> run_dataset(const std::string& name, const RunOptions& o) {
  auto dir = dataset_dir(name);
  if (!dir.ok()) return dir.error();
  auto probe = Dataset::open_dir(*dir);
  if (!probe.ok()) return probe.error();
  if (is_traces_dataset(probe->manifest())) return run_traces(name, o);
  if (probe->manifest()["workflow"].value("source_type", "") == "manual") {
    RunResult r;
    r.status = "manual_dataset_no_run_action";
    r.record = json{{"dataset_name", name}, {"message", "manual datasets have no workflow to run"}};
    return r;
  }
  if (!o.executor.empty() && o.executor != "script" && o.executor != "builtin")
    return run_error("EXECUTOR_UNAVAILABLE", "unknown executor '" + o.executor + "'", "use --executor script or builtin", ExitCode::kUsage);
  auto lock = DatasetLock::acquire(*dir, "run");
  if (!lock.ok()) return lock.error();
  auto dsr = Dataset::open_dir(*dir);
  if (!dsr.ok()) return dsr.error();
  Dataset& ds = *dsr;
  json manifest = ds.manifest();

  const std::string run_id = "run_" + stamp_compact() + "_" + random_hex8();
  const fs::path run_dir = ds.runs_dir() / run_id;
  json record{{"schema_version", kRunRecordSchema},
              {"run_id", run_id},
              {"dataset_name", name},
              {"dry_run", o.dry_run},
              {"trigger", o.trigger},
              {"executor", nullptr},
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
              {"status", "running"},
              {"error", nullptr},
              {"process", nullptr},
              {"artefacts", {{"run_dir", run_dir.string()}}}};
  std::error_code ec;
  auto write_record = [&] {
    (void)ensure_dir(ds.runs_dir());
    (void)write_file_atomic(ds.runs_dir() / (run_id + ".json"), pretty_json(record));
  };
  // Every failure from here on is recorded before it is returned.
  auto fail = [&](Error e) -> Error {
    record["status"] = "failed";
    record["finished_at"] = utc_now_iso();
    record["error"] = json{{"code", e.code}, {"message", e.message}};
    fs::remove_all(run_dir / "traces", ec);
    write_record();
    e.message = "run " + run_id + " failed: " + e.message + " (dataset unchanged)";
    if (e.hint.empty()) e.hint = "see " + (ds.runs_dir() / (run_id + ".json")).string();
    else e.hint += "; run record: " + (ds.runs_dir() / (run_id + ".json")).string();
    return e;
  };

  // Workflow: the pinned package, its digest checked.
  const fs::path wf_path = manifest["workflow"].value("source", "");
  auto wf = workflow::load(wf_path);
  if (!wf.ok()) return fail(wf.error());
  if (wf->digest != manifest["workflow"].value("digest", "")) {
    if (!o.repin)
      return fail(run_error("WORKFLOW_DIGEST_CHANGED",
                            "workflow " + wf->name + " changed since the dataset pinned it (" +
                                manifest["workflow"].value("digest", "") + " → " + wf->digest + ")",
                            "review the change, then run again with --repin to accept it"));
    manifest["workflow"]["digest"] = wf->digest;  // saved only when the run succeeds
    record["workflow_digest"] = wf->digest;
    record["repinned_from"] = ds.manifest()["workflow"].value("digest", "");
  }
  auto schema = JsonSchema::load(ds.schema_path());
  if (!schema.ok()) return fail(schema.error());

  std::string executor = o.executor.empty() ? manifest["executor"].value("default", "script") : o.executor;
  const std::string tmpl = workflow::pristine_template(*wf);
  if (o.executor.empty() && executor == "script" && !tmpl.empty() && has_builtin(tmpl)) executor = "builtin";
  if (executor == "builtin" && (tmpl.empty() || !has_builtin(tmpl)))
    return fail(run_error("EXECUTOR_UNAVAILABLE", "the built-in executor only runs unmodified shipped templates",
                          "run with --executor script", ExitCode::kResource));
  record["executor"] = executor;

  // Candidates.
  int64_t since_ms = 0;
  json cursor = json::object();
  if (auto t = read_file(ds.meta_dir() / "cursor.json"); t.ok())
    if (auto j = parse_json(*t, "cursor.json"); j.ok()) cursor = *j;
  if (o.since_last_run) since_ms = cursor.value("watermark_ms", int64_t{0});
  auto bucket = bucket::open_and_drain();
  if (!bucket.ok()) return fail(bucket.error());
  json scope;
  auto cands = select_candidates(**bucket, manifest, o, since_ms, scope);
  if (!cands.ok()) return fail(cands.error());
  record["scope"] = scope;
  record["candidate_count"] = cands->size();

  // Run packet: one record file per candidate, plus the units the workflow requires.
  OT_TRY_STATUS(ensure_dir(run_dir / "traces"));
  const bool want_bursts = std::count(wf->requires_.begin(), wf->requires_.end(), "bursts") > 0;
  const bool want_skills = std::count(wf->requires_.begin(), wf->requires_.end(), "skill_episodes") > 0;
  json packet{{"schema_version", kRunPacketSchema},
              {"run_id", run_id},
              {"created_at", utc_now_iso()},
              {"dataset", {{"name", name}, {"path", ds.dir().string()}}},
              {"workflow", {{"name", wf->name}, {"digest", wf->digest}, {"path", wf->path.string()},
                            {"config", manifest["workflow"].value("config", json::object())}}},
              {"scope", scope},
              {"output_path", (run_dir / "output.jsonl").string()},
              {"candidates", json::array()}};
  std::map<std::string, int64_t> step_counts;
  int64_t watermark = cursor.value("watermark_ms", int64_t{0});
  for (const auto& c : *cands) {
    const std::string tid = c.row.value("trace_id", "");
    fs::path rp = run_dir / "traces" / (tid + ".json");
    if (auto s = write_file_atomic(rp, canonical_json(c.record), 0600); !s.ok()) return fail(s.error());
    json units = json::array();
    if (want_bursts) {
      // discovery's bursts, with the trace's hook events and the Trails notes of its repository.
      auto rec = schema::record_from_json(c.record);
      if (!rec.ok()) return fail(rec.error());
      auto ctx = discovery::burst_context(**bucket, *rec, true);
      if (!ctx.ok()) return fail(ctx.error());
      auto bursts = change_bursts(c.record, *ctx);
      if (!bursts.ok()) return fail(bursts.error());
      for (auto& u : *bursts) units.push_back(std::move(u));
    }
    if (want_skills)
      for (auto& u : skill_episodes(c.record)) units.push_back(std::move(u));
    packet["candidates"].push_back(json{{"trace_id", tid},
                                        {"record_path", rp.string()},
                                        {"record_ref",
                                         {{"trace_id", tid},
                                          {"project_slug", c.row.value("project_slug", "")},
                                          {"record_hash", c.row.value("record_hash", "")},
                                          {"generation", c.row.value("generation", 0)}}},
                                        {"step_count", c.record.contains("steps") ? c.record["steps"].size() : 0},
                                        {"units", units}});
    step_counts[tid] = c.record.contains("steps") ? static_cast<int64_t>(c.record["steps"].size()) : 0;
    if (auto w = ms_from_iso(c.row.value("written_at", "")); w && *w + 1 > watermark) watermark = *w + 1;
  }
  bucket->reset();  // release the LevelDB lock while the workflow runs
  const fs::path packet_path = run_dir / "packet.json";
  const fs::path output_path = run_dir / "output.jsonl";
  if (auto s = write_file_atomic(packet_path, pretty_json(packet), 0600); !s.ok()) return fail(s.error());
  record["artefacts"]["packet"] = packet_path.string();
  record["artefacts"]["output"] = output_path.string();
  fs::remove(output_path, ec);

  // Execute.
  if (executor == "script") {
    ProcessOptions po;
    const std::vector<std::string> argv{wf->script_path().string()};  // argv only: never a shell string
    po.env = {{"OT_RUN_PACKET", packet_path.string()},
              {"OT_DATASET_OUTPUT", output_path.string()},
              {"OT_DATASET_NAME", name},
              {"OT_RUN_ID", run_id}};
    po.cwd = wf->path;
    po.max_output_bytes = 16u << 20;
    int timeout_s = o.timeout_seconds.value_or(manifest["executor"].value("timeout_seconds",
                                                                          manifest["executor"].value("timeout_minutes", 30) * 60));
    po.timeout_ms = std::max(1, timeout_s) * 1000;
    if (o.progress) o.progress(0, cands->size(), "running " + wf->name);
    const int64_t t0 = now_ms();
    auto pr = run_process(argv, po);
    if (!pr.ok()) {
      Error e = pr.error();
      e.exit = ExitCode::kResource;
      e.hint = "check the workflow's " + wf->entrypoint + " exists and is executable (chmod +x)";
      return fail(e);
    }
    (void)write_file_atomic(run_dir / "stdout.log", pr->out);
    (void)write_file_atomic(run_dir / "stderr.log", pr->err);
    record["artefacts"]["stdout"] = (run_dir / "stdout.log").string();
    record["artefacts"]["stderr"] = (run_dir / "stderr.log").string();
    const int signal = !pr->timed_out && pr->exit_code > 128 ? pr->exit_code - 128 : 0;
    record["process"] = json{{"argv", argv},
                             {"exit_code", pr->exit_code},
                             {"signal", signal},
                             {"timed_out", pr->timed_out},
                             {"duration_ms", now_ms() - t0},
                             {"timeout_ms", po.timeout_ms},
                             {"stdout_bytes", pr->out.size()},
                             {"stderr_bytes", pr->err.size()},
                             {"stdout_tail", tail_lines(pr->out, 20)},
                             {"stderr_tail", tail_lines(pr->err, 20)}};
    if (pr->timed_out)
      return fail(run_error("WORKFLOW_TIMEOUT", "workflow " + wf->name + " ran past its timeout of " + std::to_string(timeout_s) + " s and was killed",
                            "make the script faster, narrow the run (--limit, --trace), or raise executor.timeout_minutes"));
    if (pr->exit_code != 0) {
      std::string why = signal ? "was killed by signal " + std::to_string(signal)
                               : "exited with status " + std::to_string(pr->exit_code);
      std::string tail = tail_lines(pr->err, 5);
      return fail(run_error("WORKFLOW_FAILED", "workflow " + wf->name + " " + why + (tail.empty() ? "" : ": " + tail),
                            "fix the workflow script (" + wf->script_path().string() + ")"));
    }
  } else {
    std::string out;
    size_t i = 0;
    for (const auto& cand : packet["candidates"]) {
      if (o.progress) o.progress(i, cands->size(), cand["trace_id"].get<std::string>());
      auto rows = builtin_rows(tmpl, packet, cand, (*cands)[i].record);
      if (!rows.ok()) return fail(rows.error());
      for (const auto& r : *rows) out += canonical_json(r) + "\n";
      ++i;
    }
    if (o.progress) o.progress(i, cands->size(), "done");
    if (auto s = write_file_atomic(output_path, out); !s.ok()) return fail(s.error());
  }
  fs::remove_all(run_dir / "traces", ec);

  // Rows: provenance → sanitize → validate → identity → dedupe.
  auto emitted = read_output(output_path);
  if (!emitted.ok()) return fail(emitted.error());
  record["emitted_count"] = emitted->size();
  std::map<std::string, const Candidate*> by_trace;
  for (const auto& c : *cands) by_trace[c.row.value("trace_id", "")] = &c;
  const auto tools = effective_tools(manifest);
  const std::string tier = manifest["security"].is_object() ? manifest["security"].value("privacy_tier", "medium") : "medium";
  auto sanitizer = RowSanitizer::make(tools, tier);
  if (!sanitizer.ok()) return fail(sanitizer.error());
  // Each source trace judged by the egress gate under the machine policy as it is now:
  // rows keep the verdict, and evaluate_states() blocks rows whose source is not cleared.
  auto policy = security::load_policy();
  if (!policy.ok()) return fail(policy.error());
  std::map<std::string, json> source_security;
  json uncleared = json::array();
  for (const auto& c : *cands) {
    const std::string tid = c.row.value("trace_id", "");
    security::Clearance cl = security::clear_for_egress(c.row, *policy);
    const bool scanned = c.row.value("scanned", false);
    const std::string version = c.row.value("security_version", "");
    source_security[tid] = json{{"source_scanned", scanned},
                                {"source_security_version", version},
                                {"security_stale", scanned && version != policy->version},
                                {"source_cleared", cl.cleared},
                                {"source_clearance", cl.cleared ? json() : json(cl.reason)}};
    if (!cl.cleared) uncleared.push_back(json{{"trace_id", tid}, {"reason", cl.reason}});
  }
  record["uncleared_sources"] = uncleared;
  // Existing rows a later run found again: their recorded security is brought up to date.
  std::map<std::string, json> refresh;
  std::vector<std::pair<RowIndexEntry, json>> add;
  std::vector<RowState> states;
  std::set<std::string> run_ids;
  int64_t duplicates = 0;
  int line = 0;
  for (const auto& row : *emitted) {
    ++line;
    const std::string where = "row " + std::to_string(line);
    auto ref = parse_source_ref(row.value("source_ref", ""));
    if (!ref) {
      record["validation_error_count"] = record["validation_error_count"].get<int>() + 1;
      return fail(run_error("ROW_PROVENANCE_INVALID", where + " has no valid source_ref (\"<trace_id>:<A>-<B>\")",
                            "every row must say which trace and steps it came from"));
    }
    auto [tid, a, b] = *ref;
    auto cit = by_trace.find(tid);
    if (cit == by_trace.end() || a > b || b >= std::max<int64_t>(step_counts[tid], 1)) {
      record["validation_error_count"] = record["validation_error_count"].get<int>() + 1;
      return fail(run_error("ROW_PROVENANCE_INVALID",
                            where + " source_ref " + row.value("source_ref", "") +
                                (cit == by_trace.end() ? " names a trace that is not a candidate of this run"
                                                       : " is outside the trace's " + std::to_string(step_counts[tid]) + " steps"),
                            "rows may only cite the run packet's candidates"));
    }
    auto san = sanitizer->sanitize(row, tid);
    if (!san.ok()) return fail(san.error());
    auto v = schema->validate(san->row);
    if (!v.empty()) {
      record["validation_error_count"] = record["validation_error_count"].get<int>() + 1;
      return fail(run_error("ROW_SCHEMA_INVALID", where + " (" + row.value("source_ref", "") + ") fails the row schema: " +
                                                      JsonSchema::summarize(v),
                            "fix the workflow so its rows match schemas/row.schema.json"));
    }
    RowIndexEntry e;
    e.identity_hash = json_digest(identity_input(san->row, manifest));
    e.payload_hash = json_digest(san->row);
    json security = json{{"privacy_tier", tier},
                         {"requested_tools", tools},
                         {"tools_applied", san->tools_applied},
                         {"redactions_applied", san->redactions_applied},
                         {"findings", san->findings},
                         {"security_version", san->security_version}};
    security.update(source_security[tid]);
    if (const RowIndexEntry* old = ds.find_identity(e.identity_hash)) {
      // The same payload sanitized again: all of its security is current. Another payload
      // under the same identity fields: only the source trace's verdict is.
      json now = old->provenance.security;
      if (old->payload_hash == e.payload_hash) now.update(security);
      else now.update(source_security[tid]);
      if (now != old->provenance.security) refresh[old->row_id] = now;
    }
    if (ds.has_identity(e.identity_hash) || !run_ids.insert(e.identity_hash).second) {
      ++duplicates;
      continue;
    }
    const json& lr = cit->second->row;
    e.row_id = "row_" + e.identity_hash.substr(7, 16);
    e.schema_digest = manifest["schema"].value("digest", "");
    e.run_id = run_id;
    e.appended_at = utc_now_iso();
    e.provenance.source_ref = row["source_ref"];
    e.provenance.trace_id = tid;
    e.provenance.step_range = std::make_pair(a, b);
    e.provenance.unit_id = row.value("unit_id", "");
    e.provenance.record_ref = json{{"trace_id", tid},
                                   {"project_slug", lr.value("project_slug", "")},
                                   {"record_hash", lr.value("record_hash", "")},
                                   {"generation", lr.value("generation", 0)}};
    e.provenance.security = std::move(security);
    RowState s;
    s.row_id = e.row_id;
    s.updated_at = e.appended_at;
    states.push_back(s);
    add.emplace_back(std::move(e), std::move(san->row));
  }
  record["duplicate_count"] = duplicates;
  record["would_append_count"] = add.size();
  record["refreshed_count"] = refresh.size();

  RunResult result;
  result.status = "ok";
  if (!o.dry_run) {
    if (manifest != ds.manifest())
      if (auto s = ds.save_manifest(manifest); !s.ok()) return fail(s.error());
    if (auto s = ds.refresh_security(refresh); !s.ok()) return fail(s.error());
    if (auto s = ds.append(add, states); !s.ok()) return fail(s.error());
    auto review = settle_appended(ds, add, o.approve_new);
    if (!review.ok()) return fail(review.error());
    if (o.approve_new) result.review = std::move(review).value();
    record["appended_count"] = add.size();
    cursor = json{{"last_run_id", run_id}, {"last_finished_at", utc_now_iso()}, {"watermark_ms", watermark}};
    if (auto s = write_file_atomic(ds.meta_dir() / "cursor.json", pretty_json(cursor)); s.ok()) result.cursor_advanced = true;
  }
  if (!o.dry_run) {
    // The packet's units and the workflow's raw output hold unsanitized trace text: once
    // the rows are in train.jsonl (redacted) they go. Dry runs and failed runs keep them
    // to look at; they never leave the machine.
    fs::remove(output_path, ec);
    fs::remove(packet_path, ec);
    record["artefacts"].erase("output");
    record["artefacts"].erase("packet");
  }
  record["status"] = "succeeded";
  record["finished_at"] = utc_now_iso();
  write_record();
  result.record = record;
  return result;
}

Result<std::vector<json>> list_runs(const std::string& name) {
  auto ds = Dataset::open(name);
  if (!ds.ok()) return ds.error();
  std::vector<json> out;
  std::error_code ec;
  if (!fs::is_directory(ds->runs_dir(), ec)) return out;
  for (const auto& e : fs::directory_iterator(ds->runs_dir(), ec)) {
    if (e.path().extension() != ".json") continue;
    auto t = read_file(e.path());
    if (!t.ok()) continue;
    auto j = parse_json(*t, e.path().string());
    if (j.ok()) out.push_back(std::move(*j));
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return a.value("started_at", "") > b.value("started_at", ""); });
  return out;
}

}  // namespace ot::dataset
