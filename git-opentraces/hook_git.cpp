// `git opentraces hook post-commit|post-rewrite|pre-push` (hidden): the git side of
// capture, run by the stubs `setup git` installs. Always exits 0 (issue #6).
#include "engine/util/log.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_git_hook_handlers(CLI::App& hook_group) {
  for (const char* name : {"post-commit", "post-rewrite", "pre-push"}) {
    CLI::App* sub = hook_group.add_subcommand(name, std::string("git ") + name + " hook");
    sub->allow_extras();
    sub->fallthrough(false);
    std::string n = name;
    sub->callback([n] { log().info("hook {}: anchoring not implemented yet (issue #6); skipped", n); });
  }
}

}  // namespace ot::cmd
