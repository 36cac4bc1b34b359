// `git opentraces trace query|index`: full-text and faceted search over the bucket.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_trace_query(CLI::App& trace_group) {
  cli::add_planned(trace_group, "query", "trace query", "issue #7");
  cli::add_planned(trace_group, "index", "trace index", "issue #7");
}

}  // namespace ot::cmd
