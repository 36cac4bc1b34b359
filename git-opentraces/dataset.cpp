// `git opentraces dataset`: Local HF-shaped datasets and publishing
// Planned: every verb answers NOT_IMPLEMENTED until issue #10 lands.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_dataset(CLI::App& root) {
  CLI::App* group = cli::add_planned_group(root, "dataset", "Local HF-shaped datasets and publishing", "issue #10");
  cli::add_planned(*group, "list", "dataset list", "issue #10");
  cli::add_planned(*group, "new", "dataset new", "issue #10");
  cli::add_planned(*group, "run", "dataset run", "issue #10");
  cli::add_planned(*group, "status", "dataset status", "issue #10");
  cli::add_planned(*group, "review", "dataset review", "issue #10");
  cli::add_planned(*group, "remove", "dataset remove", "issue #10");
  register_dataset_remote(*group);
}

}  // namespace ot::cmd
