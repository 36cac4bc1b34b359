#include "git-opentraces/cli.h"
namespace ot::cmd {
void register_status(CLI::App& root) { cli::add_planned(root, "status", "status", "issue #2"); }
}  // namespace ot::cmd
