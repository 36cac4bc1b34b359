// Turning a session file into a record for the bucket. The agent parsers live in
// engine/parse; a file that already holds one TraceRecord JSON object (what
// `trace parse --json` prints) is taken as is.
#pragma once

#include <filesystem>
#include <string_view>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::bucket {

// PARSER_UNAVAILABLE (exit 5) when no parser can read this file yet: the drain leaves
// such items in the spool. Other errors (parser errors, exit 2/3) mean the file itself
// is bad.
Result<json> record_from_session_file(const std::filesystem::path& path, std::string_view agent_hint);

}  // namespace ot::bucket
