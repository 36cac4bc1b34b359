// File helpers: whole-file reads and atomic writes (temp file + fsync + rename).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace ot {

namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path);

// Writes bytes to `path` atomically: a sibling temp file is written, fsynced and
// renamed over the target, then the directory is fsynced. `mode` applies to the new file.
Status write_file_atomic(const fs::path& path, std::string_view bytes, unsigned mode = 0644);

// Copies `path` to `path.bak-<UTC stamp>` and returns the backup path.
Result<fs::path> backup_file(const fs::path& path);

Status ensure_dir(const fs::path& dir, unsigned mode = 0755);

// The first executable `name` in $PATH, if any.
std::optional<fs::path> find_on_path(std::string_view name);

}  // namespace ot
