// `git opentraces capture`: Import agent sessions into the bucket
// Planned: every verb answers NOT_IMPLEMENTED until issue #4 lands.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_capture(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "capture", "Import agent sessions into the bucket [planned]");
  group->require_subcommand(1);
  cli::add_planned(*group, "session", "capture session", "issue #4");
  cli::add_planned(*group, "all", "capture all", "issue #4");
}

}  // namespace ot::cmd
