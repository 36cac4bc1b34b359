// `git opentraces setup`: install capture for Claude Code, Codex CLI, Pi and git.
//   setup                      wizard on a terminal; `--yes` installs every detected integration
//   setup claude-code|codex|pi|git [--dry-run] [--remove]
//   setup status               what is installed where, versions, drift, last hook call
// Mechanism lives in engine/capture/ (agent settings) and notes/hooks_install (git).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "engine/capture/agent_skills.h"
#include "engine/capture/integrations.h"
#include "engine/capture/otlp_env.h"
#include "engine/util/paths.h"
#include "engine/version.h"
#include "engine/util/fs.h"
#include "git-opentraces/cli.h"
#include "notes/hooks_install.h"
#include "notes/repo.h"

namespace ot::cmd {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSchema = "opentraces.setup.v1";
constexpr const char* kStatusSchema = "opentraces.setup_status.v1";

struct AgentOpts {
  bool dry_run = false;
  bool remove = false;
  bool project = false;
  bool skills = false;  // --skills: also install the agent-facing skill/commands (agent_skills.h)
  std::string file;  // --settings-file / --hooks-file
  bool otlp = false;  // claude-code: the OTLP exporter env entries instead of the hooks
  capture::OtlpEnvOptions otlp_env;
};

fs::path cwd() {
  std::error_code ec;
  auto p = fs::current_path(ec);
  return ec ? fs::path(".") : p;
}

std::string pretty_name(std::string_view agent) {
  if (agent == "claude-code") return "Claude Code";
  if (agent == "codex") return "Codex CLI";
  if (agent == "pi") return "Pi";
  return "git";
}

fs::path settings_target(std::string_view agent, const AgentOpts& o) {
  if (!o.file.empty()) return fs::absolute(o.file);
  if (agent == "claude-code") return capture::claude_settings_path(o.project, cwd());
  if (agent == "codex") return capture::codex_hooks_path();
  return capture::pi_settings_path(o.project, cwd());
}

// The agent-facing skill files (--skills): Claude Code's beside its settings file, Pi's in
// the extension package. Removal of the integration always removes ours; a re-run of
// `setup pi` keeps skills installed earlier (the package.json is rewritten from the
// template, so they are listed again).
ordered_json agent_skills(const std::string& agent, const AgentOpts& o, const fs::path& settings_file,
                          const std::optional<fs::path>& package_dir) {
  ordered_json out = ordered_json::array();
  std::vector<capture::SkillChange> changes;
  if (agent == "claude-code") {
    fs::path base = settings_file.parent_path();
    if (o.remove) changes = cli::unwrap(capture::remove_skills(agent, base, o.dry_run));
    else if (o.skills) changes = cli::unwrap(capture::install_skills(agent, base, capture::main_binary(), o.dry_run));
  } else if (agent == "pi" && !o.remove && package_dir) {
    bool had = false;
    for (const auto& f : capture::skill_files(agent, *package_dir, capture::main_binary())) {
      auto text = read_file(f.path);
      if (text.ok() && text->find(capture::kSkillMarker) != std::string::npos) had = true;
    }
    if (o.skills || had) {
      changes = cli::unwrap(capture::install_skills(agent, *package_dir, capture::main_binary(), o.dry_run));
      if (!o.dry_run) cli::unwrap(capture::set_pi_package_resources(*package_dir, true));
    }
  }
  for (const auto& c : changes) out.push_back({{"path", c.path.string()}, {"action", c.action}});
  return out;
}

// Installs or removes one agent integration; returns the result document.
ordered_json run_agent(const std::string& agent, const AgentOpts& o) {
  fs::path file = settings_target(agent, o);
  fs::path bin = capture::agent_hook_binary();
  capture::SettingsEdit add, strip;
  std::vector<std::string> events;
  std::optional<fs::path> package_dir;
  if (agent == "pi") {
    strip = capture::strip_pi_package();
    if (!o.remove) {
      package_dir = cli::unwrap(capture::deploy_pi_package(bin, o.dry_run));
      add = capture::add_pi_package(*package_dir);
    }
  } else if (o.otlp) {
    strip = capture::strip_otlp_env();
    add = capture::add_otlp_env(o.otlp_env);
  } else {
    events = agent == "codex" ? capture::codex_events() : capture::claude_events();
    strip = capture::strip_command_hooks();
    add = capture::add_command_hooks(agent, bin, events);
  }
  auto plan = cli::unwrap(o.remove ? capture::plan_remove(file, strip) : capture::plan_install(file, add));
  std::optional<fs::path> backup;
  // Claude Code's file may hold our hooks and our OTLP env: "untouched by us" means neither.
  capture::SettingsEdit untouched = agent == "claude-code" ? capture::strip_all_claude() : strip;
  if (!o.dry_run) backup = cli::unwrap(capture::apply_plan(plan, untouched));
  // The package dir is shared by every settings file that lists it: only the user-level
  // removal takes it away (a project's removal leaves it for the others).
  if (!o.dry_run && o.remove && agent == "pi" && !o.project && o.file.empty()) {
    std::error_code ec;
    fs::remove_all(capture::pi_package_dir(), ec);
  }
  // --otlp touches only the exporter env: the skills stay as they are.
  auto skills = o.otlp ? ordered_json::array() : agent_skills(agent, o, file, package_dir);

  ordered_json doc = cli::envelope(kSchema);
  doc["integration"] = agent;
  doc["action"] = o.remove ? "remove" : "install";
  doc["dry_run"] = o.dry_run;
  doc["changed"] = plan.changed;
  doc["target"] = plan.target.string();
  doc["backup"] = backup ? ordered_json(backup->string()) : ordered_json(nullptr);
  doc["restored_original"] = plan.restores_original;
  doc["removed_file"] = plan.remove_file;
  doc["binary"] = bin.string();
  doc["version"] = OT_VERSION;
  if (!events.empty()) doc["events"] = events;
  if (o.otlp) {
    ordered_json env = ordered_json::object();
    for (const auto& [k, v] : capture::otlp_env(o.otlp_env)) env[k] = v;
    doc["otlp"] = {{"endpoint", "http://127.0.0.1:" + std::to_string(o.otlp_env.port)}, {"env", env}};
  }
  if (package_dir) doc["package_dir"] = package_dir->string();
  if (!skills.empty()) doc["skills"] = skills;
  if (o.dry_run) doc["planned_content"] = plan.remove_file ? ordered_json(nullptr) : ordered_json(plan.after);
  return doc;
}

void render_agent(const ordered_json& d) {
  std::string name = pretty_name(d["integration"].get<std::string>());
  std::string target = d["target"].get<std::string>();
  bool changed = d["changed"].get<bool>();
  bool dry = d["dry_run"].get<bool>();
  std::string verb;
  if (d["action"] == "install") {
    std::string what = d.contains("events") ? std::to_string(d["events"].size()) + " hooks"
                       : d.contains("otlp")   ? "the OTLP exporter settings (" + d["otlp"]["endpoint"].get<std::string>() + ")"
                                              : "the extension package";
    verb = changed ? (dry ? "would register " : "registered ") + what + " in " : "already installed in ";
  } else {
    verb = changed ? (dry ? "would remove our entries from " : "removed our entries from ") : "nothing of ours in ";
  }
  cli::say(cli::bold(name) + ": " + verb + target);
  if (d["backup"].is_string()) cli::say("  backup of the previous file: " + d["backup"].get<std::string>());
  if (d["restored_original"].get<bool>() && !dry)
    cli::say(d["removed_file"].get<bool>() ? "  the file did not exist before setup: removed"
                                           : "  restored the file exactly as it was before setup");
  if (d.contains("package_dir")) cli::say("  extension package: " + d["package_dir"].get<std::string>());
  if (d.contains("skills"))
    for (const auto& s : d["skills"])
      cli::say("  skill file " + s["action"].get<std::string>() + ": " + s["path"].get<std::string>());
  if (dry) cli::say(cli::dim("  (dry run: nothing was written; --json shows the planned file)"));
  if (d.contains("otlp") && d["action"] == "install" && !dry)
    cli::say("  new Claude Code sessions export telemetry there; start the receiver: git opentraces capture-otlp start");
  if (d["integration"] == "codex" && d["action"] == "install" && changed && !dry)
    cli::say("  Codex runs new hooks only after you trust them: start `codex` once and approve the review it\n"
             "  asks for (\"hooks need review\"); until then `codex exec` skips them.");
}

ordered_json run_git(bool dry_run, bool remove) {
  auto r = cli::unwrap(remove ? git::remove_git_integration(cwd(), dry_run)
                              : git::install_git_integration(cwd(), capture::self_binary(), dry_run));
  ordered_json doc = cli::envelope(kSchema, r.refused() ? "partial" : "ok");
  doc["integration"] = "git";
  doc["action"] = remove ? "remove" : "install";
  doc["dry_run"] = dry_run;
  doc["changed"] = r.changed();
  doc["repo"] = r.repo_root.string();
  doc["hooks_dir"] = r.hooks_dir.string();
  doc["hooks_path_configured"] = r.hooks_path_configured;
  doc["hooks"] = ordered_json::array();
  for (const auto& h : r.hooks)
    doc["hooks"].push_back({{"name", h.name}, {"path", h.path.string()}, {"action", h.action}, {"detail", h.detail}});
  doc["config"] = ordered_json::array();
  for (const auto& c : r.config)
    doc["config"].push_back({{"key", c.key}, {"value", c.value}, {"action", c.action}, {"detail", c.detail}});
  return doc;
}

void render_git(const ordered_json& d) {
  cli::say(cli::bold("git") + ": " + d["repo"].get<std::string>() + " (hooks in " +
           d["hooks_dir"].get<std::string>() + (d["hooks_path_configured"].get<bool>() ? ", from core.hooksPath)" : ")"));
  for (const auto& h : d["hooks"]) {
    std::string line = "  " + h["name"].get<std::string>() + ": " + h["action"].get<std::string>();
    if (h["action"] == "refused") line = cli::yellow(line) + " — " + h["detail"].get<std::string>();
    cli::say(line);
  }
  for (const auto& c : d["config"]) {
    std::string line = "  " + c["key"].get<std::string>() + " " + c["value"].get<std::string>() + ": " +
                       c["action"].get<std::string>();
    if (!c["detail"].get<std::string>().empty()) line += " (" + c["detail"].get<std::string>() + ")";
    cli::say(line);
  }
  if (d["dry_run"].get<bool>()) cli::say(cli::dim("  (dry run: nothing was written)"));
}

// Emits a result; a refused git hook exits 3 after the document is out.
void finish(const ordered_json& doc, void (*render)(const ordered_json&)) {
  if (cli::globals().json) cli::emit_json(doc);
  else render(doc);
  if (doc["status"] == "partial") {
    std::fflush(stdout);
    std::exit(to_int(ExitCode::kResource));
  }
}

ordered_json status_doc() {
  ordered_json doc = cli::envelope(kStatusSchema);
  doc["cli_version"] = OT_VERSION;
  doc["binary"] = capture::self_binary().string();
  ordered_json items = ordered_json::array();
  items.push_back(ordered_json(capture::to_json(capture::command_hooks_status("claude-code", capture::claude_settings_path(false, cwd())))));
  items.push_back(ordered_json(capture::to_json(capture::command_hooks_status("codex", capture::codex_hooks_path()))));
  items.push_back(ordered_json(capture::to_json(capture::pi_status(capture::pi_settings_path(false, cwd())))));
  auto g = git::git_integration_status(cwd());
  if (g.ok()) {
    ordered_json gj = {{"name", "git"}, {"target", g->hooks_dir.string()}, {"installed", g->installed},
                       {"repo", g->repo_root.string()}, {"rewrite_ref", g->rewrite_ref},
                       {"fetch_refspec", g->fetch_refspec}, {"has_origin", g->has_origin}};
    ordered_json hooks = ordered_json::array();
    ordered_json drift = ordered_json::array();
    for (const auto& h : g->hooks) {
      hooks.push_back({{"name", h.name}, {"present", h.block.present}, {"chained", h.block.foreign_content},
                       {"version", h.block.version}, {"binary", h.block.binary}});
      if (h.block.present && h.block.version != OT_VERSION) drift.push_back(h.name + ": version-drift");
      std::error_code ec;
      if (h.block.present && !fs::exists(h.block.binary, ec)) drift.push_back(h.name + ": binary-missing");
    }
    gj["hooks"] = hooks;
    gj["drift"] = drift;
    items.push_back(gj);
  } else {
    items.push_back({{"name", "git"}, {"installed", false}, {"error", g.error().message}});
  }
  doc["integrations"] = items;
  bool drift = false;
  for (const auto& i : items) drift = drift || (i.contains("drift") && !i["drift"].empty());
  doc["drift"] = drift;
  return doc;
}

void render_status(const ordered_json& d) {
  for (const auto& i : d["integrations"]) {
    std::string name = pretty_name(i["name"].get<std::string>());
    std::string state = i.contains("error") && !i["installed"].get<bool>() && i["name"] != "git"
                            ? cli::red("error")
                            : i["installed"].get<bool>() ? cli::green("installed") : cli::dim("not installed");
    std::string line = cli::bold(name) + ": " + state;
    if (i.contains("target")) line += "  " + i["target"].get<std::string>();
    cli::say(line);
    if (i.contains("error")) cli::say("  " + i["error"].get<std::string>());
    if (i.contains("drift") && !i["drift"].empty()) {
      std::string drift;
      for (const auto& x : i["drift"]) drift += (drift.empty() ? "" : ", ") + x.get<std::string>();
      cli::say("  " + cli::yellow("drift: " + drift) + " — run `git opentraces setup " + i["name"].get<std::string>() +
               "` again");
    }
    if (i.contains("last_seen") && i["last_seen"].is_string())
      cli::say("  last hook call: " + i["last_seen"].get<std::string>());
  }
}

bool detected(std::string_view agent) {
  std::error_code ec;
  fs::path home = user_home();
  if (agent == "claude-code") return fs::exists(home / ".claude", ec) || find_on_path("claude").has_value();
  if (agent == "codex") return fs::exists(capture::codex_hooks_path().parent_path(), ec) || find_on_path("codex").has_value();
  if (agent == "pi") return fs::exists(home / ".pi", ec) || find_on_path("pi").has_value();
  return git::discover_repo(cwd()).ok();
}

bool ask_yes(const std::string& question) {
  std::cout << question << " [Y/n] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer.empty() || answer[0] == 'y' || answer[0] == 'Y';
}

void run_wizard(bool yes) {
  if (!yes) cli::require_interactive("setup", "pass --yes to install every detected integration, or name one: "
                                              "`git opentraces setup claude-code|codex|pi|git`");
  ordered_json doc = cli::envelope(kSchema);
  doc["integration"] = "all";
  ordered_json results = ordered_json::array();
  ordered_json skipped = ordered_json::array();
  for (std::string name : {"claude-code", "codex", "pi", "git"}) {
    if (!detected(name)) {
      skipped.push_back({{"integration", name}, {"reason", name == "git" ? "not inside a git repository" : "agent not found"}});
      continue;
    }
    if (!yes && !ask_yes("Install capture for " + pretty_name(name) + "?")) {
      skipped.push_back({{"integration", name}, {"reason", "declined"}});
      continue;
    }
    try {
      ordered_json r = name == "git" ? run_git(false, false) : run_agent(name, AgentOpts{});
      if (!cli::globals().json) name == "git" ? render_git(r) : render_agent(r);
      results.push_back(r);
    } catch (const cli::Failure& f) {
      if (!cli::globals().json) cli::say(cli::red(pretty_name(name) + ": " + f.error.message));
      skipped.push_back({{"integration", name}, {"reason", f.error.message}});
    }
  }
  doc["results"] = results;
  doc["skipped"] = skipped;
  if (cli::globals().json) {
    cli::emit_json(doc);
    return;
  }
  for (const auto& s : skipped)
    cli::say(cli::dim(pretty_name(s["integration"].get<std::string>()) + ": skipped (" +
                      s["reason"].get<std::string>() + ")"));
  cli::say("Next: `git opentraces init` in a project (or just start an agent there: global tracking enrols it), "
           "then `git opentraces setup status`.");
}

void add_agent_command(CLI::App& group, const std::string& agent, const std::string& file_flag,
                       const std::string& description, const std::string& examples, bool has_project) {
  auto opts = std::make_shared<AgentOpts>();
  CLI::App* sub = cli::add_command(group, agent, description, examples);
  sub->add_flag("--dry-run", opts->dry_run, "Show what would change; write nothing");
  sub->add_flag("--remove,--uninstall", opts->remove, "Remove our entries (restoring the original file when untouched since)");
  sub->add_option(file_flag, opts->file, "Settings file to edit instead of the default");
  if (has_project)
    sub->add_flag("--project", opts->project, "Edit this project's settings instead of the user's");
  if (agent == "claude-code" || agent == "pi")
    sub->add_flag("--skills", opts->skills,
                  "Also install the opentraces skill and /ot-search, /ot-trace, /ot-warmup commands for the agent");
  if (agent == "claude-code") {
    sub->add_flag("--otlp", opts->otlp, "The OTLP exporter env settings (telemetry to capture-otlp) instead of the hooks");
    sub->add_option("--port", opts->otlp_env.port, "--otlp: the receiver's port on 127.0.0.1 (default 4318)")
        ->check(CLI::Range(1, 65535));
    sub->add_flag("--log-prompts", opts->otlp_env.log_prompts, "--otlp: also export prompt text (OTEL_LOG_USER_PROMPTS=1)");
    sub->add_flag("--log-tool-details", opts->otlp_env.log_tool_details,
                  "--otlp: also export tool inputs (OTEL_LOG_TOOL_DETAILS=1)");
    sub->add_flag("--force", opts->otlp_env.force, "--otlp: replace telemetry settings git-opentraces did not write");
  }
  sub->callback([agent, opts] {
    ordered_json doc = run_agent(agent, *opts);
    finish(doc, render_agent);
  });
}

}  // namespace

