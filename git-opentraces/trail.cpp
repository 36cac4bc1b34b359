// `git opentraces trail`: Trace Trails: blame, graph, track, PR bodies
// Planned: every verb answers NOT_IMPLEMENTED until issue #6 lands.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_trail(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "trail", "Trace Trails: blame, graph, track, PR bodies [planned]");
  group->require_subcommand(1);
  cli::add_planned(*group, "blame", "trail blame", "issue #6");
  cli::add_planned(*group, "graph", "trail graph", "issue #6");
  cli::add_planned(*group, "track", "trail track", "issue #6");
  cli::add_planned(*group, "sync", "trail sync", "issue #6");
  cli::add_planned(*group, "mature", "trail mature", "issue #6");
  cli::add_planned(*group, "pr", "trail pr", "issue #6");
}

}  // namespace ot::cmd
