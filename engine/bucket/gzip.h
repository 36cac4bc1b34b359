// Deterministic gzip for the portable bucket's companions: level 6, mtime 0, no file
// name, so the same lines always give the same bytes (reference 1.9).
#pragma once

#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace ot::bucket {

std::string gzip_bytes(std::string_view plain);
// GZIP_CORRUPT (exit 3) naming `where` when the data is not a complete gzip stream.
Result<std::string> gunzip_bytes(std::string_view gz, std::string_view where);

}  // namespace ot::bucket
