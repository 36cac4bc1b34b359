// `git opentraces git-backfill`: anchor first-parent history made without the hook.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_backfill(CLI::App& root) {
  cli::add_planned(root, "git-backfill", "Anchor commits made without the post-commit hook", "issue #6");
}

}  // namespace ot::cmd
