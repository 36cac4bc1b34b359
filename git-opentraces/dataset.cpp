// `git opentraces dataset`: local Hugging-Face-shaped datasets built by workflows —
// new, run, list, status, review, remove (docs/datasets.md). Engine: engine/dataset/.
// `dataset remote` and `dataset publish` live in dataset_remote.cpp.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "engine/dataset/manifest.h"
#include "engine/dataset/rows.h"
#include "engine/dataset/run.h"
#include "engine/dataset/sanitize.h"
#include "engine/dataset/schedule.h"
#include "engine/dataset/traces.h"
#include "engine/util/fs.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

std::pair<std::string, std::string> split_kv(const std::string& kv, const char* flag) {
  size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0)
    cli::fail(ExitCode::kUsage, "INVALID_ARGUMENT", "dataset", std::string(flag) + " expects NAME=VALUE, got '" + kv + "'");
  return {kv.substr(0, eq), kv.substr(eq + 1)};
}

json counts_json(const std::map<std::string, int64_t>& c) {
  json j = json::object();
  for (const auto& [k, v] : c) j[k] = v;
  return j;
}

std::string counts_line(const std::map<std::string, int64_t>& c) {
  std::string s;
  for (const auto& [k, v] : c)
    if (v) s += (s.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return s.empty() ? "no rows" : s;
}

// --- new ---

struct NewFlags {
  dataset::NewOptions o;
  std::string q_name, q_scope, q_lex, q_semantic, q_source, q_project, q_kind;
  std::vector<std::string> q_args, facets;
};

void run_new(NewFlags f) {
  json q = json::object();
  json args = json::object();
  if (!f.q_lex.empty() && !f.q_semantic.empty())
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "dataset new", "--query-lex and --query-semantic exclude each other");
  if (!f.q_name.empty()) q["name"] = f.q_name;
  if (!f.q_scope.empty()) q["scope"] = f.q_scope;
  if (!f.q_lex.empty()) args["lex"] = f.q_lex;
  if (!f.q_semantic.empty()) args["semantic"] = f.q_semantic;
  if (!f.q_source.empty()) args["source"] = f.q_source;
  if (!f.q_project.empty()) args["project"] = f.q_project;
  if (!f.q_kind.empty()) args["candidate_kind"] = f.q_kind;
  for (const auto& kv : f.q_args) {
    auto [k, v] = split_kv(kv, "--query-arg");
    args[k] = v;
  }
  if (!args.empty()) q["args"] = args;
  if (!f.facets.empty()) {
    json facets = json::object();
    for (const auto& kv : f.facets) {
      auto [k, v] = split_kv(kv, "--facet");
      if (k != "model" && k != "agent.name" && k != "agent.version")
        cli::fail(ExitCode::kUsage, "INVALID_FACET", "dataset new", "unknown facet '" + k + "'", "use model, agent.name or agent.version");
      facets[k] = v;
    }
    q["facets"] = facets;
  }
  f.o.candidate_query = q;
  auto t0 = std::chrono::steady_clock::now();
  json out = cli::unwrap(dataset::create_dataset(f.o));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.dataset.new.v1");
    doc["dataset"] = out["dataset"];
    doc["telemetry"] = {{"duration_ms", ms}};
    if (!out["next_command"].is_null()) doc["next_command"] = out["next_command"];
    cli::emit_json(doc);
    return;
  }
  const json& d = out["dataset"];
  if (d.value("traces", false))
    cli::say("Traces dataset created: " + cli::bold(d["name"].get<std::string>()) + " (" +
             d["manifest"]["workflow"]["config"]["format"].get<std::string>() + " session files, privacy tier " +
             d["security"].value("privacy_tier", "medium") + ") at " + d["path"].get<std::string>());
  else if (d["manual"].get<bool>())
    cli::say("Manual dataset created: " + d["name"].get<std::string>() + " (" + std::to_string(d["row_count"].get<int64_t>()) + " row(s))");
  else
    cli::say("Dataset created: " + cli::bold(d["name"].get<std::string>()) + " (workflow " +
             d["manifest"]["workflow"]["skill"].get<std::string>() + ") at " + d["path"].get<std::string>());
  if (!out["next_command"].is_null()) cli::say(cli::dim("next: " + out["next_command"].get<std::string>()));
}

// --- run ---

