// `git opentraces hook ...` (hidden): entry point for agent and git hooks.
//   hook claude-code <Event>   Claude Code command hooks (settings.json), JSON on stdin
//   hook codex <Event>         Codex CLI command hooks (hooks.json), JSON on stdin
//   hook pi                    the Pi extension (hooks/pi/), JSON on stdin naming its event
// A hook never fails the agent or the commit: every path exits 0, prints nothing, logs.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "engine/capture/hook_runner.h"
#include "engine/project/project.h"
#include "engine/util/log.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

std::filesystem::path process_cwd() {
  std::error_code ec;
  auto p = std::filesystem::current_path(ec);
  return ec ? std::filesystem::path("/") : p;
}

void add_agent_handler(CLI::App& group, const char* agent, const char* description) {
  CLI::App* sub = group.add_subcommand(agent, description);
  sub->allow_extras();
  sub->fallthrough(false);
  auto event = std::make_shared<std::string>();
  sub->add_option("event", *event, "Hook event name (Pi: taken from the payload)");
  std::string a = agent;
  sub->callback([a, event] {
    auto outcome = capture::run_agent_hook(a, *event, capture::read_hook_stdin(), process_cwd(), &project::ensure_enrolled);
    if (outcome.spooled > 0) log().debug("hook {} {}: spooled {} item(s)", a, *event, outcome.spooled);
  });
}

}  // namespace

void register_hook(CLI::App& root) {
  CLI::App* group = root.add_subcommand("hook", "Hook entry points for agents and git (internal)");
  group->group("");  // hidden from --help
  group->allow_extras();
  group->fallthrough(false);
  add_agent_handler(*group, "claude-code", "Claude Code hook: event name, JSON payload on stdin");
  add_agent_handler(*group, "codex", "Codex CLI hook: event name, JSON payload on stdin");
  add_agent_handler(*group, "pi", "Pi extension event: JSON payload on stdin");
  register_git_hook_handlers(*group);
  group->callback([group] {
    if (group->get_subcommands().size() > 0) return;
    std::string args;
    for (const auto& a : group->remaining()) args += " " + a;
    log().warn("hook{}: no such hook handler; ignored", args);
  });
}

}  // namespace ot::cmd
