// The per-repository hook log: one JSON line per hook run in
// <git dir>/opentraces-hook.log (reference 5.4), rotated at 5 MiB keeping the newer
// half; each line is also written to the spdlog file log. Never fails.
#pragma once

#include <filesystem>

#include "engine/util/json.h"

namespace ot::trails {

void append_hook_log(const std::filesystem::path& git_dir, const json& line);

}  // namespace ot::trails
