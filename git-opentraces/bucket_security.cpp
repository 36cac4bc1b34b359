// `git opentraces bucket security status|run|policy`: the security pipeline over the bucket.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_bucket_security(CLI::App& bucket_group) {
  cli::add_planned(bucket_group, "security", "Security state, scans and policy of the bucket", "issue #9");
}

}  // namespace ot::cmd