void progress_bar(size_t done, size_t total, const std::string& what) {
  const int width = 30;
  int filled = total ? static_cast<int>(width * done / total) : width;
  std::string bar(static_cast<size_t>(filled), '#');
  bar += std::string(static_cast<size_t>(width - filled), '-');
  std::string w = what.size() > 36 ? what.substr(0, 36) : what;
  std::fprintf(stderr, "\r[%s] %zu/%zu %-36s", bar.c_str(), done, total, w.c_str());
  if (total && done >= total) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

void run_run(const std::string& name, dataset::RunOptions o, const std::vector<std::string>& facets, int timeout) {
  for (const auto& kv : facets) {
    auto [k, v] = split_kv(kv, "--facet");
    if (k != "model" && k != "agent.name" && k != "agent.version")
      cli::fail(ExitCode::kUsage, "INVALID_FACET", "dataset run", "unknown facet '" + k + "'", "use model, agent.name or agent.version");
    o.facets[k] = v;
  }
  if (timeout > 0) o.timeout_seconds = timeout;
  if (!cli::globals().json && isatty(STDERR_FILENO)) o.progress = progress_bar;
  auto t0 = std::chrono::steady_clock::now();
  auto r = cli::unwrap(dataset::run_dataset(name, o));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.dataset.run.v1", r.status);
    if (r.status == "ok") {
      doc["run_id"] = r.record["run_id"];
      doc["run"] = r.record;
      doc["cursor_advanced"] = r.cursor_advanced;
      doc["telemetry"] = {{"duration_ms", ms}};
      if (!r.review.is_null()) doc["review"] = r.review;
      doc["artefacts"] = {{"run_dir", r.record["artefacts"]["run_dir"]}};
    } else {
      doc["dataset"] = name;
      doc["message"] = r.record["message"];
    }
    cli::emit_json(doc);
    return;
  }
  if (r.status != "ok") {
    cli::say("Dataset " + name + " is a manual dataset: there is no workflow to run.");
    return;
  }
  const json& rec = r.record;
  char line[256];
  std::snprintf(line, sizeof line, "Run %s: appended=%lld duplicates=%lld invalid=%lld%s",
                rec["run_id"].get<std::string>().c_str(),
                (long long)(o.dry_run ? rec["would_append_count"].get<int64_t>() : rec["appended_count"].get<int64_t>()),
                (long long)rec["duplicate_count"].get<int64_t>(), (long long)rec["validation_error_count"].get<int64_t>(),
                o.dry_run ? " (dry run: nothing written)" : "");
  cli::say(line);
  cli::say(cli::dim("  " + std::to_string(rec["candidate_count"].get<int64_t>()) + " candidate trace(s), " +
                    std::to_string(rec["emitted_count"].get<int64_t>()) + " row(s) emitted, executor " +
                    rec["executor"].get<std::string>()));
  if (rec.value("executor", "") == "traces") {
    cli::say(cli::dim("  " + std::to_string(rec.value("session_bytes", int64_t{0})) + " bytes of " +
                      rec.value("format", "") + " session files written, " + std::to_string(rec.value("withheld_count", 0)) +
                      " trace(s) withheld by the security gate"));
    for (const auto& w : rec["withheld"]) {
      cli::say(cli::yellow("  withheld ") + w.value("trace_id", "") + "  " + w.value("reason", "") + ": " + w.value("detail", ""));
      for (const auto& f : w["open_findings"]) cli::say("      open finding: " + f.value("type", "?") + " at " + f.value("path", ""));
    }
    if (!rec["withheld"].empty())
      cli::say(cli::dim("  withheld traces give no row: " + rec["withheld"][0].value("next_step", std::string("git opentraces bucket security run --all")) +
                        ", or run with --allow-findings to include them anyway (findings recorded on the row)"));
  }
  if (!r.review.is_null()) cli::say("  approved " + std::to_string(r.review["approved_new_count"].get<int64_t>()) + " new row(s)");
  if (!o.dry_run) cli::say(cli::dim("next: git opentraces dataset review " + name));
}

// --- list / status / remove ---

