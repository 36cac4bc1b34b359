// What push and pull need from a place that holds a team bucket: its head, a file of it,
// its whole tree in a directory, and one atomic replacement of the tree pinned to the
// head it was built on. Two implementations: git (notes/bucket_transport.h, through
// the git CLI) and a private Hugging Face dataset repo (hf_transport.cpp).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "engine/util/result.h"

namespace ot::sync {

struct RemoteConfig;

class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::string describe() const = 0;

  struct Head {
    std::string id;          // commit id ("" when the remote has no commit at all)
    bool has_bucket = false; // a manifest.json is there
  };
  // Network. REMOTE_UNREACHABLE or a Hub error (exit 3) when it cannot be read.
  virtual Result<Head> fetch() = 0;
  // The head of the last fetch, without the network.
  virtual Head cached_head() = 0;
  virtual Result<std::optional<std::string>> read_file(const std::string& head, const std::string& path) = 0;
  // The tree at `head` as files under `dir` (a fresh directory, or the transport's own
  // mirror it keeps current); returns the directory to read and counts files moved.
  virtual Result<std::filesystem::path> materialize(const std::string& head, const std::filesystem::path& scratch,
                                                    int* files_transferred) = 0;

  struct Publish {
    bool rejected = false;   // the head moved since `parent` was read: merge and retry
    bool changed = true;     // false: the remote already holds exactly this tree
    std::string head;        // the new head (== parent when unchanged)
    int files = 0;           // files sent
  };
  // Replaces the remote tree with `dir`'s content, only if the remote head is still `parent`.
  virtual Result<Publish> publish(const std::filesystem::path& dir, const std::string& parent,
                                  const std::string& message) = 0;
};

// The transport of the configured remote.
Result<std::unique_ptr<Transport>> open_transport(const RemoteConfig& remote);

// For hf:owner/repo: creates the private dataset repo when missing (exist-ok).
Status create_hf_remote(const std::string& repo_id);

}  // namespace ot::sync
