// Bucket::rewrite_history: the one place that changes stored objects and events after
// the fact (for redaction; see bucket.h). Generation numbers, event sequence numbers and
// the current record are kept; only content changes, with every counter and digest
// accumulator updated in the same WriteBatch.
#include <fcntl.h>
#include <leveldb/db.h>
#include <leveldb/write_batch.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "engine/bucket/bucket.h"
#include "engine/bucket/bucket_impl.h"
#include "engine/bucket/derived.h"
#include "engine/bucket/facts.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/manifest.h"
#include "engine/bucket/store_ops.h"
#include "engine/bucket/txn.h"
#include "engine/ctx/tree.h"
#include "engine/util/hash.h"
#include "engine/util/log.h"

namespace ot::bucket {

Result<int64_t> Bucket::rewrite_history(std::string_view trace_id, const std::function<Result<json>(const json&)>& redact) {
  OT_TRY_STATUS(validate_trace_id(trace_id));
  const std::string tid(trace_id);
  leveldb::DB* db = impl_->db.get();
  Txn txn(db);
  auto ptr = txn.get_json(keys::pointer(tid));
  if (!ptr.ok()) return ptr.error();
  if (!ptr->has_value()) return not_found(tid);
  const int current = (**ptr).value("generation", 0);
  auto c_r = txn.counters();
  if (!c_r.ok()) return c_r.error();
  Counters c = std::move(c_r).value();
  int64_t changed = 0;

  std::set<std::string> old_blobs;  // context blobs (c/) derived from the generations redacted here
  std::vector<std::pair<std::string, json>> gens;  // key, value
  OT_TRY_STATUS(scan_prefix(db, keys::generation_prefix(tid), [&](const std::string& k, const std::string& v) {
    auto g = parse_json(v, k);
    if (g.ok()) gens.emplace_back(k, std::move(g).value());
    return true;
  }));
  for (auto& [key, g] : gens) {
    int gen = g.value("generation", 0);
    if (gen == current) continue;
    std::string hash = g.value("record_hash", "");
    std::string hex = keys::has_prefix(hash, "sha256:") ? hash.substr(7) : hash;
    auto rec = load_object(txn, hex, tid);
    if (!rec.ok()) return rec.error();
    for (const auto& [blob, bytes] : ctx::build_tree(*rec).blobs) old_blobs.insert(blob);
    auto red = redact(*rec);
    if (!red.ok()) return red.error();
    std::string bytes = canonical_json(*red);
    std::string new_hex = sha256_hex(bytes);
    if (new_hex == hex) continue;
    std::string new_hash = "sha256:" + new_hex;
    auto have = txn.get(keys::object(new_hex));
    if (!have.ok()) return have.error();
    if (!have->has_value()) {
      txn.put(keys::object(new_hex), bytes);
      c.object_count++;
      c.object_bytes += static_cast<int64_t>(bytes.size());
    }
    auto old_bytes = txn.get(keys::object(hex));
    if (old_bytes.ok() && old_bytes->has_value()) {
      c.object_count--;
      c.object_bytes -= static_cast<int64_t>((*old_bytes)->size());
    }
    txn.del(keys::object(hex));  // only this trace's generations can name it (ids are in the content)
    txn.del(keys::generation_hash(tid, hex));
    auto dup = txn.get(keys::generation_hash(tid, new_hex));
    if (!dup.ok()) return dup.error();
    if (!dup->has_value()) txn.put(keys::generation_hash(tid, new_hex), std::to_string(gen));
    c.acc_generations = xor_hex(c.acc_generations, generation_element(tid, gen, hash));
    c.acc_generations = xor_hex(c.acc_generations, generation_element(tid, gen, new_hash));
    g["record_hash"] = new_hash;
    txn.put_json(key, g);
    ++changed;
  }

  std::vector<std::pair<std::string, json>> events;
  OT_TRY_STATUS(scan_prefix(db, keys::event_prefix(tid), [&](const std::string& k, const std::string& v) {
    auto e = parse_json(v, k);
    if (e.ok()) events.emplace_back(k, std::move(e).value());
    return true;
  }));
  for (auto& [key, e] : events) {
    auto red = redact(e);
    if (!red.ok()) return red.error();
    if (*red == e) continue;
    int64_t seq = std::atoll(key.substr(key.rfind('/') + 1).c_str());
    json n = *red;
    n["seq"] = seq;  // identity fields stay as stored
    if (e.contains("trace_id")) n["trace_id"] = e["trace_id"];
    c.acc_events = xor_hex(c.acc_events, event_element(tid, seq, e));
    c.acc_events = xor_hex(c.acc_events, event_element(tid, seq, n));
    txn.put_json(key, n);
    ++changed;
  }
  // Derived context blobs (c/, content-addressed, shared between traces) that only the
  // old generations produced: one that the redaction would change held something
  // sensitive and is deleted. Another trace sharing it rebuilds it with `bucket repair`.
  if (!old_blobs.empty()) {
    std::string cur_hash = (**ptr).value("record_hash", "");
    auto cur = load_object(txn, keys::has_prefix(cur_hash, "sha256:") ? cur_hash.substr(7) : cur_hash, tid);
    if (!cur.ok()) return cur.error();
    for (const auto& [blob, bytes] : ctx::build_tree(*cur).blobs) old_blobs.erase(blob);
    for (const auto& blob : old_blobs) {
      auto raw = txn.get(derived_blob_key(blob));
      if (!raw.ok() || !raw->has_value()) continue;
      auto j = parse_json(**raw, derived_blob_key(blob));
      if (!j.ok()) continue;
      auto red = redact(*j);
      if (!red.ok()) return red.error();
      if (*red == *j) continue;
      txn.del(derived_blob_key(blob));
      ++changed;
    }
  }

  // The activity entry keeps the session's cwd (a home path): it goes through `redact` too.
  auto act = txn.get_json(keys::activity(tid));
  if (!act.ok()) return act.error();
  if (act->has_value()) {
    auto red = redact(**act);
    if (!red.ok()) return red.error();
    if (*red != **act && red->is_object()) {
      json n = *red;
      for (const char* k : {"trace_id", "last_activity_ms", "agent"})
        if ((**act).contains(k)) n[k] = (**act)[k];
      txn.put_json(keys::activity(tid), n);
      ++changed;
    }
  }
  if (changed == 0) return changed;
  txn.put_counters(c);
  OT_TRY_STATUS(txn.commit(true));
  return changed;
}

// LevelDB's CompactRange never rewrites a lone file at the deepest level, and a memtable
// flush writes every version of a key, so overwritten values (an unredacted record row,
// say) can outlive CompactRange in the .ldb files. compact() therefore copies the live
// entries into a fresh database beside the bucket and swaps the two directories
// atomically (renameat2 RENAME_EXCHANGE); a crash at any point leaves either the old or
// the new copy in place, and the leftover directory is removed on the next compact().
void Bucket::compact() {
  namespace fs = std::filesystem;
  const fs::path dir = impl_->dir;
  fs::path fresh = dir;
  fresh += ".compact";
  std::error_code ec;
  fs::remove_all(fresh, ec);
  impl_->db->CompactRange(nullptr, nullptr);
  leveldb::Options lo;
  lo.create_if_missing = true;
  lo.error_if_exists = true;
  leveldb::DB* raw = nullptr;
  if (!leveldb::DB::Open(lo, fresh.string(), &raw).ok()) {
    log().warn("bucket compact: cannot create {}; kept the in-place compaction only", fresh.string());
    return;
  }
  std::unique_ptr<leveldb::DB> out(raw);
  {
    std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(leveldb::ReadOptions()));
    leveldb::WriteBatch batch;
    size_t bytes = 0;
    bool good = true;
    for (it->SeekToFirst(); it->Valid() && good; it->Next()) {
      batch.Put(it->key(), it->value());  // values stay encoded as stored
      bytes += it->key().size() + it->value().size();
      if (bytes > (8u << 20)) {
        good = out->Write(leveldb::WriteOptions(), &batch).ok();
        batch.Clear();
        bytes = 0;
      }
    }
    leveldb::WriteOptions sync;
    sync.sync = true;
    if (!good || !it->status().ok() || !out->Write(sync, &batch).ok()) {
      out.reset();
      fs::remove_all(fresh, ec);
      log().warn("bucket compact: copy failed; kept the in-place compaction only");
      return;
    }
  }
  out->CompactRange(nullptr, nullptr);
  out.reset();
  impl_->db.reset();  // releases the LOCK so the swapped-in copy can be opened
  bool swapped = ::renameat2(AT_FDCWD, dir.c_str(), AT_FDCWD, fresh.c_str(), RENAME_EXCHANGE) == 0;
  if (!swapped) log().warn("bucket compact: cannot swap in the compacted copy ({})", std::strerror(errno));
  leveldb::Options ro;
  ro.max_open_files = 256;
  ro.reuse_logs = true;
  for (int attempt = 0; attempt < 200; ++attempt) {  // another process may hold the lock for a moment
    raw = nullptr;
    if (leveldb::DB::Open(ro, dir.string(), &raw).ok()) {
      impl_->db.reset(raw);
      break;
    }
    ::usleep(10000);
  }
  if (!impl_->db) log().error("bucket compact: could not reopen {}", dir.string());
  fs::remove_all(fresh, ec);  // the old copy (after a swap) or the unused new one
}

}  // namespace ot::bucket