void run_list() {
  std::vector<dataset::Dataset> all;
  std::error_code ec;
  std::vector<std::filesystem::path> dirs;
  for (const auto& e : std::filesystem::directory_iterator(dataset::datasets_root(), ec))
    if (e.is_directory() && e.path().filename().string()[0] != '.') dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  json arr = json::array();
  for (const auto& d : dirs) {
    auto ds = dataset::Dataset::open_dir(d);
    if (!ds.ok()) {
      arr.push_back(json{{"name", d.filename().string()}, {"path", d.string()}, {"error", ds.error().message}});
      continue;
    }
    arr.push_back(json{{"name", ds->name()},
                       {"path", ds->dir().string()},
                       {"workflow", ds->manifest()["workflow"].value("skill", "")},
                       {"row_count", ds->row_count()},
                       {"counts", counts_json(ds->counts())}});
  }
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.dataset.list.v1");
    doc["datasets"] = arr;
    cli::emit_json(doc);
    return;
  }
  if (arr.empty()) {
    cli::say("No datasets yet: git opentraces dataset new NAME --workflow default");
    return;
  }
  for (const auto& d : arr) cli::say(d["name"].get<std::string>() + "  " + d["path"].get<std::string>());
}

json row_quality(const std::vector<dataset::StoredRow>& rows) {
  int64_t anchored = 0, lost = 0, alive = 0;
  std::map<std::string, int64_t> dist;
  for (const auto& r : rows) {
    if (!r.data.contains("patches") || !r.data["patches"].is_array()) continue;
    bool any_anchor = false, any_lost = false, all_alive = !r.data["patches"].empty();
    for (const auto& p : r.data["patches"]) {
      if (p.contains("commit_sha") && p["commit_sha"].is_string()) any_anchor = true;
      std::string s = p.contains("survival") && p["survival"].is_string() ? p["survival"].get<std::string>() : "unknown";
      dist[s]++;
      if (s == "lost") any_lost = true;
      if (s != "alive_on_path" && s != "alive_transformed") all_alive = false;
    }
    anchored += any_anchor;
    lost += any_lost;
    alive += all_alive;
  }
  return json{{"total_rows", rows.size()},
              {"rows_with_anchored_patches", anchored},
              {"rows_with_lost_patches", lost},
              {"rows_fully_alive", alive},
              {"survival_distribution", counts_json(dist)}};
}

void run_status(const std::string& name) {
  auto ds = cli::unwrap(dataset::Dataset::open(name));
  auto rows = cli::unwrap(ds.rows());
  auto runs = cli::unwrap(dataset::list_runs(name));
  const auto state = dataset::evaluate_states(ds);
  std::map<std::string, int64_t> counts;
  for (const auto& s : dataset::all_statuses()) counts[s] = 0;
  for (const auto& [id, s] : state.rows) counts[s.status]++;
  const auto floor = dataset::reader_floor();
  bool floor_ok = dataset::security_available();
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.dataset.status.v1");
    doc["dataset"] = name;
    doc["path"] = ds.dir().string();
    doc["row_count"] = ds.row_count();
    doc["counts"] = counts_json(counts);
    doc["manual"] = ds.manifest()["workflow"].value("source_type", "") == "manual";
    doc["traces"] = dataset::is_traces_dataset(ds.manifest());
    doc["workflow"] = ds.manifest()["workflow"];
    doc["security"] = {{"reader_floor", floor},
                       {"floor_satisfied", floor_ok},
                       {"effective_tools", dataset::effective_tools(ds.manifest())},
                       {"policy", ds.manifest()["security"]}};
    doc["row_quality"] = row_quality(rows);
    doc["last_run"] = runs.empty() ? json() : runs.front();
    doc["run_count"] = runs.size();
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold(name) + ": rows=" + std::to_string(ds.row_count()) + "  " + counts_line(counts));
  if (!runs.empty())
    cli::say(cli::dim("  last run " + runs.front().value("run_id", "") + " " + runs.front().value("status", "") + " at " +
                      runs.front().value("started_at", "")));
  if (!floor_ok) cli::say(cli::yellow("  security module not available: rows stay blocked (reader floor unsatisfied)"));
}

