// `git opentraces capture`: store agent sessions in the bucket by hand.
// `capture ingest FILE` spools the request (durable first), then opens the bucket and
// drains the spool, which parses and stores the session (docs/bucket.md).
#include <filesystem>

#include "engine/bucket/bucket.h"
#include "engine/bucket/spool.h"
#include "engine/project/marker.h"
#include "engine/project/project.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

namespace fs = std::filesystem;

struct IngestArgs {
  std::string file, agent, project;
};

void emit_queued(const fs::path& item, const Error& why) {
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.capture.ingest.v1");
    doc["queued"] = true;
    doc["spool_item"] = item.string();
    doc["reason"] = why.message;
    cli::emit_json(doc);
  } else {
    cli::say("queued: " + why.message);
    cli::say("The session is safe in the spool and will be stored by the next git-opentraces command.");
  }
}

void run_ingest(const IngestArgs& a) {
  std::error_code ec;
  fs::path file = fs::absolute(a.file, ec);
  if (!fs::is_regular_file(file, ec))
    cli::fail(ExitCode::kUsage, "SESSION_NOT_FOUND", "capture ingest", "no session file at " + a.file,
              "pass the path of an agent session file (.jsonl) or a TraceRecord JSON file");
  std::string agent;
  if (!a.agent.empty()) agent = cli::unwrap(project::canonical_agent(a.agent));

  fs::path project_dir = a.project.empty() ? fs::current_path() : fs::absolute(a.project, ec);
  json item = {{"kind", "ingest_session"}, {"agent", agent}, {"path", file.string()}, {"project_dir", project_dir.string()}};
  auto proj = project::find_project(project_dir);
  if (proj.ok() && proj->has_value()) item["project_slug"] = (*proj)->slug;

  fs::path spooled = cli::unwrap(bucket::spool_append(item));
  auto opened = bucket::open_and_drain();
  if (!opened.ok()) {
    if (opened.error().code == "BUCKET_LOCKED") return emit_queued(spooled, opened.error());
    cli::fail(opened.error());
  }
  auto& b = *opened;
  const bucket::DrainItem* mine = nullptr;
  for (const auto& it : b->last_drain().items)
    if (it.file == spooled.filename().string()) mine = &it;
  if (!mine) return emit_queued(spooled, make_error(ExitCode::kResource, "NOT_DRAINED", "capture", "the spool was not drained"));
  if (mine->outcome == "deferred") {
    fs::remove(spooled, ec);  // the user hears about it now; nothing is left behind
    cli::fail(ExitCode::kUnavailable, "PARSER_UNAVAILABLE", "capture ingest", mine->message,
              "pass a TraceRecord JSON file until the session parsers land (issue #3)");
  }
  if (mine->outcome == "quarantined")
    cli::fail(ExitCode::kUsage, "INGEST_FAILED", "capture ingest", "cannot ingest " + file.string() + ": " + mine->message,
              "the request was moved to " + (spool_dir() / "quarantine").string());
  const bucket::PutResult& put = *mine->put;
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.capture.ingest.v1");
    doc["trace_id"] = put.trace_id;
    doc["project_slug"] = put.project_slug;
    doc["generation"] = put.generation;
    doc["record_hash"] = put.record_hash;
    doc["changed"] = put.changed;
    doc["new_trace"] = put.new_trace;
    doc["queued"] = false;
    doc["source_path"] = file.string();
    doc["drain"] = {{"applied", b->last_drain().applied}, {"quarantined", b->last_drain().quarantined},
                    {"deferred", b->last_drain().deferred}};
    cli::emit_json(doc);
    return;
  }
  std::string where = " (project " + put.project_slug + ")";
  if (!put.changed)
    cli::say("unchanged: t:" + put.trace_id.substr(0, 8) + " is already stored as generation " +
             std::to_string(put.generation) + where);
  else if (put.new_trace)
    cli::say(cli::green("stored") + " t:" + put.trace_id.substr(0, 8) + " generation 1" + where);
  else
    cli::say(cli::green("updated") + " t:" + put.trace_id.substr(0, 8) + " to generation " + std::to_string(put.generation) + where);
}

}  // namespace

void register_capture(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "capture", "Import agent sessions into the bucket");
  group->require_subcommand(1);
  auto args = std::make_shared<IngestArgs>();
  CLI::App* ingest = cli::add_command(*group, "ingest", "Parse a session file and store it in the bucket",
                                      "  git opentraces capture ingest ~/.claude/projects/-src-calc/7004.jsonl\n"
                                      "  git opentraces capture ingest rollout.jsonl --agent codex --project ~/src/calc\n"
                                      "  git opentraces capture ingest record.json --json\n");
  ingest->add_option("file", args->file, "Session file (.jsonl) or TraceRecord JSON")->required();
  ingest->add_option("--agent", args->agent, "claude-code, codex or pi (default: detected)");
  ingest->add_option("--project", args->project, "Repository the session belongs to (default: current directory)");
  ingest->callback([args] { run_ingest(*args); });
  cli::add_planned(*group, "session", "capture session", "issue #4");
  cli::add_planned(*group, "all", "capture all", "issue #4");
}

}  // namespace ot::cmd
