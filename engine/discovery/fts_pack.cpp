#include "engine/discovery/fts_pack.h"

#include <leveldb/db.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/bucket/codec.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/txn.h"
#include "engine/util/log.h"

namespace ot::discovery {

namespace {

// Staged writes per commit: a pack of 100k traces deletes millions of keys.
constexpr size_t kCommitBytes = 4u << 20;

struct Entry {
  std::string trace, posting;
};

Error io_error(const leveldb::Status& s) {
  return make_error(ExitCode::kResource, "BUCKET_IO", "trace index pack", "cannot read the bucket: " + s.ToString(),
                    "run `git opentraces bucket verify`");
}

// Walks the keys under `prefix` (at the DB's state when called): fn(key rest, stored value).
template <class Fn>
Status walk(leveldb::DB* db, const std::string& prefix, Fn&& fn) {
  leveldb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    leveldb::Slice k = it->key();
    if (!k.starts_with(prefix)) break;
    leveldb::Slice v = it->value();
    if (!fn(std::string_view(k.data() + prefix.size(), k.size() - prefix.size()), std::string_view(v.data(), v.size())))
      break;
  }
  if (!it->status().ok()) return io_error(it->status());
  return ok_status();
}

// One term's segments as stored: number → chunk keys (in order).
struct Segment {
  int64_t number = 0;
  std::vector<std::string> keys;
};

class Packer {
 public:
  Packer(leveldb::DB* db, bool full) : db_(db), txn_(db), full_(full) { report_.full = full; }

  Status run() {
    auto st = read_index_stats(txn_);
    if (!st.ok()) return st.error();
    stats_ = *st;
    if (!index_version_readable(stats_.version))
      return make_error(ExitCode::kResource, "INDEX_OUTDATED", "trace index pack",
                        "the search index was built by version " + std::to_string(stats_.version) + " of the indexer",
                        "run `git opentraces trace index rebuild`");
    // Claim this run's segment number first, so a pack cut short never reuses it.
    number_ = stats_.segment;
    stats_.version = kIndexVersion;
    stats_.segment = number_ + 1;
    txn_.put_json(fts_keys::kStats, stats_.to_json());
    OT_TRY_STATUS(txn_.commit(false));

    OT_TRY_STATUS(walk(db_, fts_keys::kGonePrefix, [&](std::string_view trace, std::string_view v) {
      auto p = fts_value(v, fts_keys::kGonePrefix);
      gone_[std::string(trace)] = p.ok() ? std::atoll(p->c_str()) : 0;
      return true;
    }));

    // Loose postings, term by term (keys sort by term, then trace).
    std::string term;
    std::vector<Entry> loose;
    Status failed = ok_status();
    OT_TRY_STATUS(walk(db_, fts_keys::kLoosePrefix, [&](std::string_view rest, std::string_view v) {
      size_t slash = rest.find('/');
      if (slash == std::string_view::npos || slash == 0) return true;
      std::string_view t = rest.substr(0, slash);
      if (t != term) {
        if (!term.empty() && !(failed = flush(term, loose)).ok()) return false;
        term.assign(t);
        loose.clear();
      }
      std::string key = fts_keys::kLoosePrefix + std::string(rest);
      auto p = fts_value(v, key);
      if (p.ok()) loose.push_back({std::string(rest.substr(slash + 1)), std::move(p).value()});
      txn_.del(key);
      report_.loose_postings++;
      return true;
    }));
    OT_TRY_STATUS(failed);
    if (!term.empty()) OT_TRY_STATUS(flush(term, loose));

    if (full_) OT_TRY_STATUS(rewrite_all());
    stats_.loose = 0;
    txn_.put_json(fts_keys::kStats, stats_.to_json());
    OT_TRY_STATUS(txn_.commit(true));
    // The loose keys are now deletion markers, and LevelDB walks markers one by one until
    // they are compacted away: any seek that lands before them (the gone/ scan, the next
    // term's loose scan) would pay for every posting just packed. Compact their range now.
    if (report_.loose_postings > 0) {
      std::string begin = fts_keys::kLoosePrefix, end = fts_keys::kLoosePrefix + "\xff";
      leveldb::Slice b(begin), e(end);
      db_->CompactRange(&b, &e);
    }
    return ok_status();
  }

