// Manifest counters (m/manifest), updated in the same WriteBatch as every change so
// `bucket status` reads one key. The bucket digest is machine-neutral: it covers
// trace ids, record hashes, generations and events (never paths or timestamps) through
// XOR accumulators of per-element sha256 values, so it updates in O(1) per write and
// equals the digest recomputed from an exported copy.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::bucket {

inline constexpr const char* kManifestSchema = "opentraces.bucket.counters.v1";
inline constexpr const char* kDigestSchema = "opentraces.bucket.digest.v1";

struct Counters {
  int64_t trace_count = 0;       // traces with a stored record
  int64_t object_count = 0;      // distinct objects (all generations)
  int64_t object_bytes = 0;      // their uncompressed size
  int64_t generation_count = 0;
  int64_t event_count = 0;
  int64_t activity_count = 0;    // traces seen through hooks or records
  int64_t scanned_count = 0;     // current records the security scan has seen
  int64_t syncable_count = 0;
  std::map<std::string, int64_t> projects;  // slug → trace count
  std::map<std::string, int64_t> project_scanned, project_syncable;  // slug → count (entries > 0 only)
  std::string last_ingest_at;    // newest written_at
  std::string acc_records, acc_generations, acc_events;  // 64-hex XOR accumulators

  // Adds (+1) or removes (-1) one current record's contribution to the security counts.
  void count_record(const std::string& project, bool scanned, bool syncable, int delta);

  json to_json() const;
  static Result<Counters> from_json(const json& j);
};

// XOR of two 64-hex strings (empty = zero).
std::string xor_hex(std::string_view a, std::string_view b);

// Element hashes folded into the accumulators.
std::string record_element(std::string_view trace_id, std::string_view record_hash, int generation,
                           std::string_view project);
std::string generation_element(std::string_view trace_id, int generation, std::string_view record_hash);
std::string event_element(std::string_view trace_id, int64_t seq, const json& event);

// "sha256:<hex>" over the counts and accumulators.
std::string bucket_digest(const Counters& c);

}  // namespace ot::bucket
