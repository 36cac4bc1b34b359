// `git opentraces bucket security status|run|policy|check`: the security pipeline over
// the bucket (docs/security.md). Engine: engine/security/bucket_run.h, gate.h, policy.h.
#include <cstdio>
#include <cstdlib>

#include "engine/bucket/bucket.h"
#include "engine/project/config.h"
#include "engine/security/bucket_run.h"
#include "engine/security/gate.h"
#include "engine/security/policy.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

std::unique_ptr<bucket::Bucket> open_bucket() { return cli::unwrap(bucket::open_and_drain()); }

// A --json answer that is also a refusal: the one document is already printed, so exit
// with the code directly (closing the bucket first) instead of adding an error document.
[[noreturn]] void exit_after_json(std::unique_ptr<bucket::Bucket> b, ExitCode code) {
  b.reset();
  std::fflush(stdout);
  std::exit(to_int(code));
}

void run_status() {
  auto policy = cli::unwrap(security::load_policy());
  auto b = open_bucket();
  json overview = cli::unwrap(security::security_overview(*b, policy));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.security_status.v1");
    doc["security"] = overview;
    doc["policy"] = policy.to_json();
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold("Bucket security") + "  policy " + policy.preset + " · tier " +
           std::string(security::tier_name(policy.tier)) + " · version " + policy.version);
  std::string tools;
  for (const auto& t : policy.effective_tools()) tools += (tools.empty() ? "" : ", ") + t;
  cli::say("  tools      " + (tools.empty() ? cli::yellow("none (policy off)") : tools));
  char line[256];
  std::snprintf(line, sizeof line, "  traces     %lld · %lld cleared · %lld withheld (%lld unscanned, %lld stale)",
                (long long)overview["total"], (long long)overview["cleared"], (long long)overview["unfiltered"],
                (long long)overview["unscanned"], (long long)overview["stale"]);
  cli::say(line);
  for (auto it = overview["withheld_by_reason"].begin(); it != overview["withheld_by_reason"].end(); ++it)
    cli::say("    " + it.key() + ": " + std::to_string(it.value().get<int64_t>()));
  for (const auto& s : overview["remediation"]["next_steps"]) cli::say("  next: " + s.get<std::string>());
}

struct RunFlags {
  bool all = false, accept = false, force = false;
  std::string trace;
};

void run_run(const RunFlags& f) {
  if (f.all == !f.trace.empty())
    cli::fail(ExitCode::kUsage, "USAGE", "bucket security run", "give exactly one of --all and --trace ID",
              "git opentraces bucket security run --all");
  auto policy = cli::unwrap(security::load_policy());
  auto b = open_bucket();
  security::RunOptions o;
  o.accept_open_findings = f.accept;
  o.force = f.force;
  if (!f.trace.empty()) o.trace = cli::unwrap(b->resolve_prefix(f.trace));
  auto rep = cli::unwrap(security::run_security(*b, policy, o));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.security_run.v1", rep.failed ? "partial" : "ok");
    doc["policy"] = policy.to_json();
    json summary = rep.to_json();
    for (auto& [k, v] : summary.items()) doc[k] = v;
    cli::emit_json(doc);
    if (rep.failed > 0) exit_after_json(std::move(b), ExitCode::kResource);
  } else {
    char line[256];
    std::snprintf(line, sizeof line, "Security run (%s, version %s): %d trace(s) · %d filtered · %d already filtered · %d still blocked · %d failed",
                  policy.preset.c_str(), policy.version.c_str(), rep.total, rep.filtered, rep.already_filtered,
                  rep.still_blocked, rep.failed);
    cli::say(line);
    std::string types;
    for (auto it = rep.findings_by_type.begin(); it != rep.findings_by_type.end(); ++it)
      types += (types.empty() ? "" : ", ") + it.key() + " " + std::to_string(it.value().get<int>());
    if (!types.empty()) cli::say("  found: " + types);
    for (const auto& t : rep.traces) {
      std::string o2 = t["outcome"];
      if (o2 == "failed") cli::say(cli::red("  failed " + t["trace_id"].get<std::string>() + ": " + t["error"]["message"].get<std::string>()));
      if (o2 == "still_blocked") cli::say(cli::yellow("  blocked " + t["trace_id"].get<std::string>() + ": " + t["reason"].get<std::string>()));
    }
  }
  if (rep.failed > 0) throw cli::Failure{make_error(ExitCode::kResource, "SECURITY_RUN_INCOMPLETE", "bucket security run",
                                                    std::to_string(rep.failed) + " trace(s) could not be scanned",
                                                    "see the failed traces above; `git opentraces bucket verify`")};
}