  PackReport report() const {
    PackReport r = report_;
    r.traces_packed = static_cast<int64_t>(packed_.size());
    return r;
  }

 private:
  bool is_void(std::string_view trace, int64_t segment) const {
    if (gone_.empty()) return false;
    auto it = gone_.find(std::string(trace));
    return it != gone_.end() && segment < it->second;
  }

  Result<std::vector<Segment>> segments_of(const std::string& term) {
    std::vector<Segment> segs;
    OT_TRY_STATUS(walk(db_, fts_keys::packed_prefix(term), [&](std::string_view rest, std::string_view) {
      int64_t n = packed_segment_of(rest);
      if (n < 0) return true;
      if (segs.empty() || segs.back().number != n) segs.push_back({n, {}});
      segs.back().keys.push_back(fts_keys::packed_prefix(term) + std::string(rest));
      return true;
    }));
    return segs;
  }

  // Reads a segment's entries (void ones dropped) and deletes its chunks.
  Status absorb(const Segment& seg, std::vector<Entry>& into) {
    for (const auto& key : seg.keys) {
      std::string stored;
      leveldb::Status s = db_->Get(leveldb::ReadOptions(), key, &stored);
      if (!s.ok()) return io_error(s);
      auto chunk = fts_value(stored, key);
      if (!chunk.ok()) return chunk.error();
      bool good = for_each_packed_entry(*chunk, [&](std::string_view id, std::string_view posting) {
        if (is_void(id, seg.number)) {
          report_.void_dropped++;
          return;
        }
        into.push_back({std::string(id), std::string(posting)});
      });
      if (!good)
        return make_error(ExitCode::kResource, "INDEX_CORRUPT", "trace index pack", "a packed posting chunk is malformed: " + key,
                          "run `git opentraces trace index rebuild`");
      txn_.del(key);
    }
    report_.segments_merged++;
    return ok_status();
  }

  // Chunk entries count about this many bytes (sizes for the merge policy, from key counts).
  static size_t chunks_for(size_t entries) { return entries * 48 / kChunkBytes + 1; }

  Status flush(const std::string& term, std::vector<Entry>& entries) {
    auto segs = segments_of(term);
    if (!segs.ok()) return segs.error();
    // Size-tiered: absorb the newest older segments while they are at most twice the new
    // one; everything when the term would exceed its segment cap (or on a full pack).
    size_t take = 0, size = chunks_for(entries.size());
    for (auto it = segs->rbegin(); it != segs->rend(); ++it) {
      if (it->keys.size() > 2 * size) break;
      size += it->keys.size();
      ++take;
    }
    if (full_ || segs->size() - take + 1 > static_cast<size_t>(kMaxSegmentsPerTerm)) take = segs->size();
    for (const auto& e : entries)  // the loose ones: their traces now have packed postings
      if (packed_.insert(e.trace).second) txn_.put(fts_keys::kPackedMarkPrefix + e.trace, "");
    for (size_t i = segs->size() - take; i < segs->size(); ++i) OT_TRY_STATUS(absorb((*segs)[i], entries));
    OT_TRY_STATUS(write_segment(term, entries));
    report_.terms++;
    entries.clear();
    if (txn_.staged_bytes() > kCommitBytes) OT_TRY_STATUS(txn_.commit(false));
    return ok_status();
  }

