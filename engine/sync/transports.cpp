#include <nettle/sha1.h>

#include <map>
#include <set>
#include <utility>

#include "engine/hub/client.h"
#include "engine/hub/remotes.h"
#include "engine/sync/bucket_remote.h"
#include "engine/sync/transport.h"
#include "engine/util/fs.h"
#include "engine/util/paths.h"
#include "notes/bucket_transport.h"

namespace ot::sync {
namespace fs = std::filesystem;

namespace {

fs::path remotes_dir() { return ot_home() / "remotes"; }

// ---- git: the portable bucket as a commit on refs/opentraces/bucket

class GitTransport : public Transport {
 public:
  explicit GitTransport(git::BucketTransport t) : t_(std::move(t)) {}
  std::string describe() const override { return t_.url(); }

  Result<Head> fetch() override {
    auto h = t_.fetch();
    if (!h.ok()) return h.error();
    return Head{*h, !h->empty()};
  }
  Head cached_head() override {
    std::string h = t_.cached_head();
    return Head{h, !h.empty()};
  }
  Result<std::optional<std::string>> read_file(const std::string& head, const std::string& path) override {
    return t_.read_file(head, path);
  }
  Result<fs::path> materialize(const std::string& head, const fs::path& scratch, int* files) override {
    OT_TRY_STATUS(t_.checkout(head, scratch));
    if (files) *files = 0;  // git counts what it fetched itself; the checkout is local
    return scratch;
  }
  Result<Publish> publish(const fs::path& dir, const std::string& parent, const std::string& message) override {
    Publish p;
    auto commit = t_.commit_dir(dir, parent, message);
    if (!commit.ok()) return commit.error();
    p.head = *commit;
    if (*commit == parent) {
      p.changed = false;
      p.files = 0;
      return p;
    }
    auto changed = t_.changed_paths(parent, *commit);
    if (!changed.ok()) return changed.error();
    p.files = *changed;
    auto pushed = t_.push(*commit);
    if (!pushed.ok()) return pushed.error();
    p.rejected = *pushed == git::BucketTransport::PushOutcome::kRejected;
    return p;
  }

 private:
  git::BucketTransport t_;
};

// ---- hf: a private Hub dataset repo holding the same tree on its main branch

// The id git (and the Hub's tree listing) gives a file: sha1("blob <size>\0" + bytes).
std::string git_blob_oid(const std::string& bytes) {
  std::string header = "blob " + std::to_string(bytes.size());
  header.push_back('\0');
  sha1_ctx ctx;
  sha1_init(&ctx);
  sha1_update(&ctx, header.size(), reinterpret_cast<const uint8_t*>(header.data()));
  sha1_update(&ctx, bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()));
  uint8_t md[SHA1_DIGEST_SIZE];
  sha1_digest(&ctx, SHA1_DIGEST_SIZE, md);
  const unsigned n = SHA1_DIGEST_SIZE;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; i++) out += {hex[md[i] >> 4], hex[md[i] & 15]};
  return out;
}

// Every regular file under `dir`, by path relative to it.
std::map<std::string, fs::path> files_under(const fs::path& dir) {
  std::map<std::string, fs::path> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) out[fs::relative(it->path(), dir).generic_string()] = it->path();
  return out;
}

class HfTransport : public Transport {
 public:
  HfTransport(std::unique_ptr<hub::Client> client, hub::RepoId repo)
      : client_(std::move(client)), repo_(std::move(repo)) {
    std::string key = repo_.id;
    for (auto& c : key)
      if (c == '/') c = '+';
    mirror_ = remotes_dir() / "hf" / key;
  }
  std::string describe() const override { return "hf:" + repo_.id; }

