// `git opentraces security`: Scanners, redaction and the egress gate
// Planned: every verb answers NOT_IMPLEMENTED until issue #9 lands.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_security(CLI::App& root) {
  CLI::App* group = cli::add_planned_group(root, "security", "Scanners, redaction and the egress gate", "issue #9");
  cli::add_planned(*group, "sanitize", "security sanitize", "issue #9");
  cli::add_planned(*group, "tools", "security tools", "issue #9");
}

}  // namespace ot::cmd
