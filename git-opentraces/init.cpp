// `init` and `remove`: enrol this repository for capture, or undo it.
#include <filesystem>
#include <iostream>

#include "engine/project/marker.h"
#include "engine/project/project.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {
namespace {

namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

// Reads a comma-separated agent list from the terminal (init without --agent).
std::vector<std::string> ask_agents() {
  std::cerr << "Which agents do you use here? (" << join(project::supported_agents())
            << ") [claude-code]: " << std::flush;
  std::string line;
  std::getline(std::cin, line);
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= line.size()) {
    size_t comma = line.find(',', start);
    std::string item = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(cli::unwrap(project::canonical_agent(item)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.empty()) out.push_back("claude-code");
  return out;
}

void run_init(const std::vector<std::string>& raw_agents) {
  std::vector<std::string> agents;
  for (const auto& a : raw_agents) agents.push_back(cli::unwrap(project::canonical_agent(a)));
  // Only a fresh init on a terminal asks; scripts get an enrolment with no agents,
  // and the first capture of each agent adds it (global tracking).
  if (agents.empty() && cli::interactive()) {
    auto existing = cli::unwrap(project::find_project(fs::current_path()));
    if (!existing) agents = ask_agents();
  }
  auto r = cli::unwrap(project::init_project(fs::current_path(), agents));
  const auto& p = r.project;
  std::string message = !r.already_initialized        ? "Initialized"
                        : r.agents_added.empty() ? "Already initialized"
                                                      : "Updated initialized project";
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.init.v1");
    doc["message"] = message;
    doc["project_id"] = p.project_id;
    doc["slug"] = p.slug;
    doc["project_root"] = p.root.string();
    doc["marker_path"] = project::marker_path(p.root).string();
    doc["review_policy"] = p.marker.value("review_policy", "review");
    doc["push_policy"] = p.marker.value("push_policy", "manual");
    doc["default_visibility"] = p.marker.value("default_visibility", "private");
    doc["agents"] = p.agents;
    doc["agents_added"] = r.agents_added;
    doc["moved_from"] = r.moved_from ? json(r.moved_from->string()) : json(nullptr);
    doc["next_steps"] = json::array({"git opentraces setup git --yes   # anchor agent edits to commits",
                                     "git opentraces setup claude-code --yes   # or codex / pi"});
    doc["next_command"] = "git opentraces setup git";
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::green(message) + " " + cli::bold(p.slug) + " at " + p.root.string());
  if (r.moved_from) cli::say("  recognised a moved checkout (was " + r.moved_from->string() + ")");
  cli::say("  marker      " + project::marker_path(p.root).string());
  cli::say("  agents      " + (p.agents.empty() ? std::string("(added on first capture)") : join(p.agents)) +
           (r.agents_added.empty() || !r.already_initialized ? "" : "   (added: " + join(r.agents_added) + ")"));
  cli::say("  policy      review_policy " + p.marker.value("review_policy", std::string("review")) + ", push_policy " +
           p.marker.value("push_policy", std::string("manual")) + ", visibility " +
           p.marker.value("default_visibility", std::string("private")));
  cli::say(cli::dim("next: git opentraces setup git --yes   then   git opentraces setup <agent> --yes"));
}

void run_remove(bool all, bool yes) {
  if (all && !yes) {
    cli::require_interactive("remove", "pass --yes to delete refs/notes/opentraces without asking");
    std::cerr << "This deletes refs/notes/opentraces (the attribution of every commit) in this clone. "
                 "Continue? [y/N] "
              << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes")
      cli::fail(ExitCode::kDeclined, "DECLINED", "remove", "nothing removed", "");
  }
  auto r = cli::unwrap(project::remove_project(fs::current_path(), all));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.remove.v1");
    doc["project_root"] = r.root.string();
    doc["removed_local"] = r.removed_marker;
    doc["unregistered"] = r.unregistered;
    doc["purged_refs"] = r.purged_refs;
    doc["remote_changed"] = false;
    doc["next_steps"] = json::array({"git opentraces setup git --remove   # drop the git hooks too"});
    doc["next_command"] = "git opentraces init";
    cli::emit_json(doc);
    return;
  }
  if (!r.removed_marker && !r.unregistered && r.purged_refs.empty()) {
    cli::say("Nothing to remove: " + r.root.string() + " is not enrolled.");
    return;
  }
  cli::say(cli::green("Removed") + " " + r.root.string() + " from capture.");
  if (r.removed_marker) cli::say("  deleted .opentraces.json (commit the deletion if it was tracked)");
  for (const auto& ref : r.purged_refs) cli::say("  deleted " + ref);
  cli::say(cli::dim("captured traces stay in the bucket; git hooks stay until `git opentraces setup git --remove`"));
}

}  // namespace

void register_init(CLI::App& root) {
  auto* init = cli::add_command(root, "init", "Enrol this repository for capture (writes .opentraces.json)",
                                "  git opentraces init --agent claude-code\n"
                                "  git opentraces init --agent codex --agent pi --json\n");
  auto agents = std::make_shared<std::vector<std::string>>();
  init->add_option("--agent", *agents, "Agent used here: claude-code, codex or pi (repeatable)");
  init->callback([agents] { run_init(*agents); });

  auto* remove = cli::add_command(root, "remove", "Stop capturing in this repository (deletes the marker)",
                                  "  git opentraces remove\n"
                                  "  git opentraces remove --all --yes    also delete refs/notes/opentraces\n");
  auto all = std::make_shared<bool>(false);
  auto yes = std::make_shared<bool>(false);
  remove->add_flag("--all", *all, "Also delete refs/notes/opentraces and refs/opentraces/*");
  remove->add_flag("--yes,-y", *yes, "Do not ask for confirmation");
  remove->callback([all, yes] { run_remove(*all, *yes); });
}

}  // namespace ot::cmd