void run_remove(const std::string& name, bool yes) {
  auto ds = cli::unwrap(dataset::Dataset::open(name));
  if (!yes)
    cli::fail(ExitCode::kUsage, "CONFIRMATION_REQUIRED", "dataset remove",
              "removing dataset '" + name + "' deletes its rows, review states and run records", "pass --yes to confirm");
  {
    auto lock = cli::unwrap(dataset::DatasetLock::acquire(ds.dir(), "remove"));
    // Move aside first so a concurrent reader never sees a half-deleted dataset.
    std::error_code ec;
    auto gone = dataset::datasets_root() / ("." + name + ".removing-" + std::to_string(getpid()));
    std::filesystem::rename(ds.dir(), gone, ec);
    if (ec) cli::fail(ExitCode::kResource, "IO_ERROR", "dataset remove", "cannot remove " + ds.dir().string() + ": " + ec.message());
    std::filesystem::remove_all(gone, ec);
  }
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.dataset.remove.v1");
    doc["removed"] = {{"name", name}, {"path", ds.dir().string()}};
    cli::emit_json(doc);
    return;
  }
  cli::say("Removed dataset " + name + " (" + ds.dir().string() + ")");
}

// --- review ---

void run_review_list(const std::string& name) {
  auto ds = cli::unwrap(dataset::Dataset::open(name));
  auto rows = cli::unwrap(ds.rows());
  const auto state = dataset::evaluate_states(ds);
  std::map<std::string, int64_t> counts;
  for (const auto& s : dataset::all_statuses()) counts[s] = 0;
  for (const auto& [id, s] : state.rows) counts[s.status]++;
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.dataset.review.v1");
    doc["dataset"] = name;
    doc["mode"] = "cli";
    json schema = nullptr;
    if (auto t = read_file(ds.schema_path()); t.ok())
      if (auto j = parse_json(*t, ds.schema_path().string()); j.ok()) schema = *j;
    doc["schema"] = {{"path", ds.schema_path().string()}, {"digest", ds.manifest()["schema"]["digest"]}, {"json_schema", schema}};
    doc["counts"] = counts_json(counts);
    json rj = json::object();
    for (const auto& r : rows) {
      json s = state.rows.at(r.entry.row_id).to_json();
      s["data"] = r.data;
      s["provenance"] = r.entry.provenance.to_json();
      rj[r.entry.row_id] = s;
    }
    doc["rows"] = rj;
    cli::emit_json(doc);
    return;
  }
  for (const auto& r : rows) {
    const auto& s = state.rows.at(r.entry.row_id);
    std::string line = r.entry.row_id + "  " + s.status + "  " + r.entry.provenance.source_ref;
    if (r.data.contains("session") && r.data.contains("redactions"))  // a traces row: where to read it
      line += "  " + cli::dim((ds.dir() / "sessions" / r.entry.row_id).string() + "/ (" +
                              std::to_string(r.data["files"].size()) + " file(s), " +
                              std::to_string(r.data["redactions"].value("total", int64_t{0})) + " redaction(s))");
    if (!s.block_reasons.empty()) {
      std::string reasons;
      for (const auto& b : s.block_reasons) reasons += (reasons.empty() ? "" : ",") + b;
      line += "  " + cli::dim("[" + reasons + "]");
    }
    cli::say(line);
  }
  cli::say(std::to_string(counts["needs_review"]) + " rows need review, " + std::to_string(counts["publishable"]) +
           " publishable" + (counts["blocked"] ? ", " + std::to_string(counts["blocked"]) + " blocked" : ""));
}

void run_review_action(const std::string& action, const std::string& name, const std::vector<std::string>& ids, bool all) {
  if (all && !ids.empty())
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "dataset review", "name row ids or pass --all, not both");
  const char* user = std::getenv("USER");
  auto r = cli::unwrap(dataset::review(name, action, ids, all, user && *user ? user : "local"));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.dataset.review_action.v1");
    doc["dataset"] = name;
    doc["action"] = action;
    doc["counts"] = counts_json(r.counts);
    doc["row_ids"] = r.row_ids;
    doc["skipped"] = r.skipped;
    cli::emit_json(doc);
    return;
  }
  std::string verb = action == "approve" ? "Approved" : action == "reject" ? "Rejected" : "Reset";
  cli::say(verb + " " + std::to_string(r.row_ids.size()) + " row(s) of " + name +
           (r.skipped.empty() ? "" : " (" + std::to_string(r.skipped.size()) + " blocked or published row(s) skipped)"));
  cli::say(cli::dim("  " + counts_line(r.counts)));
}


// --- schedule ---

void print_schedule(const json& s) {
  std::string line = s["dataset"].get<std::string>() + "  every " + s.value("every", std::string("?")) +
                     "  enabled=" + (s.value("enabled", false) ? "true" : "false");
  if (s["last_run_status"].is_string())
    line += "  last=" + s["last_run_status"].get<std::string>() + " at " + s.value("last_run_at", std::string());
  cli::say(line);
}

