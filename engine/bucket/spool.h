// The spool: an append-only directory of small files, one per captured item.
// Hooks write here and exit (never opening LevelDB, which allows one process at a
// time); whoever holds the bucket lock drains it (DESIGN.md "The bucket").
//
// Item shapes (canonical JSON objects; `kind` decides how the drain applies it):
//   {"kind":"hook_event","agent":"claude-code|codex|pi|git","event":"PostToolUse",
//    "session_id":"...","received_at":"ISO","cwd":"/abs","payload":{...}}
//   {"kind":"ingest_session","agent":"...","path":"/abs/session.jsonl","project_dir":"/abs"}
//   {"kind":"trail_event","trace_id":"...","event":{...}}
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/paths.h"
#include "engine/util/result.h"

namespace ot::bucket {

// Durably appends one item: written to a temp name, fsynced, renamed into place.
// File names sort in arrival order: <epoch ms, 13 digits>-<pid>-<counter>-<random>.json
// Returns the final path.
Result<std::filesystem::path> spool_append(const json& item,
                                           const std::filesystem::path& spool = spool_dir());

// Spool files ready to drain, oldest first (temp files are skipped).
Result<std::vector<std::filesystem::path>> spool_pending(const std::filesystem::path& spool = spool_dir());

}  // namespace ot::bucket
