// `git opentraces security`: the tool registry, ad-hoc sanitizing of JSON on stdin, and
// reversing path placeholders with the local key (docs/security.md). Engine: engine/security/.
#include <iostream>
#include <iterator>

#include "engine/project/config.h"
#include "engine/security/policy.h"
#include "engine/security/sanitize.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

std::string tool_state(const security::ToolInfo& t, const security::Policy& p) {
  bool avail = security::tool_available(t);
  bool on = p.enabled.count(t.name) > 0;
  if (!avail) return on ? "enabled_missing" : "not_installed";
  return on ? "enabled" : "disabled";
}

json tool_json(const security::ToolInfo& t, const security::Policy& p) {
  std::string state = tool_state(t, p);
  std::string detail = t.description;
  if (state == "enabled_missing") detail = t.program + " is not on PATH: enabled, but it cannot run (never required)";
  if (state == "not_installed") detail = t.program + " is not on PATH (optional)";
  return {{"name", t.name},
          {"display_name", t.display_name},
          {"kind", security::kind_name(t.kind)},
          {"enabled", p.enabled.count(t.name) > 0},
          {"state", state},
          {"available", security::tool_available(t)},
          {"detail", detail},
          {"setup_cmd", "git opentraces bucket security policy --tool " + t.name + " --enable"},
          {"disable_cmd", "git opentraces bucket security policy --tool " + t.name + " --disable"}};
}

void run_tools_list() {
  auto policy = cli::unwrap(security::load_policy());
  json tools = json::array();
  for (const auto& t : security::tool_registry()) tools.push_back(tool_json(t, policy));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.security_tools.v1");
    doc["policy"] = policy.to_json();
    doc["tools"] = tools;
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold("Security tools") + "  policy " + policy.preset + " · tier " +
           std::string(security::tier_name(policy.tier)) + " · version " + policy.version);
  for (const auto& t : tools) {
    bool on = t["enabled"].get<bool>();
    char line[512];
    std::snprintf(line, sizeof line, "  [%s] %-16s %-12s %-16s %s", on ? "on " : "off", t["name"].get<std::string>().c_str(),
                  t["kind"].get<std::string>().c_str(), t["state"].get<std::string>().c_str(),
                  t["detail"].get<std::string>().c_str());
    cli::say(on ? cli::green(line) : std::string(line));
  }
  if (policy.enabled.empty()) cli::say("\nEvery tool is off. Turn on a policy: git opentraces bucket security policy recommended");
}

void run_tools_info(const std::string& name) {
  const security::ToolInfo* t = security::find_tool(name);
  if (!t) {
    std::string names;
    for (const auto& x : security::tool_registry()) names += (names.empty() ? "" : ", ") + x.name;
    cli::fail(ExitCode::kUsage, "UNKNOWN_SECURITY_TOOL", "security tools info", "unknown security tool `" + name + "`",
              "known tools: " + names);
  }
  auto policy = cli::unwrap(security::load_policy());
  json j = tool_json(*t, policy);
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.security_tools.v1");
    doc["tool"] = j;
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold(t->display_name) + " (" + t->name + ", " + std::string(security::kind_name(t->kind)) + ")");
  cli::say("  state    " + j["state"].get<std::string>());
  cli::say("  what     " + t->description);
  cli::say("  enable   " + j["setup_cmd"].get<std::string>());
  cli::say("  disable  " + j["disable_cmd"].get<std::string>());
}

struct SanitizeFlags {
  std::string tools, tier, scope;
  bool use_config = false;
};

json read_stdin_json(const char* kind) {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  auto doc = parse_json(text, "stdin");
  if (!doc.ok() || !doc->is_object())
    cli::fail(ExitCode::kUsage, "INVALID_INPUT", kind, "stdin must hold one JSON object: {\"text\": ...}, {\"row\": ...} or {\"record\": ...}",
              "echo '{\"text\": \"token ghp_...\"}' | git opentraces security sanitize --use-config");
  return std::move(doc).value();
}

