// `git opentraces trace export`: redacted session files (native agent JSONL or STS) for
// the Hub's trace viewer or for resuming elsewhere. Engine: engine/export/export.h.
#include <cstdio>
#include <cstdlib>

#include "engine/bucket/bucket.h"
#include "engine/export/export.h"
#include "engine/security/policy.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

struct ExportArgs {
  std::vector<std::string> ids;
  std::string since, format = "native", out = "opentraces-export", agent, project;
  bool allow_findings = false;
};

void say_findings(const json& findings) {
  for (const auto& f : findings)
    cli::say("      " + f.value("type", "?") + " at " + f.value("path", "") + (f.contains("tool") ? " (" + f.value("tool", "") + ")" : ""));
}

void run_export(const ExportArgs& a) {
  trace_export::ExportOptions o;
  o.ids = a.ids;
  if (!a.since.empty()) o.since_ms = cli::unwrap(parse_since(a.since));
  if (!a.agent.empty()) o.agent = a.agent;
  if (!a.project.empty()) o.project = a.project;
  o.format = a.format;
  o.out_dir = a.out;
  o.allow_findings = a.allow_findings;
  auto policy = cli::unwrap(security::load_policy());
  auto b = cli::unwrap(bucket::open_and_drain());
  auto rep = cli::unwrap(trace_export::export_traces(*b, policy, o));
  b.reset();
  bool refused = !rep.withheld.empty() && !a.allow_findings;

  if (cli::globals().json) {
    auto doc = cli::envelope(trace_export::kExportSchema, refused ? "withheld" : "ok");
    ordered_json payload = rep.to_json();
    for (auto& [k, v] : payload.items()) doc[k] = v;
    cli::emit_json(doc);
  } else if (refused) {
    std::fprintf(stderr, "error: %zu of the selected trace(s) are not cleared for export; nothing was written\n",
                 rep.withheld.size());
    for (const auto& w : rep.withheld) {
      std::fprintf(stderr, "  %s  %s: %s\n", w.value("trace_id", "").c_str(), w.value("reason", "").c_str(),
                   w.value("detail", "").c_str());
      for (const auto& f : w["open_findings"])
        std::fprintf(stderr, "      open finding: %s at %s\n", f.value("type", "?").c_str(), f.value("path", "").c_str());
    }
    std::fprintf(stderr, "hint: %s, or pass --allow-findings to export them anyway (findings listed)\n",
                 rep.withheld.front().value("next_step", "git opentraces bucket security run").c_str());
  } else {
    for (const auto& e : rep.exported) {
      cli::say(cli::green("exported") + " " + e.trace_id + " (" + e.agent + ", " + std::to_string(e.bytes) + " bytes, " +
               std::to_string(e.redactions) + " redaction(s) at export)");
      for (const auto& f : e.files) cli::say("    " + (rep.out_dir / f).string());
      if (!e.clearance.value("cleared", false)) {
        cli::say(cli::yellow("    not cleared (" + e.clearance.value("reason", "") + "), exported because of --allow-findings; open findings:"));
        say_findings(e.open_findings);
      }
    }
    if (rep.exported.empty()) cli::say("nothing selected: no trace matches");
    else cli::say(std::to_string(rep.exported.size()) + " trace(s), " + std::to_string(rep.files) + " file(s), " +
                  std::to_string(rep.bytes) + " bytes in " + rep.out_dir.string() + " (" + rep.format + ")");
  }
  if (refused) {
    std::fflush(stdout);
    std::exit(to_int(ExitCode::kWithheld));
  }
}

}  // namespace

void register_trace_export(CLI::App& trace_group) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* c = cli::add_command(
      trace_group, "export", "Write traces as redacted session files (native agent JSONL or STS)",
      "  git opentraces trace export 7004 --out hub-traces\n"
      "  git opentraces trace export --since 7d --format sts --out hub-traces --json\n"
      "  git opentraces trace export 7004 --allow-findings   (exports a trace the gate refused; lists its findings)\n"
      "Exit codes: 0 exported; 2 bad flags / nothing selected; 6 trace not found;\n"
      "9 withheld: a selected trace is unscanned, stale or has open findings (nothing written).");
  c->add_option("trace", a->ids, "trace ids or unique prefixes");
  c->add_option("--since", a->since, "traces stored since: 7d, 12h, 30m or an ISO date");
  c->add_option("--agent", a->agent, "with --since: only this agent (claude-code, codex, pi)");
  c->add_option("--project", a->project, "with --since: only this project slug");
  c->add_option("--format", a->format, "native (the agent's own JSONL, default) or sts (Session Trace Simple Format)");
  c->add_option("--out", a->out, "directory to write into (default: ./opentraces-export)");
  c->add_flag("--allow-findings", a->allow_findings,
              "export traces the security gate refuses (unscanned, open findings), listing their findings");
  c->callback([a] { run_export(*a); });
}

}  // namespace ot::cmd
