// `git opentraces trace`: read traces (parse now; query/get/map/slice with issue #7).
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_trace(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "trace", "Read and search captured traces");
  group->require_subcommand(1);
  cli::add_planned(*group, "parse", "Parse a session file into a TraceRecord", "issue #3");
  for (const char* v : {"query", "get", "map", "slice", "skills", "compare"})
    cli::add_planned(*group, v, std::string("trace ") + v, "issue #7");
}

}  // namespace ot::cmd
