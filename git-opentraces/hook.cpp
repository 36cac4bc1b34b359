// `git opentraces hook ...` (hidden): entry point for agent and git hooks.
// A hook never fails the agent or the commit: every path exits 0 and logs.
#include "engine/util/log.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_hook(CLI::App& root) {
  CLI::App* group = root.add_subcommand("hook", "Hook entry points for agents and git (internal)");
  group->group("");  // hidden from --help
  group->allow_extras();
  group->fallthrough(false);
  register_git_hook_handlers(*group);
  group->callback([group] {
    if (group->get_subcommands().size() > 0) return;
    std::string args;
    for (const auto& a : group->remaining()) args += " " + a;
    log().warn("hook{}: no handler yet (issue #5); ignored", args);
  });
}

}  // namespace ot::cmd
