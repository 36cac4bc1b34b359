// `git opentraces trace get|map|slice|skills|compare`: read one trace by address.
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_trace_inspect(CLI::App& trace_group) {
  for (const char* v : {"get", "map", "slice", "skills", "compare"})
    cli::add_planned(trace_group, v, std::string("trace ") + v, "issue #7");
}

}  // namespace ot::cmd