struct PolicyFlags {
  std::string preset, tool, tier;
  bool enable = false, disable = false, bump = false;
};

void run_policy(const PolicyFlags& f) {
  bool any = !f.preset.empty() || !f.tool.empty() || !f.tier.empty() || f.bump;
  if (!f.tool.empty() && f.enable == f.disable)
    cli::fail(ExitCode::kUsage, "USAGE", "bucket security policy", "--tool needs exactly one of --enable and --disable",
              "git opentraces bucket security policy --tool entropy --enable");
  if (f.tool.empty() && (f.enable || f.disable))
    cli::fail(ExitCode::kUsage, "USAGE", "bucket security policy", "--enable/--disable need --tool T");
  if (!f.preset.empty() && !f.tool.empty())
    cli::fail(ExitCode::kUsage, "USAGE", "bucket security policy", "give a preset or --tool, not both");
  std::vector<std::string> changes;
  security::Policy p;
  if (!f.preset.empty()) {
    p = cli::unwrap(security::apply_preset(f.preset));
    changes.push_back("policy " + f.preset);
  }
  if (!f.tool.empty()) {
    p = cli::unwrap(security::set_tool(f.tool, f.enable));
    changes.push_back(f.tool + (f.enable ? " enabled" : " disabled"));
  }
  if (!f.tier.empty()) {
    cli::unwrap(project::update_config([&](json& c) -> Status {
      if (!c.contains("security") || !c["security"].is_object()) c["security"] = json::object();
      c["security"]["privacy_tier"] = f.tier;
      return ok_status();
    }));
    changes.push_back("tier " + f.tier);
  }
  if (f.bump) {
    p = cli::unwrap(security::bump_version());
    changes.push_back("version bumped");
  }
  p = cli::unwrap(security::load_policy());
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.security_policy.v1");
    doc["policy"] = p.to_json();
    doc["changes"] = changes;
    doc["scope"] = "machine";
    cli::emit_json(doc);
    return;
  }
  if (!any) {
    cli::say("Policy " + p.preset + " · tier " + std::string(security::tier_name(p.tier)) + " · version " + p.version);
  } else {
    for (const auto& c : changes) cli::say("Set: " + c);
    cli::say(cli::yellow("Tool switches are machine-wide: they apply to every project on this machine."));
  }
  std::string tools;
  for (const auto& t : p.effective_tools()) tools += (tools.empty() ? "" : ", ") + t;
  cli::say("Tools that run: " + (tools.empty() ? std::string("none") : tools));
  if (any) cli::say("Next: git opentraces bucket security run --all");
}

void run_check(const std::vector<std::string>& traces, bool all) {
  if (all == !traces.empty())
    cli::fail(ExitCode::kUsage, "USAGE", "bucket security check", "give trace ids or --all, not both or neither",
              "git opentraces bucket security check --all");
  auto policy = cli::unwrap(security::load_policy());
  auto b = open_bucket();
  std::vector<json> rows;
  if (all) {
    rows = cli::unwrap(security::all_rows(*b));
  } else {
    for (const auto& t : traces) rows.push_back(cli::unwrap(b->row(cli::unwrap(b->resolve_prefix(t)))));
  }
  json items = json::array();
  int withheld = 0;
  std::string first_id;
  security::Clearance first;
  for (const auto& r : rows) {
    security::Clearance c = security::clear_for_egress(r, policy);
    json j = c.to_json();
    j["trace_id"] = r.value("trace_id", "");
    items.push_back(j);
    if (!c.cleared && withheld++ == 0) first = c, first_id = r.value("trace_id", "");
  }
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.security_check.v1", withheld ? "withheld" : "ok");
    doc["cleared"] = static_cast<int>(rows.size()) - withheld;
    doc["withheld"] = withheld;
    doc["traces"] = items;
    if (withheld) {
      doc["reason"] = "not_cleared_for_egress";
      doc["exit_code"] = to_int(ExitCode::kWithheld);
    }
    cli::emit_json(doc);
    if (withheld) exit_after_json(std::move(b), ExitCode::kWithheld);
    return;
  }
  for (const auto& j : items) {
    std::string id = j["trace_id"];
    if (j["cleared"].get<bool>()) cli::say(cli::green("  cleared   ") + id);
    else cli::say(cli::yellow("  withheld  ") + id + "  " + j["reason"].get<std::string>() + ": " + j["detail"].get<std::string>());
  }
  if (withheld) cli::fail(security::withheld_error(first, first_id + (withheld > 1 ? " (and " + std::to_string(withheld - 1) + " more)" : "")));
}

}  // namespace

