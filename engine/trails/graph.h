// `trail graph`: commits (newest first) with the traces whose lines they carry,
// read from notes; and its 80-column ASCII rendering, one lane per trace drawn from
// the trace's newest to its oldest commit in view.
#pragma once

#include <string>
#include <vector>

#include "engine/util/result.h"
#include "notes/diff.h"
#include "notes/handle.h"

namespace ot::trails {

struct GraphTrace {
  std::string trace_id, agent;
  int lines = 0;
  std::vector<std::string> files;
  std::string best_tier;
};

struct GraphCommit {
  git::CommitInfo commit;
  std::vector<GraphTrace> traces;  // most lines first
};

struct GraphOptions {
  std::string until = "HEAD";
  std::string since;   // exclude commits reachable from this rev
  int limit = 20;      // 0 = all
  std::string trace;   // keep commits carrying this trace (id or prefix)
};

Result<std::vector<GraphCommit>> build_graph(const git::Repo& repo, const GraphOptions& opts);

// Lines of at most `width` columns.
std::vector<std::string> render_graph(const std::vector<GraphCommit>& commits, int width = 80);

}  // namespace ot::trails
