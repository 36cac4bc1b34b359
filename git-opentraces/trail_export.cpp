// `git opentraces trail export --format agent-trace`: Agent Trace 0.1.0 records,
// one per attributed commit (engine/trails/agent_trace.h), as JSON Lines on stdout
// or one file per commit in a directory.
#include <filesystem>
#include <iostream>

#include "engine/trails/agent_trace.h"
#include "engine/util/fs.h"
#include "engine/version.h"
#include "git-opentraces/cli.h"
#include "notes/handle.h"

namespace ot::cmd {
namespace {

namespace fs = std::filesystem;

struct ExportArgs {
  std::string format, range = "HEAD", out = "-";
  int max_commits = 10000;
};

void run(const ExportArgs& a) {
  if (a.format != "agent-trace")
    cli::fail(ExitCode::kUsage, "BAD_FORMAT", "trail export",
              a.format.empty() ? "--format is required" : "unknown format '" + a.format + "'",
              "the supported format is --format agent-trace");
  auto repo = cli::unwrap(git::Repo::open(fs::current_path()));
  auto ex = cli::unwrap(trails::export_agent_trace(repo, a.range, a.max_commits, OT_VERSION));
  auto doc = cli::envelope("opentraces.trail.export.v1");
  doc["format"] = "agent-trace";
  doc["spec_version"] = trails::kAgentTraceVersion;
  doc["range"] = a.range;
  doc["tip"] = ex.tip_sha;
  doc["commits_scanned"] = ex.commits_scanned;
  doc["records"] = ex.records.size();
  doc["out"] = a.out;
  if (a.out == "-") {
    if (cli::globals().json) {
      doc["items"] = ex.records;
      cli::emit_json(doc);
      return;
    }
    std::string text;
    for (const auto& r : ex.records) text += r.dump() + "\n";
    std::cout << text;
    return;
  }
  fs::path dir(a.out);
  cli::unwrap(ensure_dir(dir));
  json written = json::array();
  for (size_t i = 0; i < ex.records.size(); ++i) {
    fs::path p = dir / (ex.shas[i] + ".json");
    cli::unwrap(write_file_atomic(p, pretty_json(ex.records[i])));
    written.push_back(p.string());
  }
  if (cli::globals().json) {
    doc["files"] = written;
    cli::emit_json(doc);
    return;
  }
  cli::say("trail export: " + std::to_string(ex.records.size()) + " Agent Trace record(s) from " +
           std::to_string(ex.commits_scanned) + " commit(s) → " + dir.string());
}

}  // namespace

void register_trail_export(CLI::App& trail_group) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* c = cli::add_command(
      trail_group, "export", "Write attribution as Agent Trace 0.1.0 records (one per attributed commit)",
      "  git opentraces trail export --format agent-trace                  JSON Lines on stdout, all of HEAD\n"
      "  git opentraces trail export --format agent-trace main..HEAD       this branch only\n"
      "  git opentraces trail export --format agent-trace --out traces/    one <sha>.json per commit\n"
      "\nDocs: docs/interop.md");
  c->add_option("range", a->range, "A..B, or one revision (everything reachable from it); default HEAD");
  c->add_option("--format", a->format, "Output format: agent-trace")->required();
  c->add_option("--out", a->out, "A directory (one <sha>.json per commit), or - for JSON Lines on stdout (default)");
  c->add_option("--max-commits", a->max_commits, "Scan at most this many commits (default 10000)");
  c->callback([a] { run(*a); });
}

}  // namespace ot::cmd
