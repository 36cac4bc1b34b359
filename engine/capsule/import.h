// `capsule import`: the capsule's slice into the local bucket under the trace id it was
// cut from. Through the capsule's mini-bucket (Bucket::import_from: digest checked,
// events de-duplicated) when the capsule directory has one, else the embedded slice record.
// The same capsule twice changes nothing; a trace the bucket holds from its own capture
// is never replaced by a capsule of it (reported as a conflict, nothing imported).
#pragma once

#include <string>

#include "engine/bucket/bucket.h"
#include "engine/capsule/manifest.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

inline constexpr const char* kImportSchema = "opentraces.capsule.import.v1";

struct ImportResult {
  std::string status;  // imported | unchanged | conflict
  std::string trace_id, capsule_id, via;  // via: mini_bucket | record
  int trail_anchor_count = 0;
  int64_t generations_added = 0, events_added = 0;
  json conflicts = json::array();  // {code, detail}
  json to_json() const;
};

// CAPSULE_DIGEST_MISMATCH (exit 3) when the mini-bucket is not the one capsule.json names.
Result<ImportResult> import_capsule(bucket::Bucket& b, const Capsule& c);

}  // namespace ot::capsule
