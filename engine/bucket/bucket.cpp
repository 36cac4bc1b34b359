#include "engine/bucket/bucket.h"

#include <leveldb/cache.h>
#include <leveldb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "engine/bucket/bucket_impl.h"
#include "engine/bucket/codec.h"
#include "engine/bucket/facts.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/manifest.h"
#include "engine/bucket/spool.h"
#include "engine/bucket/store_ops.h"
#include "engine/bucket/txn.h"
#include "engine/discovery/fts_pack.h"
#include "engine/util/log.h"
#include "engine/util/fs.h"
#include "engine/util/time.h"

namespace ot::bucket {

Error not_found(std::string_view trace_id) {
  return make_error(ExitCode::kNotFound, "TRACE_NOT_FOUND", "bucket",
                    "no trace \"" + std::string(trace_id) + "\" in the bucket",
                    "list what is stored with `git opentraces bucket list`");
}

Status scan_keys(leveldb::DB* db, const std::string& prefix, const std::function<bool(const std::string&)>& fn,
                 const std::string& start) {
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(start.empty() ? prefix : start); it->Valid(); it->Next()) {
    leveldb::Slice k = it->key();
    if (!k.starts_with(prefix)) break;
    if (!fn(k.ToString())) break;
  }
  if (!it->status().ok())
    return make_error(ExitCode::kResource, "BUCKET_CORRUPT", "bucket",
                      "cannot read the bucket: " + it->status().ToString(), "run `git opentraces bucket repair`");
  return ok_status();
}

Status scan_prefix(leveldb::DB* db, const std::string& prefix,
                   const std::function<bool(const std::string&, const std::string&)>& fn, const std::string& start) {
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(start.empty() ? prefix : start); it->Valid(); it->Next()) {
    leveldb::Slice k = it->key();
    if (!k.starts_with(prefix)) break;
    std::string key = k.ToString();
    auto plain = decode_value(std::string_view(it->value().data(), it->value().size()), key);
    if (!plain.ok()) return plain.error();
    if (!fn(key, *plain)) break;
  }
  if (!it->status().ok())
    return make_error(ExitCode::kResource, "BUCKET_CORRUPT", "bucket",
                      "cannot read the bucket: " + it->status().ToString(), "run `git opentraces bucket repair`");
  return ok_status();
}

json DrainReport::to_json() const {
  json items_j = json::array();
  for (const auto& i : items) {
    json j = {{"file", i.file}, {"kind", i.kind}, {"trace_id", i.trace_id}, {"outcome", i.outcome}};
    if (!i.message.empty()) j["message"] = i.message;
    if (i.events_appended) j["events_appended"] = i.events_appended;
    if (i.put) j["generation"] = i.put->generation, j["changed"] = i.put->changed;
    items_j.push_back(std::move(j));
  }
  return {{"applied", applied},           {"already_applied", already_applied}, {"deferred", deferred},
          {"quarantined", quarantined},   {"events_appended", events_appended}, {"records_stored", records_stored},
          {"items", items_j}};
}

Bucket::Bucket(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bucket::~Bucket() = default;

const std::filesystem::path& Bucket::dir() const { return impl_->dir; }
leveldb::DB* Bucket::db_for_reading() const { return impl_->db.get(); }
const DrainReport& Bucket::last_drain() const { return impl_->last_drain; }

namespace {

bool is_lock_error(const leveldb::Status& s) {
  std::string m = s.ToString();
  return s.IsIOError() && (m.find("lock") != std::string::npos || m.find("LOCK") != std::string::npos);
}

// What LevelDB replays on every open: the whole MANIFEST and the write-ahead log. With
// reuse_logs both are appended to across opens, the MANIFEST up to max_file_size (2 MiB),
// the log up to write_buffer_size (4 MiB): 220 KB of MANIFEST after ingesting 10k
// traces was half a post-commit hook's instructions, a 1.1 MB log a third. Past these
// sizes one open without reuse writes a compact MANIFEST and moves the log to a table.
constexpr uint64_t kManifestRewriteBytes = 64 * 1024;
constexpr uint64_t kLogReplayBytes = 256 * 1024;

bool replay_is_long(const std::filesystem::path& dir) {
  std::error_code ec;
  auto current = read_file(dir / "CURRENT");
  if (current.ok()) {
    std::string name = current->substr(0, current->find('\n'));
    if (!name.empty() && name.find('/') == std::string::npos) {
      auto size = std::filesystem::file_size(dir / name, ec);
      if (!ec && size > kManifestRewriteBytes) return true;
    }
  }
  uint64_t logs = 0;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (p.extension() != ".log") continue;
    std::error_code sec;
    auto size = it->file_size(sec);
    if (!sec) logs += size;
  }
  return logs > kLogReplayBytes;
}

}  // namespace

