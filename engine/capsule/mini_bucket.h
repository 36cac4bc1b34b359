// A capsule's scoped mini-bucket: the redacted slice (and its redacted trail events) in
// the portable bucket form of engine/bucket (manifest.json, objects/, traces/...), made
// by storing them in a throw-away LevelDB bucket and exporting that. Importing it with
// Bucket::import_from is how `capsule import` puts the slice into a bucket.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

// Writes the portable bucket into `dest` (must not exist or be empty); returns its
// bucket digest. `written_at` fixes the generation's time so the same slice gives the
// same bytes.
Result<std::string> write_mini_bucket(const json& record, const std::vector<json>& events, const std::string& project,
                                      const std::string& written_at, const std::filesystem::path& dest);

// A unique scratch directory under the system temp dir (removed by the caller).
std::filesystem::path scratch_dir(const std::string& tag);

}  // namespace ot::capsule
