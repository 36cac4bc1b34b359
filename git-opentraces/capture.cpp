// `git opentraces capture`: store agent sessions in the bucket by hand.
// `capture ingest FILE` spools the request (durable first), then opens the bucket and
// drains the spool, which parses and stores the session (docs/bucket.md).
#include <algorithm>
#include <filesystem>

#include "engine/bucket/bucket.h"
#include "engine/bucket/spool.h"
#include "engine/discovery/fts_pack.h"
#include "engine/project/marker.h"
#include "engine/project/project.h"
#include "engine/util/log.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

namespace fs = std::filesystem;

struct IngestArgs {
  std::string file, agent, project;
  bool one_session = false;  // `capture session`: exactly one session file, never a directory
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

// Session files under a directory, sorted; Claude Code sub-agent transcripts
// (<session>.subagents/) are read by the parser together with their session.
std::vector<fs::path> session_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& p = it->path();
    if (it->is_directory() && p.filename().string().ends_with(".subagents")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && p.extension() == ".jsonl") out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void run_ingest_dir(const fs::path& dir, const std::string& agent, const std::string& slug) {
  auto files = session_files(dir);
  if (files.empty())
    cli::fail(ExitCode::kUsage, "SESSION_NOT_FOUND", "capture ingest", "no .jsonl session files under " + dir.string(),
              "pass a session file or a directory holding some");
  auto b = cli::unwrap(bucket::open_and_drain());
  bucket::PutOptions po;
  po.project_slug = slug;
  auto rep = cli::unwrap(b->ingest_sessions(files, agent, po));
  // A bulk ingest leaves many loose search postings: pack them when due (fts_pack.h).
  if (auto packed = discovery::fts_pack_if_due(*b); !packed.ok())
    ot::log().warn("search index pack skipped: {}", packed.error().message);
  b.reset();
  json errors = json::array();
  for (const auto& f : rep.files)
    if (f.error) errors.push_back({{"path", f.path.string()}, {"code", f.error->code}, {"message", f.error->message}});
  if (rep.failed == static_cast<int>(files.size()))
    cli::fail(ExitCode::kUsage, "INGEST_FAILED", "capture ingest",
              "none of the " + std::to_string(files.size()) + " session files under " + dir.string() + " could be read: " +
                  errors[0]["message"].get<std::string>(),
              "check the files are agent sessions (see docs/schema.md)");
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.capture.ingest.v1");
    doc["source_path"] = dir.string();
    doc["files"] = files.size();
    doc["stored"] = rep.stored;
    doc["unchanged"] = rep.unchanged;
    doc["failed"] = rep.failed;
    doc["bytes"] = rep.bytes;
    doc["errors"] = errors;
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::green("stored") + " " + std::to_string(rep.stored) + ", unchanged " + std::to_string(rep.unchanged) +
           ", failed " + std::to_string(rep.failed) + " of " + std::to_string(files.size()) + " session file(s) under " +
           dir.string());
  for (const auto& e : errors) cli::say(cli::yellow("  skipped ") + e["path"].get<std::string>() + ": " + e["message"].get<std::string>());
}

void run_ingest(const IngestArgs& a) {
  std::error_code ec;
  fs::path file = fs::absolute(a.file, ec);
  if (a.one_session && fs::is_directory(file, ec))
    cli::fail(ExitCode::kUsage, "NOT_A_SESSION_FILE", "capture session", a.file + " is a directory",
              "name one session file, or use `git opentraces capture ingest DIR` for every session below it");
  if (fs::is_directory(file, ec)) {
    std::string agent = a.agent.empty() ? std::string() : cli::unwrap(project::canonical_agent(a.agent));
    fs::path project_dir = a.project.empty() ? fs::current_path() : fs::absolute(a.project, ec);
    std::string slug;
    auto proj = project::find_project(project_dir);
    if (proj.ok() && proj->has_value()) slug = (*proj)->slug;
    return run_ingest_dir(file, agent, slug);
  }
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
                                      "  git opentraces capture ingest record.json --json\n"
                                      "  git opentraces capture ingest ~/.codex/sessions   (every .jsonl below)\n");
  ingest->add_option("file", args->file, "Session file (.jsonl), TraceRecord JSON, or a directory of sessions")->required();
  ingest->add_option("--agent", args->agent, "claude-code, codex or pi (default: detected)");
  ingest->add_option("--project", args->project, "Repository the session belongs to (default: current directory)");
  ingest->callback([args] { run_ingest(*args); });
  auto sargs = std::make_shared<IngestArgs>();
  sargs->one_session = true;
  CLI::App* session = cli::add_command(
      *group, "session", "Store one named session file (e.g. an exported or downloaded one) in the bucket",
      "  git opentraces capture session hub-traces/claude-code/8a262ced-9fe1-476c-b4a5-d4a70cf550bb.jsonl\n"
      "  git opentraces capture session rollout-2026-11-24T15-15-10-01a2.jsonl --agent codex --json\n"
      "Sub-agent transcripts in <session>/subagents/ beside a Claude Code file are read with it.\n"
      "Exit codes: 0 stored (or unchanged, or queued while the bucket is busy); 2 not a session file.");
  session->add_option("file", sargs->file, "Session file (.jsonl) of Claude Code, Codex or Pi, or a TraceRecord JSON file")->required();
  session->add_option("--agent", sargs->agent, "claude-code, codex or pi (default: detected)");
  session->add_option("--project", sargs->project, "Repository the session belongs to (default: current directory)");
  session->callback([sargs] { run_ingest(*sargs); });
  cli::add_planned(*group, "all", "capture all", "issue #4");
}

}  // namespace ot::cmd