  Status write_segment(const std::string& term, std::vector<Entry>& entries) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.trace < b.trace; });
    std::string chunk;
    int chunk_no = 0;
    std::string prefix = fts_keys::packed_prefix(term) + bucket::keys::pad(number_, 10) + "/";
    auto put = [&] {
      txn_.put(prefix + bucket::keys::pad(chunk_no++, 6), std::move(chunk));
      chunk.clear();
    };
    for (const auto& e : entries) {
      if (!chunk.empty() && chunk.size() + e.trace.size() + e.posting.size() + 10 > kChunkBytes) put();
      append_packed_entry(chunk, e.trace, e.posting);
    }
    if (!chunk.empty()) put();
    return ok_status();
  }

  // Full pack: every term with more than one segment or any void entry becomes one segment.
  Status rewrite_all() {
    OT_TRY_STATUS(txn_.commit(false));
    std::vector<std::string> terms;
    OT_TRY_STATUS(walk(db_, fts_keys::kPackedPrefix, [&](std::string_view rest, std::string_view) {
      size_t slash = rest.find('/');
      if (slash != std::string_view::npos && (terms.empty() || terms.back() != rest.substr(0, slash)))
        terms.emplace_back(rest.substr(0, slash));
      return true;
    }));
    for (const auto& term : terms) {
      auto segs = segments_of(term);
      if (!segs.ok()) return segs.error();
      if (segs->size() == 1 && segs->front().number == number_) continue;  // written by this run
      std::vector<Entry> entries;
      for (const auto& seg : *segs) OT_TRY_STATUS(absorb(seg, entries));
      if (!entries.empty()) OT_TRY_STATUS(write_segment(term, entries));
      if (txn_.staged_bytes() > kCommitBytes) OT_TRY_STATUS(txn_.commit(false));
    }
    for (const auto& [trace, _] : gone_) txn_.del(fts_keys::kGonePrefix + trace);
    report_.gone_cleared = static_cast<int64_t>(gone_.size());
    return ok_status();
  }

  leveldb::DB* db_;
  bucket::Txn txn_;
  bool full_;
  IndexStats stats_;
  int64_t number_ = 0;
  std::unordered_map<std::string, int64_t> gone_;
  std::unordered_set<std::string> packed_;
  PackReport report_;
};

}  // namespace

Result<int64_t> count_gone(leveldb::DB* db) {
  int64_t n = 0;
  OT_TRY_STATUS(walk(db, fts_keys::kGonePrefix, [&](std::string_view, std::string_view) {
    ++n;
    return true;
  }));
  return n;
}

void append_packed_entry(std::string& chunk, std::string_view trace, std::string_view posting) {
  put_varint(chunk, static_cast<uint32_t>(trace.size()));
  chunk.append(trace);
  put_varint(chunk, static_cast<uint32_t>(posting.size()));
  chunk.append(posting);
}

int64_t packed_segment_of(std::string_view rest) {
  if (rest.size() < 11 || rest[10] != '/') return -1;
  int64_t n = 0;
  for (size_t i = 0; i < 10; ++i) {
    if (rest[i] < '0' || rest[i] > '9') return -1;
    n = n * 10 + (rest[i] - '0');
  }
  return n;
}

ordered_json PackReport::to_json() const {
  ordered_json j;
  j["full"] = full;
  j["traces_packed"] = traces_packed;
  j["loose_postings"] = loose_postings;
  j["terms"] = terms;
  j["segments_merged"] = segments_merged;
  j["void_dropped"] = void_dropped;
  j["gone_cleared"] = gone_cleared;
  j["elapsed_ms"] = std::round(elapsed_ms);
  return j;
}

Result<PackReport> fts_pack(bucket::Bucket& bucket, bool full) {
  auto started = std::chrono::steady_clock::now();
  // The bucket is open, so this process holds LevelDB's lock: derived upkeep may write its
  // own d/fts/ keys directly (no record, counter or digest changes).
  Packer packer(bucket.db_for_reading(), full);
  OT_TRY_STATUS(packer.run());
  PackReport rep = packer.report();
  rep.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return rep;
}

Result<std::optional<PackReport>> fts_pack_if_due(bucket::Bucket& bucket) {
  bucket::Txn txn(bucket.db_for_reading());
  auto stats = read_index_stats(txn);
  if (!stats.ok()) return stats.error();
  if (!index_version_readable(stats->version)) return std::optional<PackReport>();
  int64_t gone = 0;
  if (stats->segment > 0) {
    auto n = count_gone(bucket.db_for_reading());
    if (!n.ok()) return n.error();
    gone = *n;
  }
  bool full = gone > std::max<int64_t>(100, stats->docs / 10);
  bool due = stats->loose >= kAutoPackMinLoose && stats->loose * 8 >= stats->docs;
  if (!due && !full) return std::optional<PackReport>();
  auto rep = fts_pack(bucket, full);
  if (!rep.ok()) return rep.error();
  log().info("search index packed: {} loose postings into {} terms{}", rep->loose_postings, rep->terms,
             full ? " (full)" : "");
  return std::optional<PackReport>(*rep);
}

}  // namespace ot::discovery