  Result<Head> fetch() override {
    auto info = client_->repo_info(repo_);
    if (!info.ok()) return info.error();
    Head h{info->sha, false};
    auto m = client_->download(repo_, "manifest.json", h.id);
    if (m.ok()) {
      h.has_bucket = true;
      manifest_ = {h.id, std::move(m).value()};  // read_file(head, "manifest.json") reuses it
    } else if (m.error().code != "HUB_NOT_FOUND") {
      return m.error();
    }
    (void)ensure_dir(mirror_, 0700);
    (void)write_file_atomic(mirror_ / "HEAD", h.id + (h.has_bucket ? " bucket\n" : "\n"), 0600);
    return h;
  }
  Head cached_head() override {
    auto b = read_file_text(mirror_ / "HEAD");
    if (!b) return {};
    Head h;
    h.id = b->substr(0, b->find_first_of(" \n"));
    h.has_bucket = b->find(" bucket") != std::string::npos;
    return h;
  }
  Result<std::optional<std::string>> read_file(const std::string& head, const std::string& path) override {
    if (path == "manifest.json" && manifest_.first == head) return std::optional<std::string>(manifest_.second);
    auto r = client_->download(repo_, path, head);
    if (r.ok()) return std::optional<std::string>(std::move(r).value());
    if (r.error().code == "HUB_NOT_FOUND") return std::optional<std::string>();
    return r.error();
  }
  // Keeps a mirror of the remote tree: only files whose blob id changed are downloaded.
  Result<fs::path> materialize(const std::string& head, const fs::path&, int* files) override {
    fs::path tree = mirror_ / "tree";
    OT_TRY_STATUS(ensure_dir(tree, 0700));
    auto listing = client_->list_tree(repo_, head);
    if (!listing.ok()) return listing.error();
    auto have = files_under(tree);
    std::set<std::string> wanted;
    int moved = 0;
    for (const auto& e : *listing) {
      if (e.type != "file" || !in_bucket(e.path)) continue;
      wanted.insert(e.path);
      auto it = have.find(e.path);
      if (it != have.end()) {
        auto bytes = read_file_text(it->second);
        if (bytes && git_blob_oid(*bytes) == e.oid) continue;
      }
      auto bytes = client_->download(repo_, e.path, head);
      if (!bytes.ok()) return bytes.error();
      OT_TRY_STATUS(ensure_dir((tree / e.path).parent_path(), 0700));
      OT_TRY_STATUS(write_file_atomic(tree / e.path, *bytes, 0600));
      moved++;
    }
    std::error_code ec;
    for (const auto& [rel, p] : have)
      if (!wanted.count(rel)) fs::remove(p, ec);
    if (files) *files = moved;
    return tree;
  }
  Result<Publish> publish(const fs::path& dir, const std::string& parent, const std::string& message) override {
    Publish p;
    std::map<std::string, std::string> remote;  // path -> blob id
    if (!parent.empty()) {
      auto listing = client_->list_tree(repo_, parent);
      if (!listing.ok()) return listing.error();
      for (const auto& e : *listing)
        if (e.type == "file" && in_bucket(e.path)) remote[e.path] = e.oid;
    }
    hub::CommitSpec spec;
    spec.summary = message.substr(0, message.find('\n'));
    spec.description = message;
    spec.parent = parent;
    std::string manifest;
    for (const auto& [rel, path] : files_under(dir)) {
      auto bytes = read_file_text(path);
      if (!bytes) return make_error(ExitCode::kResource, "EXPORT_UNREADABLE", "bucket push", "cannot read " + path.string());
      auto it = remote.find(rel);
      bool same = it != remote.end() && it->second == git_blob_oid(*bytes);
      if (it != remote.end()) remote.erase(it);
      if (same) continue;
      if (rel == "manifest.json") manifest = std::move(*bytes);  // last in the commit, for readers of a listing
      else spec.files.push_back({rel, std::move(*bytes)});
    }
    for (const auto& [rel, oid] : remote) spec.deletions.push_back(rel);
    if (!manifest.empty()) spec.files.push_back({"manifest.json", std::move(manifest)});
    p.files = static_cast<int>(spec.files.size());
    if (spec.files.empty() && spec.deletions.empty()) {
      p.changed = false;
      p.head = parent;
      return p;
    }
    auto c = client_->commit(repo_, spec);
    if (!c.ok()) {
      if (c.error().code == "HUB_HEAD_MOVED") {
        p.rejected = true;
        return p;
      }
      return c.error();
    }
    p.head = c->oid;
    refresh_mirror(dir);
    (void)write_file_atomic(mirror_ / "HEAD", p.head + " bucket\n", 0600);
    return p;
  }

 private:
  // The bucket's own paths: anything else in the repo (README, .gitattributes) is left alone.
  static bool in_bucket(const std::string& path) {
    return path == "manifest.json" || path.rfind("objects/", 0) == 0 || path.rfind("traces/", 0) == 0;
  }
  static std::optional<std::string> read_file_text(const fs::path& p) {
    auto r = ot::read_file(p);
    if (!r.ok()) return std::nullopt;
    return std::move(r).value();
  }
  // After a push the remote tree is `dir`: the mirror becomes a local copy of it, so the
  // next pull downloads only what others change. Best effort: a stale mirror only costs
  // downloads, never correctness (files are compared by blob id).
  void refresh_mirror(const fs::path& dir) {
    fs::path tree = mirror_ / "tree";
    std::error_code ec;
    fs::remove_all(tree, ec);
    fs::create_directories(tree.parent_path(), ec);
    fs::copy(dir, tree, fs::copy_options::recursive, ec);
    if (ec) fs::remove_all(tree, ec);
  }
  std::unique_ptr<hub::Client> client_;
  hub::RepoId repo_;
  fs::path mirror_;
  std::pair<std::string, std::string> manifest_;  // {head, bytes} of the last fetch
};

}  // namespace

Result<std::unique_ptr<Transport>> open_transport(const RemoteConfig& r) {
  if (r.provider == "git") {
    auto t = git::BucketTransport::open(remotes_dir() / "bucket.git", r.url);
    if (!t.ok()) return t.error();
    return std::unique_ptr<Transport>(std::make_unique<GitTransport>(std::move(t).value()));
  }
  auto id = hub::parse_repo_id(r.url);
  if (!id.ok()) return id.error();
  auto client = hub::authenticated_client();
  if (!client.ok()) return client.error();
  return std::unique_ptr<Transport>(std::make_unique<HfTransport>(std::move(client).value(), std::move(id).value()));
}

Status create_hf_remote(const std::string& repo_id) {
  auto id = hub::parse_repo_id(repo_id);
  if (!id.ok()) return id.error();
  if (id->type != "dataset")
    return make_error(ExitCode::kUsage, "INVALID_REPO_ID", "bucket remote connect",
                      "a bucket remote is a dataset repo, not a " + id->type, "use hf:<owner>/<name>");
  auto client = hub::authenticated_client();
  if (!client.ok()) return client.error();
  auto created = (*client)->create_repo(*id, /*is_private=*/true, /*exist_ok=*/true);
  if (!created.ok()) return created.error();
  return ok_status();
}

}  // namespace ot::sync
