#include "git-opentraces/cli.h"
namespace ot::cmd {
void register_config(CLI::App& root) { cli::add_planned(root, "config", "config", "issue #2"); }
}  // namespace ot::cmd
