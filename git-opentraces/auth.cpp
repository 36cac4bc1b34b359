// `git opentraces auth`: Hugging Face authentication
// Planned: every verb answers NOT_IMPLEMENTED until issue #11 lands.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_auth(CLI::App& root) {
  CLI::App* group = cli::add_planned_group(root, "auth", "Hugging Face authentication", "issue #11");
  cli::add_planned(*group, "login", "auth login", "issue #11");
  cli::add_planned(*group, "logout", "auth logout", "issue #11");
  cli::add_planned(*group, "whoami", "auth whoami", "issue #11");
}

}  // namespace ot::cmd