Result<std::unique_ptr<Bucket>> Bucket::open(const std::filesystem::path& dir, OpenOptions options) {
  std::error_code ec;
  if (options.create_if_missing) OT_TRY_STATUS(ensure_dir(dir, 0700));
  else if (!std::filesystem::exists(dir / "CURRENT", ec))
    return make_error(ExitCode::kResource, "BUCKET_MISSING", "bucket", "no bucket at " + dir.string(),
                      "capture a session first (`git opentraces capture ingest FILE`)");
  // Data files without CURRENT: LevelDB would start an empty database and then delete
  // them as obsolete. Refuse and point at repair instead.
  if (!std::filesystem::exists(dir / "CURRENT", ec)) {
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::string n = it->path().filename().string();
      if (n.ends_with(".ldb") || n.ends_with(".log") || n.rfind("MANIFEST-", 0) == 0)
        return make_error(ExitCode::kResource, "BUCKET_CORRUPT", "bucket",
                          "the bucket at " + dir.string() + " has data files but no CURRENT file; it cannot be opened",
                          "run `git opentraces bucket repair` to salvage and rebuild it");
    }
  }
  leveldb::Options lo;
  lo.create_if_missing = options.create_if_missing;
  lo.max_open_files = 256;
  // Every command opens the database; appending to the existing log and MANIFEST avoids
  // writing (and syncing) new ones each time, which keeps the lock held briefly, until
  // they are long enough to make every open slow (replay_is_long).
  lo.reuse_logs = !replay_is_long(dir);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.lock_wait_ms);
  std::minstd_rand rng(static_cast<unsigned>(now_ms()) ^ static_cast<unsigned>(getpid()));
  int delay_ms = 5;
  for (;;) {
    leveldb::DB* raw = nullptr;
    leveldb::Status s = leveldb::DB::Open(lo, dir.string(), &raw);
    if (s.ok()) {
      auto impl = std::make_unique<Impl>();
      impl->dir = dir;
      impl->db.reset(raw);
      return std::unique_ptr<Bucket>(new Bucket(std::move(impl)));
    }
    if (!is_lock_error(s))
      return make_error(ExitCode::kResource, s.IsCorruption() ? "BUCKET_CORRUPT" : "BUCKET_OPEN_FAILED", "bucket",
                        "cannot open the bucket at " + dir.string() + ": " + s.ToString(),
                        "run `git opentraces bucket repair` to salvage and rebuild it");
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return make_error(ExitCode::kResource, "BUCKET_LOCKED", "bucket",
                        "the bucket at " + dir.string() + " is in use by another git-opentraces process (waited " +
                            std::to_string(options.lock_wait_ms) + " ms)",
                        "retry in a moment; hooks keep capturing into the spool meanwhile", true);
    int sleep_ms = delay_ms / 2 + static_cast<int>(rng() % static_cast<unsigned>(delay_ms / 2 + 1));
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(sleep_ms, left)));
    delay_ms = std::min(delay_ms * 2, 40);
  }
}

Result<PutResult> Bucket::put_record(const json& record, const PutOptions& options) {
  Txn txn(impl_->db.get());
  auto r = op_put_record(txn, record, options);
  if (!r.ok()) return r;
  OT_TRY_STATUS(txn.commit(true));
  return r;
}

Result<json> Bucket::row(std::string_view trace_id) {
  auto raw = db_get(impl_->db.get(), keys::pointer(trace_id));
  if (!raw.ok()) return raw.error();
  if (!raw->has_value()) return not_found(trace_id);
  return parse_json(**raw, keys::pointer(trace_id));
}

Result<std::optional<std::string>> Bucket::get_derived(const std::string& key) {
  return db_get(impl_->db.get(), key);
}

Result<json> Bucket::get_record(std::string_view trace_id, std::optional<int> generation) {
  std::string hash;
  if (generation) {
    auto raw = db_get(impl_->db.get(), keys::generation(trace_id, *generation));
    if (!raw.ok()) return raw.error();
    if (!raw->has_value())
      return make_error(ExitCode::kNotFound, "GENERATION_NOT_FOUND", "bucket",
                        "trace \"" + std::string(trace_id) + "\" has no generation " + std::to_string(*generation),
                        "see its generations with `git opentraces bucket list --json`");
    auto g = parse_json(**raw, "generation");
    if (!g.ok()) return g.error();
    hash = g->value("record_hash", "");
  } else {
    auto r = row(trace_id);
    if (!r.ok()) return r.error();
    hash = r->value("record_hash", "");
  }
  Txn txn(impl_->db.get());
  return load_object(txn, hash.substr(hash.find(':') + 1), trace_id);
}

Result<std::vector<json>> Bucket::generations(std::string_view trace_id) {
  std::vector<json> out;
  OT_TRY_STATUS(scan_prefix(impl_->db.get(), keys::generation_prefix(trace_id), [&](const std::string& k, const std::string& v) {
    auto j = parse_json(v, k);
    if (j.ok()) out.push_back(std::move(j).value());
    return true;
  }));
  if (out.empty()) return not_found(trace_id);
  return out;
}