void register_bucket_security(CLI::App& bucket_group) {
  CLI::App* group = cli::add_command(bucket_group, "security", "Security state, scans and policy of the bucket",
                                     "  git opentraces bucket security policy recommended\n"
                                     "  git opentraces bucket security run --all\n"
                                     "  git opentraces bucket security status\n");
  group->require_subcommand(1);

  CLI::App* status = cli::add_command(*group, "status", "How many traces are cleared to leave the machine, and why not",
                                      "  git opentraces bucket security status --json\n");
  status->callback([] { run_status(); });

  auto rf = std::make_shared<RunFlags>();
  CLI::App* run = cli::add_command(
      *group, "run", "Scan and redact traces with the machine policy; store each as a new generation",
      "  git opentraces bucket security run --all\n"
      "  git opentraces bucket security run --trace 3f2a --accept-open-findings\n"
      "Older generations and events of each scanned trace are redacted in place too.\n"
      "Exit 2: both/neither of --all/--trace, or the policy is off; exit 3 when a trace failed.\n");
  run->add_flag("--all", rf->all, "Every trace in the bucket");
  run->add_option("--trace", rf->trace, "One trace (id or unique prefix)");
  run->add_flag("--accept-open-findings", rf->accept, "Mark judge findings (classifier) as reviewed");
  run->add_flag("--force", rf->force, "Re-scan traces that are already cleared");
  run->callback([rf] { run_run(*rf); });

  auto pf = std::make_shared<PolicyFlags>();
  CLI::App* policy = cli::add_command(
      *group, "policy", "Show or set the machine-wide policy: off, basic, recommended, strict, or one tool",
      "  git opentraces bucket security policy recommended\n"
      "  git opentraces bucket security policy --tool entropy --disable\n"
      "  git opentraces bucket security policy --tier high\n"
      "  git opentraces bucket security policy --bump-version   # every scanned trace becomes stale\n");
  auto presets = CLI::IsMember({"off", "basic", "recommended", "strict"});
  policy->add_option("preset", pf->preset, "off | basic | recommended | strict")->check(presets);
  policy->add_option("--policy", pf->preset, "Same as the positional preset")->check(presets);
  policy->add_option("--tool", pf->tool, "A tool to switch (see `security tools list`)");
  policy->add_flag("--enable", pf->enable, "Switch --tool on");
  policy->add_flag("--disable", pf->disable, "Switch --tool off");
  policy->add_option("--tier", pf->tier, "Privacy tier for records scanned from now on")
      ->check(CLI::IsMember({"off", "low", "medium", "high"}));
  policy->add_flag("--bump-version", pf->bump, "Raise the security version: every scanned trace must be scanned again");
  policy->callback([pf] { run_policy(*pf); });

  auto traces = std::make_shared<std::vector<std::string>>();
  auto all = std::make_shared<bool>(false);
  CLI::App* check = cli::add_command(
      *group, "check", "The egress gate: is each trace cleared to leave this machine?",
      "  git opentraces bucket security check --all\n"
      "  git opentraces bucket security check 3f2a --json\n"
      "Exit 9 (NOT_CLEARED_FOR_EGRESS) when any trace is withheld; reasons: policy_off, unscanned,\n"
      "stale_version, tier_off, tools_missing, open_findings.\n");
  check->add_option("traces", *traces, "Trace ids or unique prefixes");
  check->add_flag("--all", *all, "Every trace");
  check->callback([traces, all] { run_check(*traces, *all); });
}

}  // namespace ot::cmd
