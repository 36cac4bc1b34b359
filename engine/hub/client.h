// A Hugging Face Hub client over libcurl: the calls of the official clients
// (/work/shared/reference/hf-hub-protocol.md), with retries and clear errors.
//
// Errors (Error.code, all exit 3 unless noted): HUB_UNAUTHORIZED (401), HUB_FORBIDDEN (403),
// HUB_NOT_FOUND (404; Error.kind is the Hub's X-Error-Code when given, e.g. RepoNotFound,
// EntryNotFound), HUB_CONFLICT (409), HUB_HEAD_MOVED (412: the pinned parent is not the
// head; retryable), HUB_RATE_LIMITED (429 after the retries), HUB_SERVER_ERROR (5xx after
// the retries), HUB_TIMEOUT / HUB_UNREACHABLE (no answer after the retries), HUB_BAD_ANSWER.
// Messages name the call and the Hub's own message; the token never appears in them or in
// the log.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/hub/http.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::hub {

inline constexpr const char* kDefaultEndpoint = "https://huggingface.co";

struct ClientOptions {
  std::string endpoint = kDefaultEndpoint;  // no trailing slash
  std::string token;                        // empty: anonymous
  int max_attempts = 5;                     // per call, for 429/5xx/timeouts/dropped connections
  long backoff_ms = 500;                    // first wait; doubles each retry (with jitter)
  long max_backoff_ms = 10000;              // one wait never exceeds this (Retry-After too)
  long timeout_ms = 120000;                 // one exchange
  long connect_timeout_ms = 10000;
  size_t lfs_threshold = 10 * 1024 * 1024;  // our files at least this big go through LFS even if
                                            // the Hub would take them inline
};

// Endpoint from HF_ENDPOINT (default the public Hub); test knobs OT_HUB_TIMEOUT_MS,
// OT_HUB_ATTEMPTS, OT_HUB_BACKOFF_MS.
ClientOptions options_from_env(std::string token);

struct RepoId {
  std::string type = "dataset";  // dataset | model | space
  std::string id;                // owner/name
  std::string api_prefix() const;  // "datasets/owner/name" ("models/..." for models)
  std::string url_prefix() const;  // "datasets/owner/name" (no prefix for models)
};
// Parses "owner/name" (also "datasets/owner/name" and "hf://datasets/owner/name").
Result<RepoId> parse_repo_id(std::string_view text);

struct WhoAmI {
  std::string name;
  std::string type;         // "user" | "org"
  std::string token_role;   // "read" | "write" | "fineGrained" ...
  std::vector<std::string> orgs;
};

struct RepoInfo {
  std::string id;
  std::string sha;          // head commit of the revision asked for
  bool is_private = false;
};

struct TreeEntry {
  std::string type;         // "file" | "directory"
  std::string path;
  long long size = 0;
  std::string oid;          // git blob id
  std::string lfs_sha256;   // set for LFS files
};

struct CommitFile {
  std::string path;
  std::string content;      // bytes
};
struct CommitSpec {
  std::string summary;
  std::string description;
  std::string parent;       // pinned parent commit ("" = no pin; then no retry on a lost answer)
  std::vector<CommitFile> files;
  std::vector<std::string> deletions;
};
struct CommitResult {
  std::string oid;
  std::string url;
  std::vector<std::string> lfs_paths;  // files that went through LFS
};

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();

  const ClientOptions& options() const { return options_; }

  Result<WhoAmI> whoami();
  // Creates the repo; with exist_ok an existing repo is fine (created=false). Returns its URL.
  struct Created { std::string url; bool created = false; };
  Result<Created> create_repo(const RepoId& repo, bool is_private, bool exist_ok);
  Status delete_repo(const RepoId& repo);
  Status set_private(const RepoId& repo, bool is_private);
  Result<RepoInfo> repo_info(const RepoId& repo, const std::string& revision = "main");
  // Follows pagination (Link rel="next").
  Result<std::vector<TreeEntry>> list_tree(const RepoId& repo, const std::string& revision = "main",
                                           const std::string& path = "", bool recursive = true);
  // The file's bytes; HUB_NOT_FOUND (kind EntryNotFound) when the path does not exist.
  Result<std::string> download(const RepoId& repo, const std::string& path, const std::string& revision = "main");
  // Preupload → LFS batch/upload for files the Hub wants in LFS → the NDJSON commit.
  Result<CommitResult> commit(const RepoId& repo, const CommitSpec& spec, const std::string& branch = "main");

  // OAuth device authorization grant (RFC 8628) against the Hub's /oauth endpoints.
  struct DeviceCode {
    std::string device_code, user_code, verification_uri, verification_uri_complete;
    long interval_s = 5;
    long expires_in_s = 900;
  };
  Result<DeviceCode> device_start(const std::string& client_id, const std::string& scopes);
  // One poll: the token JSON on success, or {"error": "authorization_pending" | "slow_down" |
  // "expired_token" | "access_denied" | ...} as the Hub answered it.
  Result<json> device_poll(const std::string& client_id, const std::string& device_code);

  // How many HTTP exchanges this client has made (tests, telemetry).
  int exchanges() const { return exchanges_; }

 private:
  struct Call {
    Call(std::string m, std::string u, std::vector<std::pair<std::string, std::string>> h = {}, std::string b = {})
        : method(std::move(m)), url(std::move(u)), headers(std::move(h)), body(std::move(b)) {}
    std::string method;
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool retry_transport = true;  // a lost answer may be retried (idempotent or pinned)
    bool retry_409 = false;
    std::vector<long> ok_statuses = {200};
  };
  Result<HttpResponse> call(const Call& c);
  Result<HttpResponse> exchange(const Call& c);  // one attempt, redirects followed
  Result<std::vector<std::string>> preupload(const RepoId& repo, const std::string& branch,
                                             const std::vector<CommitFile>& files);
  Status lfs_upload(const RepoId& repo, const std::string& branch, const std::vector<const CommitFile*>& files);
  Error http_error(const Call& c, const HttpResponse& r) const;

  ClientOptions options_;
  std::unique_ptr<HttpSession> session_;
  int exchanges_ = 0;
};

}  // namespace ot::hub
