// `git opentraces report [--since 7d] [--html OUT] [--json]`: a summary of the window
// (agent share, tokens and cost, survival, skills, waste). Mechanism in engine/report.
#include <cstdio>
#include <filesystem>

#include "engine/bucket/bucket.h"
#include "engine/project/project.h"
#include "engine/report/html.h"
#include "engine/report/report.h"
#include "engine/util/fs.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"
#include "notes/handle.h"

namespace ot::cmd {
namespace {

namespace fs = std::filesystem;

struct ReportFlags {
  std::string since = "7d", html, project;
  bool all_projects = false;
};

std::string s(const ordered_json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "-" : v.dump(); }

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v * 100.0);
  return buf;
}

std::string usd(const ordered_json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.4f", v.get<double>());
  return buf;
}

void say_human(const ordered_json& d) {
  cli::say(cli::bold("report since " + s(d["window"]["since"])) +
           cli::dim("  " + s(d["window"]["from"]) + " → " + s(d["window"]["to"])));
  const auto& sh = d["share"];
  if (sh.is_object())
    cli::say("agent share      " + s(sh["added"]["agent"]) + " of " + s(sh["added"]["total"]) + " added lines (" +
             pct(sh["agent_share"].get<double>()) + ")  range " +
             s(sh["range"]));
  const auto& tot = d["tokens"]["total"];
  const auto& by = d["window"]["traces_counted_by"];
  std::string placed = "by session start";
  if (by.is_object() && by["written_at"].is_number() && by["written_at"].get<int64_t>() > 0)
    placed += ", " + s(by["written_at"]) + " by write time (no start recorded)";
  cli::say("traces           " + s(tot["traces"]) + "  tokens " + s(tot["total_tokens"]) + "  est. cost " +
           usd(tot["estimated_cost_usd"]) + cli::dim("  (" + placed + ")"));
  for (const auto& r : d["tokens"]["by_agent_model"])
    cli::say("  " + s(r["agent"]) + " · " + s(r["model"]) + "  " + s(r["traces"]) + " trace(s), " +
             s(r["total_tokens"]) + " tokens, " + usd(r["estimated_cost_usd"]));
  if (d["survival"].is_object())
    cli::say("survival         " + s(d["survival"]["total"]["preserved_lines"]) + " of " +
             s(d["survival"]["total"]["authored_lines"]) + " authored agent lines still at HEAD");
  cli::say("skills           " + s(d["skills"]["total_invocations"]) + " invocation(s) of " +
           s(d["skills"]["total_skills"]) + " skill(s)");
  cli::say("waste            " + s(d["waste"]["findings"]) + " finding(s) in " + s(d["waste"]["traces_with_findings"]) +
           " trace(s)");
  for (const auto& l : d["limitations"]) cli::say(cli::dim("note: " + s(l)));
  if (d["html"].is_string()) cli::say("wrote " + s(d["html"]));
}

void run(const ReportFlags& f) {
  report::ReportOptions o;
  o.now_ms = now_ms();
  o.since_text = f.since;
  o.since_ms = cli::unwrap(parse_since(f.since, o.now_ms));
  auto repo = git::Repo::open(fs::current_path());
  const git::Repo* rp = repo.ok() && !repo->bare() ? &*repo : nullptr;
  if (!f.project.empty() && f.all_projects)
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "report", "--project and --all-projects exclude each other");
  if (!f.project.empty()) {
    o.project = f.project;
  } else if (!f.all_projects && rp) {
    // Inside an enrolled repository the report covers its project's traces.
    auto p = project::find_project(rp->workdir());
    if (p.ok() && *p) o.project = (*p)->slug;
  }
  auto bucket = cli::unwrap(bucket::open_and_drain());
  auto payload = cli::unwrap(report::build_report(*bucket, rp, o));
  ordered_json doc = cli::envelope(report::kReportSchema);
  for (auto& [k, v] : payload.items()) doc[k] = v;
  doc["html"] = nullptr;
  if (!f.html.empty()) {
    fs::path out = fs::absolute(f.html);
    std::error_code ec;
    if (fs::is_directory(out, ec))
      cli::fail(ExitCode::kUsage, "OUTPUT_IS_DIRECTORY", "report", out.string() + " is a directory",
                "give a file name, e.g. --html " + (out / "report.html").string());
    if (!out.parent_path().empty() && !fs::is_directory(out.parent_path(), ec))
      cli::fail(ExitCode::kUsage, "OUTPUT_DIR_MISSING", "report", "no directory " + out.parent_path().string(),
                "create it first or choose another --html path");
    doc["html"] = out.string();
    cli::unwrap(write_file_atomic(out, report::render_html(doc)));
  }
  if (cli::globals().json) {
    cli::emit_json(doc);
    return;
  }
  say_human(doc);
}

}  // namespace

void register_report(CLI::App& root) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* c = cli::add_command(
      root, "report", "A summary of recent agent work: share of lines, tokens and cost, survival, skills, waste",
      "  git opentraces report                               last 7 days, printed\n"
      "  git opentraces report --since 30d --html week.html   one self-contained HTML file to share\n"
      "  git opentraces report --all-projects --json          opentraces.report.v1\n"
      "\nDocs: docs/report.md");
  c->add_option("--since", f->since, "Window start: 7d, 12h, 2w or an ISO date (default 7d)");
  c->add_option("--html", f->html, "Write the report as one self-contained HTML file here");
  c->add_option("--project", f->project, "Traces of this bucket project slug only (default: this repo's project)");
  c->add_flag("--all-projects", f->all_projects, "Traces of every project, even inside an enrolled repo");
  c->callback([f] { run(*f); });
}

}  // namespace ot::cmd
