// Packing the search index. Ingest writes one loose posting key per term and trace
// (d/fts/p/<term>/<trace>): cheap to write and to delete with the trace. A query over a
// common word then walks one LevelDB key per trace, and that walk is most of its time.
// A pack moves loose postings into segments (d/fts/P/<term>/<seg>/<chunk>): one term's
// postings of many traces, sorted by trace id, in chunks of < 4 KB, so the same query reads
// a few hundred keys. Segments are immutable; a trace re-indexed or removed after its
// postings were packed gets a gone marker that voids its entries in older segments, and a
// pack that rewrites a segment drops them. Per term, segments merge size-tiered (a new
// segment absorbs older ones no more than twice its size; never more than
// kMaxSegmentsPerTerm), so each posting is rewritten O(log n) times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <leveldb/db.h>

#include "engine/bucket/bucket.h"
#include "engine/discovery/fts_index.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::discovery {

inline constexpr int kMaxSegmentsPerTerm = 8;
inline constexpr size_t kChunkBytes = 4000;  // under the codec's compression threshold: chunks stay raw
// An ingest packs once this many traces are loose and they are at least 1/8 of the index
// (so packs grow with the index and each posting is rewritten a few times, not once a pack).
inline constexpr int64_t kAutoPackMinLoose = 2000;

struct PackReport {
  bool full = false;
  int64_t traces_packed = 0;    // traces whose loose postings moved into segments
  int64_t loose_postings = 0;   // loose keys moved
  int64_t terms = 0;            // terms given a new segment
  int64_t segments_merged = 0;  // older segments folded into a new one
  int64_t void_dropped = 0;     // entries of re-indexed or removed traces dropped
  int64_t gone_cleared = 0;     // gone markers removed (full pack)
  double elapsed_ms = 0;
  ordered_json to_json() const;
};

// Packs every loose posting; `full` also rewrites every term into one segment without void
// entries and clears the gone markers. INDEX_OUTDATED (exit 3) on an index this build cannot read.
Result<PackReport> fts_pack(bucket::Bucket& bucket, bool full);
// Packs when due (see kAutoPackMinLoose; a full pack when gone markers exceed 1/10 of the
// traces). nullopt when nothing was due.
Result<std::optional<PackReport>> fts_pack_if_due(bucket::Bucket& bucket);

// Traces carrying a gone marker (void packed entries somewhere).
Result<int64_t> count_gone(leveldb::DB* db);

// Segment chunk entries: varint id length, id, varint posting length, posting (encode_posting).
void append_packed_entry(std::string& chunk, std::string_view trace, std::string_view posting);
// fn(trace, posting bytes) for each entry, in order; false when the chunk is malformed.
template <class Fn>
bool for_each_packed_entry(std::string_view chunk, Fn&& fn) {
  while (!chunk.empty()) {
    uint32_t n = 0;
    if (!get_varint(chunk, n) || n > chunk.size()) return false;
    std::string_view id = chunk.substr(0, n);
    chunk.remove_prefix(n);
    if (!get_varint(chunk, n) || n > chunk.size()) return false;
    std::string_view posting = chunk.substr(0, n);
    chunk.remove_prefix(n);
    fn(id, posting);
  }
  return true;
}
// The segment number of a packed key's rest ("<seg10>/<chunk6>" after the term's prefix); -1 if malformed.
int64_t packed_segment_of(std::string_view rest);

}  // namespace ot::discovery
