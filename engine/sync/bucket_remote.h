// Team bucket remotes (reference 3.6): the private bucket pushed to and pulled from a
// store the team already has. Providers:
//   git   any git remote; the portable bucket as a tree on refs/opentraces/bucket
//         (notes/bucket_transport.h). Pushes are fast-forward only; a push that lost
//         a race fetches, merges the union into the local bucket and retries.
//   hf    a private Hugging Face dataset repo holding the same tree on main; one commit
//         per push pinned to the head it was built on (a moved head is a lost race).
//
// The configuration lives in config.json under bucket.remote {enabled, provider, url,
// visibility, sync_policy}; the last sync in $OPENTRACES_HOME/sync_state.json.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::sync {

struct RemoteConfig {
  bool enabled = false;
  std::string provider;     // "git" | "huggingface"
  std::string url;          // git URL, or the Hub repo id
  std::string sync_policy;  // "manual" | "on-commit"
};

// The configured remote (enabled=false when none).
Result<RemoteConfig> load_remote();

// `spec` is git:<remote name or URL> or hf:<owner>/<repo>. A git remote name is resolved
// to its URL in `cwd`'s repository. Checks the remote is reachable (a git remote without
// a bucket yet is fine) and records it; an hf: repo is created private when missing.
// UNSUPPORTED_REMOTE (exit 2) for another scheme.
struct ConnectReport {
  RemoteConfig remote;
  std::string state;  // the sync state right after connecting
};
Result<ConnectReport> connect(std::string_view spec, const std::filesystem::path& cwd);
Status disconnect();

// Sync states exactly as the reference classifies them (unconfigured and error come from
// status()): missing, current, local_ahead, remote_ahead, diverged, different.
// local/remote/last digests; remote "" with remote_missing = no bucket on the remote.
std::string classify(const std::string& local, const std::string& remote, const std::string& last_sync,
                     bool remote_missing);

struct SyncStatus {
  std::string state;
  std::string provider, url;
  std::string local_digest, remote_digest, last_sync_digest;
  std::string remote_head;        // git commit of the remote bucket ("" = none known)
  std::string last_sync_at, last_direction;
  bool offline = false;           // computed from the last fetch, without the network
  std::optional<std::string> error;
  json to_json() const;           // opentraces.bucket.remote.v1 payload fields
};
// `offline` uses the remote head of the last fetch (what `bucket status` shows).
Result<SyncStatus> status(bucket::Bucket& bucket, bool offline);

struct PushOptions {
  bool force = false;                                  // push even when the remote is ahead or diverged
  std::function<void(const std::string&)> progress;    // one line per step (stderr)
};
struct PushReport {
  std::string state;              // "pushed" | "current"
  std::string provider, url, commit, digest;
  int attempts = 0, files_uploaded = 0, traces = 0;
  int merged_generations = 0;     // record generations the remote had that the local bucket took in first
  json to_json() const;
};
// Security gate: every trace the push adds or changes on the remote must be scanned and
// cleared under the current policy (what the remote already holds was cleared by whoever
// pushed it); otherwise
// NOT_CLEARED_FOR_EGRESS (exit 9) naming the withheld traces and the fix, and the remote
// receives nothing. REMOTE_AHEAD (exit 3) when the remote is ahead or diverged and
// !force. REMOTE_UNCONFIGURED (exit 2) without a remote.
Result<PushReport> push(bucket::Bucket& bucket, const PushOptions& options);

struct PullReport {
  std::string state;              // "pulled" | "current"
  std::string provider, url, commit, digest, remote_digest;
  int traces = 0, generations_added = 0, events_added = 0;
  int files_downloaded = 0;       // hf: files fetched into the local mirror (git fetches itself)
  json to_json() const;
};
// Merges the remote bucket into the local one (a union: nothing local is removed).
// REMOTE_MISSING (exit 6) when the remote has no bucket.
Result<PullReport> pull(bucket::Bucket& bucket, const std::function<void(const std::string&)>& progress);

// `--remote` reads (trace query|get, ctx): the configured remote's bucket merged into a
// read-only view bucket kept beside the local one ($OPENTRACES_HOME/remotes/view/bucket),
// refreshed from the remote on every call. Returns the view's home directory; point
// OPENTRACES_HOME at it for the read. The local bucket is not touched.
Result<std::filesystem::path> refresh_remote_view(const std::function<void(const std::string&)>& progress);

}  // namespace ot::sync
