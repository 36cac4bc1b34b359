#include "git-opentraces/cli.h"
namespace ot::cmd {
void register_init(CLI::App& root) { cli::add_planned(root, "init", "init", "issue #2"); }
}  // namespace ot::cmd