void emit_schedule(const json& s, const std::string& verb) {
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.dataset.schedule.v1");
    doc["schedule"] = s;
    cli::emit_json(doc);
    return;
  }
  if (!verb.empty()) cli::say(verb);
  print_schedule(s);
}

void run_schedule_logs(const std::string& name, int tail) {
  auto runs = cli::unwrap(dataset::list_runs(name));
  std::vector<json> sched;
  for (const auto& r : runs)
    if (r.value("trigger", "") == "schedule") sched.push_back(r);
  if (tail > 0 && static_cast<int>(sched.size()) > tail) sched.resize(static_cast<size_t>(tail));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.dataset.schedule_logs.v1");
    doc["dataset"] = name;
    doc["runs"] = sched;
    cli::emit_json(doc);
    return;
  }
  if (sched.empty()) cli::say("No scheduled runs of " + name + " yet.");
  for (const auto& r : sched)
    cli::say(r.value("started_at", "") + "  " + r.value("run_id", "") + "  " + r.value("status", "") +
             "  appended=" + std::to_string(r.value("appended_count", 0)) +
             (r["error"].is_object() ? "  " + r["error"].value("message", "") : ""));
}

void register_schedule_verbs(CLI::App& group) {
  CLI::App* sch = cli::add_command(group, "schedule", "Run a dataset periodically (driven by `git opentraces schedule tick`)",
                                   "  git opentraces dataset schedule add demo --every 1h --approve-new\n"
                                   "  git opentraces dataset schedule list\n"
                                   "  git opentraces dataset schedule logs demo --tail 5\n"
                                   "  # then, from cron:  */5 * * * * git opentraces schedule tick\n");
  sch->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto every = std::make_shared<std::string>();
  auto exec = std::make_shared<std::string>();
  auto approve = std::make_shared<bool>(false);
  CLI::App* add = cli::add_command(*sch, "add", "Add (or replace) the dataset's schedule",
                                   "  git opentraces dataset schedule add demo --every 30m\n");
  add->add_option("name", *name, "Dataset name")->required();
  add->add_option("--every", *every, "Interval: 30s, 15m, 2h, 1d")->required();
  add->add_option("--executor", *exec, "script or builtin (default: automatic)")->check(CLI::IsMember({"script", "builtin"}));
  add->add_flag("--approve-new", *approve, "Approve new unblocked rows of each scheduled run");
  add->callback([name, every, exec, approve] {
    emit_schedule(cli::unwrap(dataset::schedule_add(*name, *every, *exec, *approve)), "Scheduled:");
  });
  CLI::App* list = cli::add_command(*sch, "list", "List scheduled datasets", "  git opentraces dataset schedule list\n");
  list->callback([] {
    auto all = cli::unwrap(dataset::schedule_list());
    if (cli::globals().json) {
      auto doc = cli::envelope("opentraces.dataset.schedule_list.v1");
      doc["schedules"] = all;
      cli::emit_json(doc);
      return;
    }
    if (all.empty()) cli::say("No schedules.");
    for (const auto& s : all) print_schedule(s);
  });
  for (const char* verb : {"show", "pause", "resume", "remove"}) {
    auto n = std::make_shared<std::string>();
    std::string v = verb;
    CLI::App* c = cli::add_command(*sch, verb, v == "show" ? "Show a dataset's schedule" : v == "pause" ? "Stop running it (kept)"
                                                        : v == "resume" ? "Run it again" : "Delete the schedule",
                                   "  git opentraces dataset schedule " + v + " demo\n");
    c->add_option("name", *n, "Dataset name")->required();
    c->callback([v, n] {
      if (v == "show") emit_schedule(cli::unwrap(dataset::schedule_show(*n)), "");
      else emit_schedule(cli::unwrap(dataset::schedule_set(*n, v)), v == "pause" ? "Paused:" : v == "resume" ? "Resumed:" : "Removed:");
    });
  }
  auto lname = std::make_shared<std::string>();
  auto tail = std::make_shared<int>(20);
  CLI::App* logs = cli::add_command(*sch, "logs", "Run records of scheduled runs, newest first",
                                    "  git opentraces dataset schedule logs demo --tail 5\n");
  logs->add_option("name", *lname, "Dataset name")->required();
  logs->add_option("--tail", *tail, "How many (default 20)")->check(CLI::Range(1, 10000));
  logs->callback([lname, tail] { run_schedule_logs(*lname, *tail); });
}
}  // namespace

