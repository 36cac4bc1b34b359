#include "engine/trails/bucket_source.h"

namespace ot::trails {

// The bucket module (engine/bucket/bucket.h) is landing; until then there are no
// candidates from it and the hook says so in its log.
Result<CandidateSet> candidates_from_bucket(const std::filesystem::path&, int64_t, int64_t) {
  return make_error(ExitCode::kUnavailable, "BUCKET_UNAVAILABLE", "trail",
                    "the bucket module is not built into this binary yet");
}

}  // namespace ot::trails
