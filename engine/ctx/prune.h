// `ctx prune`: a Claude Code session file cut down to the active path that ends at a
// context node — the lines on that node's uuid/parentUuid chain (and, across a
// compaction, the chain before it), every other line (rewound branches, later turns)
// left out. The copy gets its own session id (the destination stem) so it can be
// resumed, or ingested, beside the original.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/ctx/views.h"
#include "engine/util/result.h"

namespace ot::ctx {

struct PruneResult {
  std::filesystem::path source, destination;
  std::string stem;
  int64_t lines_in = 0, lines_out = 0;
  std::vector<std::string> uuid_set;  // kept uuids, file order
  int steps_on_path = 0;              // steps of the node's track on the path (what a parser reads back)
  bool written = false;
};

// `stem` empty: a UUID derived from the node id. Errors: FILE_NOT_FOUND (2),
// INVALID_STEM (2), NODE_NOT_IN_SOURCE (3: the file does not hold the node's lines),
// DESTINATION_EXISTS (4).
Result<PruneResult> prune_session(const NodeRef& n, const std::filesystem::path& source, std::string stem, bool write);

}  // namespace ot::ctx
