// `capsule create` and `capsule preview`: slice → redaction floor → context layers, trail
// anchors and repo pin → mini-bucket → capsule.json + capsule.md (+ bundle), written into
// <out>/<capsule_id>/ in one rename. Preview runs the same steps and writes nothing
// (the mini-bucket is built in a scratch directory to know its digest, then removed).
#pragma once

#include <filesystem>
#include <string>

#include "engine/bucket/bucket.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

struct CreateOptions {
  std::string ref;                      // the address: <trace>, <trace>:N, <trace>:A-B
  std::filesystem::path repo_dir = "."; // where the repository is
  std::string pin = "HEAD";             // the commit the capsule is pinned to
  std::string repo_url;                 // overrides origin's URL
  std::string test_command, expect_error;
  bool include_prompts = false;
  bool bundle = false;
  std::filesystem::path out;            // parent directory; default <repo>/.opentraces/capsules
  std::string home;                     // home directory to scrub; empty = $HOME
};

struct CreateResult {
  json doc;                    // capsule.json
  std::string markdown;        // capsule.md
  std::filesystem::path dir;   // where it was (or would be) written
  json inventory;              // {steps, trail_anchors, context_layers, has_test, has_bundle, mini_bucket_digest}
  json files = json::array();  // paths written, relative to dir
};

// write=false: preview (nothing is written). Errors: those of the address lookup, of the
// repository (NOT_A_GIT_REPO / REV_NOT_FOUND exit 2), of the security policy, and
// CAPSULE_WRITE_FAILED (exit 3).
Result<CreateResult> create_capsule(bucket::Bucket& b, const CreateOptions& o, bool write);

}  // namespace ot::capsule