void register_setup(CLI::App& root) {
  CLI::App* group = cli::add_command(
      root, "setup", "Install capture hooks for Claude Code, Codex, Pi and git",
      "  git opentraces setup                      ask, per detected agent (terminal only)\n"
      "  git opentraces setup --yes                install every detected integration\n"
      "  git opentraces setup claude-code          register hooks in ~/.claude/settings.json\n"
      "  git opentraces setup git --dry-run        show what the git hooks would change\n"
      "  git opentraces setup status --json        what is installed, versions, drift\n"
      "\nDocs: docs/capture.md");
  group->require_subcommand(0, 1);
  auto yes = std::make_shared<bool>(false);
  group->add_flag("--yes,-y", *yes, "Install every detected integration without asking");
  group->callback([group, yes] {
    if (!group->get_subcommands().empty()) return;
    run_wizard(*yes);
  });

  add_agent_command(*group, "claude-code", "--settings-file",
                    "Register capture hooks in Claude Code's settings.json",
                    "  git opentraces setup claude-code\n"
                    "  git opentraces setup claude-code --project     this repo's .claude/settings.local.json\n"
                    "  git opentraces setup claude-code --skills      + skill and /ot-search /ot-trace /ot-warmup\n"
                    "  git opentraces setup claude-code --remove\n"
                    "  git opentraces setup claude-code --otlp          exporter env → capture-otlp on 127.0.0.1:4318\n"
                    "  git opentraces setup claude-code --otlp --uninstall\n",
                    true);
  add_agent_command(*group, "codex", "--hooks-file", "Register capture hooks in Codex CLI's hooks.json",
                    "  git opentraces setup codex                     $CODEX_HOME/hooks.json or ~/.codex/hooks.json\n"
                    "  git opentraces setup codex --dry-run --json\n",
                    false);
  group->get_subcommand("codex")->alias("codex-cli");
  add_agent_command(*group, "pi", "--settings-file", "Install the Pi capture extension and list it in Pi's settings",
                    "  git opentraces setup pi                        ~/.pi/agent/settings.json\n"
                    "  git opentraces setup pi --project              this repo's .pi/settings.json\n"
                    "  git opentraces setup pi --skills               + skill and /ot-search /ot-trace /ot-warmup\n",
                    true);

  auto git_opts = std::make_shared<AgentOpts>();
  CLI::App* git_cmd = cli::add_command(*group, "git", "Install the git hooks and notes config in this repository",
                                       "  git opentraces setup git\n"
                                       "  git opentraces setup git --remove\n");
  git_cmd->add_flag("--dry-run", git_opts->dry_run, "Show what would change; write nothing");
  git_cmd->add_flag("--remove", git_opts->remove, "Remove our hook blocks and config entries");
  git_cmd->callback([git_opts] { finish(run_git(git_opts->dry_run, git_opts->remove), render_git); });

  CLI::App* status = cli::add_command(*group, "status", "Show installed integrations, versions, drift, last hook call",
                                      "  git opentraces setup status\n  git opentraces setup status --json\n");
  status->callback([] {
    ordered_json doc = status_doc();
    if (cli::globals().json) cli::emit_json(doc);
    else render_status(doc);
  });
}

}  // namespace ot::cmd
