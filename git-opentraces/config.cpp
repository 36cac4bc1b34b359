// `config show|get|set|tracking-mode`: the machine config and the project marker's policy keys.
#include <filesystem>

#include "engine/project/config.h"
#include "engine/project/marker.h"
#include "engine/project/project.h"
#include "engine/util/paths.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {
namespace {

namespace fs = std::filesystem;

std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The enrolled project of the current directory, or a clear error.
project::ProjectInfo current_project() {
  auto p = cli::unwrap(project::find_project(fs::current_path()));
  if (!p)
    cli::fail(ExitCode::kResource, "PROJECT_NOT_INITIALIZED", "config",
              "this repository is not enrolled (no .opentraces.json)", "run `git opentraces init` first");
  return *p;
}

void run_show() {
  json config = project::masked_config(cli::unwrap(project::load_config()));
  auto projects = config.value("projects", json::object());
  // Reference 2.5: JSON when asked for or when piped.
  if (cli::globals().json || !cli::globals().stdout_tty) {
    auto doc = cli::envelope("opentraces.config.show.v1");
    doc["config_path"] = config_path().string();
    doc["config"] = config;
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold("GLOBAL") + "  " + config_path().string());
  cli::say("  config version        " + value_text(config["config_version"]));
  cli::say("  tracking mode         " + project::tracking_mode(config));
  cli::say("  dataset visibility    " + value_text(config["dataset_visibility"]));
  cli::say("  classifier            " + value_text(config["classifier_sensitivity"]));
  cli::say("  hf token              " + std::string(std::getenv("HF_TOKEN") ? "from HF_TOKEN" : "see `auth whoami`"));
  cli::say(cli::bold("REGISTERED PROJECTS") + "  (" + std::to_string(projects.size()) + ")");
  const auto& excluded = config["excluded_projects"];
  for (auto it = projects.begin(); it != projects.end(); ++it) {
    bool ex = std::find(excluded.begin(), excluded.end(), json(it.key())) != excluded.end();
    cli::say("  " + it.value().value("slug", std::string("?")) + "  " + it.key() + (ex ? cli::yellow("  [excluded]") : ""));
  }
  cli::say(cli::bold("SECURITY"));
  for (auto it = config["security"].begin(); it != config["security"].end(); ++it)
    cli::say("  " + it.key() + "  " + value_text(it.value()));
  cli::say(cli::bold("BUCKET") + "  " + value_text(config["bucket"]));
}

void run_get(const std::string& key, bool project_scope) {
  json value;
  std::string source = "global";
  if (project_scope) {
    auto p = current_project();
    const auto& keys = project::marker_keys();
    if (std::find(keys.begin(), keys.end(), key) == keys.end() && key != "project_id" &&
        key != "marker_version" && key != "root_commit_sha")
      cli::fail(ExitCode::kUsage, "UNKNOWN_CONFIG_KEY", "config", "`" + key + "` is not a project key",
                "project keys are listed by `git opentraces config set --help`");
    value = p.marker.value(key, json(nullptr));
    source = "project";
  } else {
    value = cli::unwrap(project::config_get(cli::unwrap(project::load_config()), key));
  }
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.config.get.v1");
    doc["key"] = key;
    doc["value"] = value;
    doc["source"] = source;
    cli::emit_json(doc);
    return;
  }
  cli::say(value_text(value));
}

void run_set(const std::string& key, const std::string& value, bool project_scope, bool global_scope, bool append) {
  if (project_scope && global_scope)
    cli::fail(ExitCode::kUsage, "USAGE", "config", "--project and --global are mutually exclusive", "pick one");
  json stored;
  if (project_scope) {
    auto p = current_project();
    json marker = p.marker;
    cli::unwrap(project::marker_set(marker, key, value, append));
    cli::unwrap(project::write_marker(p.root, marker));
    stored = marker[key];
  } else {
    json config = cli::unwrap(project::update_config(
        [&](json& c) { return project::config_set(c, key, value, append); }));
    stored = cli::unwrap(project::config_get(config, key));
  }
  std::string scope = project_scope ? "project" : "global";
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.config.set.v1");
    doc["scope"] = scope;
    doc["key"] = key;
    doc["value"] = stored;
    cli::emit_json(doc);
    return;
  }
  cli::say("Set " + key + "=" + value_text(stored) + " (" + scope + ")");
}

void run_tracking_mode(const std::string& mode) {
  json config;
  if (mode.empty()) {
    config = cli::unwrap(project::load_config());
  } else {
    config = cli::unwrap(project::update_config(
        [&](json& c) { return project::config_set(c, "capture.tracking_mode", mode, false); }));
  }
  std::string current = project::tracking_mode(config);
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.config.tracking_mode.v1");
    doc["tracking_mode"] = current;
    doc["changed"] = !mode.empty();
    cli::emit_json(doc);
    return;
  }
  cli::say("tracking mode: " + cli::bold(current) +
           (current == "global" ? "  (repositories are enrolled the first time an agent works in them)"
                                : "  (only repositories enrolled with `git opentraces init` are captured)"));
}

}  // namespace

void register_config(CLI::App& root) {
  auto* config = cli::add_command(root, "config", "Show or change settings (machine config and project marker)",
                                  "  git opentraces config show\n"
                                  "  git opentraces config get capture.tracking_mode\n"
                                  "  git opentraces config set --project excluded true\n"
                                  "  git opentraces config tracking-mode manual\n");
  config->require_subcommand(1);

  auto* show = cli::add_command(*config, "show", "Print the whole config (secrets masked)",
                                "  git opentraces config show\n  git opentraces config show --json\n");
  show->callback([] { run_show(); });

  auto key = std::make_shared<std::string>();
  auto value = std::make_shared<std::string>();
  auto project_scope = std::make_shared<bool>(false);
  auto global_scope = std::make_shared<bool>(false);
  auto append = std::make_shared<bool>(false);

  auto* get = cli::add_command(*config, "get", "Print one key (dotted for nested keys)",
                               "  git opentraces config get dataset_visibility\n"
                               "  git opentraces config get security.trufflehog.enabled --json\n"
                               "  git opentraces config get --project excluded\n");
  get->add_option("key", *key, "Config key")->required();
  get->add_flag("--project", *project_scope, "Read the project marker instead of the machine config");
  get->callback([=] { run_get(*key, *project_scope); });

  auto* set = cli::add_command(*config, "set", "Set one key (global by default)",
                               "  git opentraces config set classifier_sensitivity high\n"
                               "  git opentraces config set excluded_projects ~/secret-repo --append\n"
                               "  git opentraces config set --project excluded true\n"
                               "Project keys: excluded, review_policy, push_policy, remotes (JSON),\n"
                               "active_remote, default_visibility, agents, post_processors (JSON).\n");
  set->add_option("key", *key, "Config key")->required();
  set->add_option("value", *value, "New value")->required();
  set->add_flag("--project", *project_scope, "Change this repository's marker (.opentraces.json)");
  set->add_flag("--global", *global_scope, "Change the machine config (default)");
  set->add_flag("--append", *append, "Add to a list instead of replacing it");
  set->callback([=] { run_set(*key, *value, *project_scope, *global_scope, *append); });

  auto mode = std::make_shared<std::string>();
  auto* tracking = cli::add_command(*config, "tracking-mode", "Show or set capture tracking: global or manual",
                                    "  git opentraces config tracking-mode\n"
                                    "  git opentraces config tracking-mode manual\n");
  tracking->add_option("mode", *mode, "global | manual")->check(CLI::IsMember({"global", "manual"}));
  tracking->callback([mode] { run_tracking_mode(*mode); });
}

}  // namespace ot::cmd
