// What a capsule says about the repository: the pinned commit, the remote URL, the trail
// anchors of the trace (from refs/notes/opentraces), and the optional source bundle
// (`git archive` of the pinned commit). Git is driven through the git CLI (argv only) and
// notes/ (libgit2); nothing here includes git2.h.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

struct RepoPin {
  std::filesystem::path root;  // top of the working tree ("" when not in a repository)
  std::string commit;          // 40 hex
  std::string branch;
  std::string remote_url;      // origin's URL ("" when none)
};

// `rev` (default HEAD) resolved in the repository containing `dir`. NOT_A_GIT_REPO (exit 2)
// outside a repository; REV_NOT_FOUND (exit 2) when `rev` does not name a commit.
Result<RepoPin> pin_repo(const std::filesystem::path& dir, const std::string& rev = "HEAD");

// True when `commit` exists in the repository at `root`.
bool has_commit(const std::filesystem::path& root, const std::string& commit);

// Trail anchors of `trace_id` in the repository's notes: one entry per fact whose step is
// inside [from, to] of the source trace (facts with an unknown step are kept), step
// re-based to the slice. Sorted by commit, file, line.
Result<json> trail_anchors(const std::filesystem::path& root, const std::string& trace_id, int from, int to);

// `git archive --format=tar.gz` of `commit` into `dest`. Returns {path, format, bytes, sha256}.
Result<json> write_bundle(const std::filesystem::path& root, const std::string& commit, const std::filesystem::path& dest);

// "owner/name" of a GitHub remote URL (https, ssh or scp form), "" otherwise.
std::string github_repo_of(const std::string& remote_url);

}  // namespace ot::capsule