void run_sanitize(const SanitizeFlags& f) {
  if (f.tools.empty() == !f.use_config)
    cli::fail(ExitCode::kUsage, "USAGE", "security sanitize", "give exactly one of --tools and --use-config",
              "git opentraces security sanitize --tools regex,entropy < in.json");
  json config = cli::unwrap(project::load_config());
  security::Policy policy;
  if (f.use_config) {
    policy = cli::unwrap(security::policy_from_config(config));
    if (!f.tier.empty()) policy.tier = *security::parse_tier(f.tier);
  } else {
    auto tier = f.tier.empty() ? security::Tier::medium : *security::parse_tier(f.tier);
    policy = cli::unwrap(security::policy_for_tools(f.tools, config, tier));
  }
  json in = read_stdin_json("security sanitize");
  const char* kinds[] = {"text", "row", "record"};
  std::string kind;
  for (const char* k : kinds)
    if (in.contains(k)) {
      if (!kind.empty())
        cli::fail(ExitCode::kUsage, "INVALID_INPUT", "security sanitize", "stdin has both `" + kind + "` and `" + k + "`",
                  "send one of text, row, record");
      kind = k;
    }
  if (kind.empty())
    cli::fail(ExitCode::kUsage, "INVALID_INPUT", "security sanitize", "stdin has none of `text`, `row`, `record`",
              "echo '{\"text\": \"...\"}' | git opentraces security sanitize --use-config");
  if (kind == "text" && !in["text"].is_string())
    cli::fail(ExitCode::kUsage, "INVALID_INPUT", "security sanitize", "`text` must be a string");
  std::string scope = f.scope;
  if (scope.empty() && kind == "record" && in["record"].is_object()) scope = in["record"].value("trace_id", "");
  auto out = cli::unwrap(security::sanitize(in[kind], policy, {.scope = scope, .path_key = {}}));
  auto doc = cli::envelope("opentraces.security_sanitize.v1");
  doc["input_kind"] = kind;
  doc["sanitized"] = out.value;
  json report = out.report();
  if (kind == "text") {
    doc["findings"] = report["findings"];
    doc["report"] = report;
  } else {
    doc["report"] = report;
  }
  if (cli::globals().json || !cli::globals().stdout_tty) {
    cli::emit_json(doc);  // a pipe gets the JSON document either way (the output is data)
    return;
  }
  cli::say(kind == "text" ? out.value.get<std::string>() : pretty_json(out.value));
  cli::say(cli::dim(std::to_string(out.redactions) + " redaction(s) · tools " + report["tools_applied"].dump()));
}

void run_reveal(const std::string& scope) {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  std::string out = cli::unwrap(security::reveal_paths(text, scope));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.security_reveal.v1");
    doc["scope"] = scope;
    doc["text"] = out;
    cli::emit_json(doc);
    return;
  }
  std::cout << out;
}

}  // namespace

void register_security(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "security", "Scanners, redaction and the egress gate",
                                     "  git opentraces security tools list\n"
                                     "  echo '{\"text\":\"key AKIA...\"}' | git opentraces security sanitize --tools regex\n"
                                     "  git opentraces bucket security policy recommended\n");
  group->require_subcommand(1);

  CLI::App* tools = cli::add_command(*group, "tools", "The security tools: list, info", "  git opentraces security tools list\n");
  tools->require_subcommand(1);
  CLI::App* list = cli::add_command(*tools, "list", "Every tool, whether it is enabled and can run",
                                    "  git opentraces security tools list\n  git opentraces security tools list --json\n");
  list->callback([] { run_tools_list(); });
  auto name = std::make_shared<std::string>();
  CLI::App* info = cli::add_command(*tools, "info", "One tool: what it does, its state, how to switch it",
                                    "  git opentraces security tools info entropy\nExit 2 for an unknown tool.\n");
  info->add_option("name", *name, "Tool name (regex, entropy, trufflehog, gitleaks, business_logic, path_anonymizer, classifier)")
      ->required();
  info->callback([name] { run_tools_info(*name); });

  auto f = std::make_shared<SanitizeFlags>();
  CLI::App* san = cli::add_command(
      *group, "sanitize", "Redact JSON from stdin: {\"text\": ...}, {\"row\": ...} or {\"record\": ...}",
      "  echo '{\"text\":\"export GITHUB_TOKEN=ghp_...\"}' | git opentraces security sanitize --tools regex,entropy\n"
      "  git opentraces security sanitize --use-config < row.json > clean.json\n"
      "Prints {sanitized, findings|report}; findings never contain the secret. Exit 2 on bad input or flags.\n");
  san->add_option("--tools", f->tools, "Comma-separated tools to run (ignores the machine policy)");
  san->add_flag("--use-config", f->use_config, "Run the machine-wide policy's tools (config.json)");
  san->add_option("--tier", f->tier, "Privacy tier: off, low, medium (default), high")
      ->check(CLI::IsMember({"off", "low", "medium", "high"}));
  san->add_option("--scope", f->scope, "Path-anonymizer scope (default: the record's trace_id)");
  san->callback([f] { run_sanitize(*f); });

  auto scope = std::make_shared<std::string>();
  CLI::App* reveal = cli::add_command(
      *group, "reveal", "Turn [USER:...] placeholders from stdin back into names (needs this machine's key)",
      "  git opentraces trace get TRACE | git opentraces security reveal --scope TRACE\n"
      "Placeholders made with another key or scope are left as they are.\n");
  reveal->add_option("--scope", *scope, "The scope the placeholders were made in (the trace id)")->required();
  reveal->callback([scope] { run_reveal(*scope); });
}

}  // namespace ot::cmd
