// `git opentraces ctx`: Context Tree: what the agent saw at every step
// Planned: every verb answers NOT_IMPLEMENTED until issue #8 lands.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_ctx(CLI::App& root) {
  CLI::App* group = cli::add_planned_group(root, "ctx", "Context Tree: what the agent saw at every step", "issue #8");
  cli::add_planned(*group, "view", "ctx view", "issue #8");
  cli::add_planned(*group, "tree", "ctx tree", "issue #8");
  cli::add_planned(*group, "step", "ctx step", "issue #8");
}

}  // namespace ot::cmd
