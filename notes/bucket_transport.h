// The git transport of a team bucket remote: the portable bucket (bucket export's
// directory) committed as a tree on `refs/opentraces/bucket` of any git remote the team
// already has. One commit per push whose parent is the remote state it was built on, so
// two pushers are ordered by git's own fast-forward rule; nothing is ever force-pushed.
//
// Everything runs through the git CLI (the user's transports, credentials and ssh
// config just work) against a private bare staging repository in $OPENTRACES_HOME,
// never the user's checkout. Hooks and ignore rules of the user's config are disabled
// for these calls: they are ours, not the user's.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "engine/util/result.h"

namespace ot::git {

inline constexpr const char* kBucketRef = "refs/opentraces/bucket";
// Where the staging repository keeps the remote's state as of the last fetch.
inline constexpr const char* kBucketTrackingRef = "refs/opentraces/remote-bucket";

class BucketTransport {
 public:
  // Creates the bare staging repository when missing. GIT_NOT_FOUND (exit 5).
  static Result<BucketTransport> open(const std::filesystem::path& staging, std::string url);

  const std::string& url() const { return url_; }

  // Asks the remote for its bucket ref and fetches it into the tracking ref.
  // "" when the remote has no bucket yet. REMOTE_UNREACHABLE (exit 3, retryable).
  Result<std::string> fetch() const;
  // The remote head as of the last fetch, without the network ("" = none known).
  std::string cached_head() const;
  // Forgets the tracking ref (a different remote was connected).
  void forget_cached_head() const;

  // A file of a commit's tree; nullopt when the path is absent.
  Result<std::optional<std::string>> read_file(const std::string& commit, const std::string& path) const;
  // Writes the commit's tree into `dir` (which must not exist or be empty).
  Status checkout(const std::string& commit, const std::filesystem::path& dir) const;
  // Commits the content of `dir` with `parent` ("" = root commit). Returns `parent`
  // itself when the tree is unchanged, so an unchanged bucket never makes a commit.
  Result<std::string> commit_dir(const std::filesystem::path& dir, const std::string& parent,
                                 const std::string& message) const;
  // Paths whose blob differs between two commits ("" = the empty tree).
  Result<int> changed_paths(const std::string& from, const std::string& to) const;

  enum class PushOutcome { kPushed, kRejected };
  // Fast-forward only. kRejected when the remote moved (fetch, merge and retry).
  Result<PushOutcome> push(const std::string& commit) const;

 private:
  BucketTransport(std::filesystem::path staging, std::string url) : staging_(std::move(staging)), url_(std::move(url)) {}
  std::filesystem::path staging_;
  std::string url_;
};

// `git remote get-url NAME` in `cwd`; the text itself when it is already a URL or a path.
Result<std::string> resolve_git_remote(const std::string& name_or_url, const std::filesystem::path& cwd);

}  // namespace ot::git
