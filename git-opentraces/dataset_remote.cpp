// `git opentraces dataset remote|publish`: Hugging Face dataset remotes and publishing.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_dataset_remote(CLI::App& dataset_group) {
  cli::add_planned(dataset_group, "remote", "dataset remote", "issue #11");
  cli::add_planned(dataset_group, "publish", "dataset publish", "issue #11");
}

}  // namespace ot::cmd
