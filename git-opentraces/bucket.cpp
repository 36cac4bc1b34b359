// `git opentraces bucket`: The private bucket: status, list, verify, repair, export/import
// Planned: every verb answers NOT_IMPLEMENTED until issue #4 lands.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_bucket(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "bucket", "The private bucket: status, list, verify, repair, export/import [planned]");
  group->require_subcommand(1);
  cli::add_planned(*group, "status", "bucket status", "issue #4");
  cli::add_planned(*group, "list", "bucket list", "issue #4");
  cli::add_planned(*group, "verify", "bucket verify", "issue #4");
  cli::add_planned(*group, "repair", "bucket repair", "issue #4");
  cli::add_planned(*group, "prune", "bucket prune", "issue #4");
  cli::add_planned(*group, "export", "bucket export", "issue #4");
  cli::add_planned(*group, "import", "bucket import", "issue #4");
  cli::add_planned(*group, "replay", "bucket replay", "issue #4");
}

}  // namespace ot::cmd
