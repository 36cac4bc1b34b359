// `capsule share`: a capsule to a Hugging Face dataset repo (capsules/<capsule_id>/...:
// capsule.json, capsule.md, the bundle, the mini-bucket), after the egress gate
// (security::clear_for_egress on the source trace, exit 9 when not cleared). The CLI asks
// for consent (or takes --yes) between plan_share and upload_share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/capsule/manifest.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

inline constexpr const char* kShareSchema = "opentraces.capsule.share.v1";

struct SharePlan {
  std::string repo;                  // owner/name
  std::string url;                   // where the capsule will be
  std::string prefix;                // capsules/<capsule_id>
  std::vector<std::pair<std::string, std::filesystem::path>> files;  // remote path → local file
  json clearance;                    // security::Clearance::to_json()
  bool cleared = false;
  std::optional<Error> withheld;     // NOT_CLEARED_FOR_EGRESS (exit 9) when not cleared
  json to_json() const;              // {repo, url, files[], clearance}
};

// The destination, the files and the gate's answer (a refusal is in `withheld`, not an
// error: a dry run still shows the plan). `repo` empty: config capsule_repo, else <hub user>/opentraces-capsules
// (asks the Hub who the token belongs to only when `resolve_user`). The source trace's
// clearance is read from the bucket row (or the capsule's record when the bucket lacks it).
// CAPSULE_FILES_MISSING (exit 3) for a capsule fetched from the Hub (nothing local to upload).
Result<SharePlan> plan_share(const Capsule& c, bucket::Bucket& b, const std::string& repo, bool resolve_user);

// One commit on the dataset repo (created private unless `is_private` is false), pinned to its head.
// {commit, url, files_uploaded}.
Result<json> upload_share(const SharePlan& plan, bool is_private);

}  // namespace ot::capsule
