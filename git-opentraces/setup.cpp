// `git opentraces setup`: Install capture hooks for Claude Code, Codex, Pi and git
// Planned: every verb answers NOT_IMPLEMENTED until issue #5 lands.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_setup(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "setup", "Install capture hooks for Claude Code, Codex, Pi and git [planned]");
  group->require_subcommand(1);
  cli::add_planned(*group, "claude-code", "setup claude-code", "issue #5");
  cli::add_planned(*group, "codex", "setup codex", "issue #5");
  cli::add_planned(*group, "pi", "setup pi", "issue #5");
  cli::add_planned(*group, "git", "setup git", "issue #5");
}

}  // namespace ot::cmd