void register_dataset(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "dataset", "Local HF-shaped datasets built from traces by workflows",
                                     "  git opentraces dataset new demo --workflow bursts-sft-v1\n"
                                     "  git opentraces dataset run demo\n"
                                     "  git opentraces dataset review demo\n"
                                     "  git opentraces dataset review approve demo --all\n");
  group->require_subcommand(1);

  CLI::App* list = cli::add_command(*group, "list", "List local datasets", "  git opentraces dataset list --json\n");
  list->callback([] { run_list(); });

  auto nf = std::make_shared<NewFlags>();
  CLI::App* nw = cli::add_command(*group, "new", "Create a dataset bound to a workflow (or from a rows file)",
                                  "  git opentraces dataset new demo --workflow bursts-sft-v1\n"
                                  "  git opentraces dataset new evals --workflow ./my-workflow --query-arg agent=codex\n"
                                  "  git opentraces dataset new deploys --from-skill deploy\n"
                                  "  git opentraces dataset new curated --rows-file rows.jsonl --schema row.schema.json\n"
                                  "  git opentraces dataset new sessions --traces --query-arg agent=claude-code\n"
                                  "  git opentraces dataset new hub-traces --traces --format sts --privacy-tier high\n");
  nw->add_option("name", nf->o.name, "Dataset name (letters, digits, . _ -)")->required();
  nw->add_option("--workflow", nf->o.workflow_ref, "Installed workflow or template name, or a package path");
  nw->add_option("--from-skill", nf->o.from_skill, "One row per invocation episode of this skill (skill-episodes-v1)");
  nw->add_option("--rows-file", nf->o.rows_file, "A manual dataset: JSONL rows to import (with --schema)");
  nw->add_option("--schema", nf->o.schema_file, "JSON Schema for --rows-file");
  nw->add_flag("--traces", nf->o.traces, "Rows are whole redacted sessions, published as session files (docs/datasets.md)");
  nw->add_option("--format", nf->o.format, "With --traces: native (the agent's own JSONL, default) or sts")
      ->check(CLI::IsMember({"native", "sts"}));
  nw->add_flag("--allow-findings", nf->o.allow_findings,
               "With --traces: include traces the security gate refuses (findings recorded on the row)");
  nw->add_option("--privacy-tier", nf->o.privacy_tier, "With --traces: low, medium (default) or high")
      ->check(CLI::IsMember({"low", "medium", "high"}));
  nw->add_option("--description", nf->o.description, "Dataset description");
  nw->add_option("--review", nf->o.review, "Review policy: required (default) or auto")->check(CLI::IsMember({"required", "auto"}));
  nw->add_option("--query-name", nf->q_name, "Candidate query name (default <dataset>-query)");
  nw->add_option("--query-scope", nf->q_scope, "all-projects | project | cwd | trace")
      ->check(CLI::IsMember({"all-projects", "project", "cwd", "trace"}));
  nw->add_option("--query-lex", nf->q_lex, "Lexical query terms (recorded; applied once trace query lands)");
  nw->add_option("--query-semantic", nf->q_semantic, "Semantic query (recorded; not applied yet)");
  nw->add_option("--query-source", nf->q_source, "index | projection (recorded)");
  nw->add_option("--query-project", nf->q_project, "Only this project slug");
  nw->add_option("--query-candidate-kind", nf->q_kind, "Candidate kind (e.g. skill_invocation)");
  nw->add_option("--query-arg", nf->q_args, "Extra query argument NAME=VALUE (agent, model, skill, ...); repeatable");
  nw->add_option("--facet", nf->facets, "Persisted facet NAME=VALUE (model, agent.name, agent.version); repeatable");
  nw->callback([nf] { run_new(*nf); });

  auto rname = std::make_shared<std::string>();
  auto ro = std::make_shared<dataset::RunOptions>();
  auto rfacets = std::make_shared<std::vector<std::string>>();
  auto timeout = std::make_shared<int>(0);
  CLI::App* run = cli::add_command(*group, "run", "Run the dataset's workflow over candidate traces and append new rows",
                                   "  git opentraces dataset run demo\n"
                                   "  git opentraces dataset run demo --dry-run --limit 5\n"
                                   "  git opentraces dataset run demo --executor script --since-last-run --json\n"
                                   "  git opentraces dataset run demo --trace 5f2c --approve-new\n");
  run->add_option("name", *rname, "Dataset name")->required();
  run->add_flag("--dry-run", ro->dry_run, "Run the workflow and validate, but append nothing");
  run->add_option("--executor", ro->executor, "script (run scripts/build_rows) or builtin (native shipped templates)")
      ->check(CLI::IsMember({"script", "builtin"}));
  run->add_option("--scope", ro->scope, "all-projects | project | cwd | trace")
      ->check(CLI::IsMember({"all-projects", "project", "cwd", "trace"}));
  run->add_option("--project", ro->project, "Only this project slug");
  run->add_option("--trace", ro->trace_ids, "Only this trace (id or unique prefix); repeatable");
  run->add_option("--limit", ro->limit, "At most N candidate traces")->check(CLI::Range(1, 1000000));
  run->add_flag("--since-last-run", ro->since_last_run, "Only traces written since the last successful run");
  run->add_flag("--approve-new", ro->approve_new, "Mark newly appended, unblocked rows publishable");
  run->add_flag("--allow-findings", ro->allow_findings,
                "Traces datasets: include traces the security gate refuses (findings recorded on the row)");
  run->add_option("--timeout", *timeout, "Script timeout in seconds (default: the manifest's, 30 min)")->check(CLI::Range(1, 86400));
  run->add_flag("--repin", ro->repin, "Accept a changed workflow digest and pin the new one");
  run->add_option("--facet", *rfacets, "Runtime facet NAME=VALUE (model, agent.name, agent.version); repeatable");
  run->callback([rname, ro, rfacets, timeout] { run_run(*rname, *ro, *rfacets, *timeout); });

  auto sname = std::make_shared<std::string>();
  CLI::App* status = cli::add_command(*group, "status", "Rows, review states, security floor and row quality of a dataset",
                                      "  git opentraces dataset status demo\n");
  status->add_option("name", *sname, "Dataset name")->required();
  status->callback([sname] { run_status(*sname); });

  auto vname = std::make_shared<std::string>();
  CLI::App* review = cli::add_command(*group, "review", "List rows with their review state, or approve/reject/reset them",
                                      "  git opentraces dataset review demo\n"
                                      "  git opentraces dataset review approve demo --all\n"
                                      "  git opentraces dataset review reject demo row_0123456789abcdef\n"
                                      "  git opentraces dataset review reset demo --all\n");
  review->add_option("name", *vname, "Dataset name");
  review->require_subcommand(0, 1);
  for (const char* action : {"approve", "reject", "reset"}) {
    auto aname = std::make_shared<std::string>();
    auto ids = std::make_shared<std::vector<std::string>>();
    auto all = std::make_shared<bool>(false);
    std::string desc = std::string(action) == "approve"  ? "Mark rows publishable"
                       : std::string(action) == "reject" ? "Mark rows rejected"
                                                         : "Put rows back in the inbox (needs_review)";
    CLI::App* a = cli::add_command(*review, action, desc,
                                   std::string("  git opentraces dataset review ") + action + " demo --all\n");
    a->add_option("name", *aname, "Dataset name")->required();
    a->add_option("row_ids", *ids, "Row ids (see `dataset review NAME`)");
    a->add_flag("--all", *all, "Every row");
    std::string act = action;
    a->callback([act, aname, ids, all] { run_review_action(act, *aname, *ids, *all); });
  }
  review->callback([review, vname] {
    if (!review->get_subcommands().empty()) return;
    if (vname->empty()) cli::fail(ExitCode::kUsage, "MISSING_ARGUMENT", "dataset review", "name a dataset", "git opentraces dataset review NAME");
    run_review_list(*vname);
  });

  auto mname = std::make_shared<std::string>();
  auto yes = std::make_shared<bool>(false);
  CLI::App* remove = cli::add_command(*group, "remove", "Delete a local dataset (rows, states, run records)",
                                      "  git opentraces dataset remove demo --yes\n");
  remove->add_option("name", *mname, "Dataset name")->required();
  remove->add_flag("--yes,-y", *yes, "Confirm the deletion");
  remove->callback([mname, yes] { run_remove(*mname, *yes); });

  register_schedule_verbs(*group);
  register_dataset_remote(*group);
}

}  // namespace ot::cmd
