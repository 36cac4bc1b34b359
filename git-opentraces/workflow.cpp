// `git opentraces workflow`: Dataset workflows
// Planned: every verb answers NOT_IMPLEMENTED until issue #10 lands.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_workflow(CLI::App& root) {
  CLI::App* group = cli::add_planned_group(root, "workflow", "Dataset workflows", "issue #10");
  cli::add_planned(*group, "templates", "workflow templates", "issue #10");
  cli::add_planned(*group, "create", "workflow create", "issue #10");
  cli::add_planned(*group, "list", "workflow list", "issue #10");
  cli::add_planned(*group, "remove", "workflow remove", "issue #10");
}

}  // namespace ot::cmd