Result<std::string> Bucket::resolve_prefix(std::string_view prefix) {
  if (prefix.empty())
    return make_error(ExitCode::kUsage, "INVALID_TRACE_ID", "bucket", "empty trace id", "pass a trace id or a prefix");
  leveldb::DB* db = impl_->db.get();
  for (const auto& key : {keys::pointer(prefix), keys::activity(prefix), keys::event_seq(prefix)}) {
    auto v = db_get(db, key);
    if (!v.ok()) return v.error();
    if (v->has_value()) return std::string(prefix);
  }
  std::set<std::string> found;
  for (const char* p : {"r/", "a/", "es/"}) {
    std::string pre = std::string(p) + std::string(prefix);
    OT_TRY_STATUS(scan_keys(db, pre, [&](const std::string& k) {
      found.insert(k.substr(std::string_view(p).size()));
      return found.size() <= 10;
    }));
  }
  if (found.empty()) return not_found(prefix);
  if (found.size() == 1) return *found.begin();
  std::string list;
  for (const auto& f : found) list += (list.empty() ? "" : ", ") + f;
  return make_error(ExitCode::kUsage, "AMBIGUOUS_TRACE_PREFIX", "bucket",
                    "\"" + std::string(prefix) + "\" matches several traces: " + list +
                        (found.size() > 10 ? ", ..." : ""),
                    "give more characters of the trace id");
}

Result<json> Bucket::status() {
  Txn txn(impl_->db.get());
  auto c = txn.counters();
  if (!c.ok()) return c.error();
  json projects = json::array();
  auto at = [](const std::map<std::string, int64_t>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? int64_t{0} : it->second;
  };
  for (const auto& [slug, n] : c->projects)
    projects.push_back({{"project_slug", slug}, {"trace_count", n}, {"scanned_count", at(c->project_scanned, slug)},
                        {"syncable_count", at(c->project_syncable, slug)}});
  return json{{"root", impl_->dir.string()},
              {"storage", "local"},
              {"trace_count", c->trace_count},
              {"object_count", c->object_count},
              {"object_bytes", c->object_bytes},
              {"generation_count", c->generation_count},
              {"event_count", c->event_count},
              {"active_trace_count", c->activity_count},
              {"scanned_count", c->scanned_count},
              {"unscanned_count", c->trace_count - c->scanned_count},
              {"syncable_count", c->syncable_count},
              {"not_cleared_count", c->trace_count - c->syncable_count},
              {"project_count", static_cast<int64_t>(c->projects.size())},
              {"projects", projects},
              {"last_ingest_at", c->last_ingest_at.empty() ? json() : json(c->last_ingest_at)},
              {"bucket_digest", bucket_digest(*c)}};
}

Status Bucket::append_events(std::string_view trace_id, const std::vector<json>& events) {
  Txn txn(impl_->db.get());
  auto n = op_append_events(txn, trace_id, events);
  if (!n.ok()) return n.error();
  return txn.commit(true);
}

Result<std::vector<json>> Bucket::events(std::string_view trace_id) {
  std::vector<json> out;
  Status st = scan_prefix(impl_->db.get(), keys::event_prefix(trace_id), [&](const std::string& k, const std::string& v) {
    auto j = parse_json(v, k);
    if (j.ok()) out.push_back(std::move(j).value());
    return true;
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::vector<ActiveTrace>> Bucket::traces_active_since(int64_t since_ms) {
  std::vector<ActiveTrace> out;
  leveldb::DB* db = impl_->db.get();
  std::vector<std::string> ids;
  OT_TRY_STATUS(scan_keys(db, "t/", [&](const std::string& k) {
    ids.push_back(k.substr(k.rfind('/') + 1));
    return true;
  }, keys::activity_time(since_ms, "")));
  for (const auto& id : ids) {
    auto raw = db_get(db, keys::activity(id));
    if (!raw.ok()) return raw.error();
    if (!raw->has_value()) continue;
    auto a = parse_json(**raw, keys::activity(id));
    if (!a.ok()) continue;
    out.push_back(ActiveTrace{id, a->value("agent", ""), a->value("cwd", ""), a->value("last_activity_ms", int64_t{0})});
  }
  std::sort(out.begin(), out.end(), [](const ActiveTrace& a, const ActiveTrace& b) {
    return a.last_activity_ms != b.last_activity_ms ? a.last_activity_ms > b.last_activity_ms : a.trace_id < b.trace_id;
  });
  return out;
}

Status Bucket::debug_put_raw(const std::string& key, const std::string& value) {
  leveldb::WriteOptions wo;
  wo.sync = true;
  leveldb::Status s = impl_->db->Put(wo, key, value);
  if (!s.ok()) return make_error(ExitCode::kResource, "BUCKET_WRITE_FAILED", "bucket", s.ToString());
  return ok_status();
}

Result<std::unique_ptr<Bucket>> open_and_drain(const std::filesystem::path& dir, const std::filesystem::path& spool,
                                               OpenOptions options) {
  auto b = Bucket::open(dir, options);
  if (!b.ok()) return b;
  auto report = (*b)->drain_spool(spool);
  if (!report.ok()) {
    // The bucket is still usable; the spool stays for the next command.
    log().error("spool drain failed: {}", report.error().message);
  } else if (report->records_stored > 0) {
    // Traces drained from hooks pile up as loose search postings; pack them when due.
    if (auto packed = discovery::fts_pack_if_due(**b); !packed.ok())
      log().warn("search index pack skipped: {}", packed.error().message);
  }
  return b;
}

}  // namespace ot::bucket
