#include "engine/discovery/index_admin.h"

#include <leveldb/db.h>

#include <chrono>
#include <memory>
#include <cmath>

#include "engine/bucket/codec.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/manifest.h"
#include "engine/bucket/txn.h"
#include "engine/discovery/fts_index.h"
#include "engine/discovery/fts_pack.h"

namespace ot::discovery {

namespace {

Result<std::optional<json>> read_json(leveldb::DB* db, const std::string& key) {
  auto raw = bucket::db_get(db, key);
  if (!raw.ok()) return raw.error();
  if (!raw->has_value()) return std::optional<json>();
  auto j = parse_json(**raw, key);
  if (!j.ok()) return j.error();
  return std::optional<json>(std::move(j).value());
}

}  // namespace

Result<ordered_json> index_status(const bucket::Bucket& b) {
  leveldb::DB* db = b.db_for_reading();
  auto stats_j = read_json(db, fts_keys::kStats);
  if (!stats_j.ok()) return stats_j.error();
  auto manifest = read_json(db, bucket::keys::kManifest);
  if (!manifest.ok()) return manifest.error();
  int64_t traces = 0;
  if (manifest->has_value())
    if (auto c = bucket::Counters::from_json(**manifest); c.ok()) traces = c->trace_count;
  IndexStats s = stats_j->has_value() ? IndexStats::from_json(**stats_j) : IndexStats{};

  std::string state = "ready", reason;
  if (!stats_j->has_value()) {
    state = traces > 0 ? "missing" : "empty";
    if (traces > 0) reason = "no search index: the traces were stored before the index existed";
  } else if (!index_version_readable(s.version)) {
    state = "outdated";
    reason = "built by indexer version " + std::to_string(s.version) + ", this build uses " + std::to_string(kIndexVersion);
  } else if (s.docs != traces) {
    state = "stale";
    reason = "the index covers " + std::to_string(s.docs) + " of " + std::to_string(traces) + " traces";
  } else if (traces == 0) {
    state = "empty";
  }
  ordered_json avg = ordered_json::object();
  for (int f = 0; f < kFieldCount; ++f)
    avg[field_name(f)] = s.docs > 0 ? static_cast<double>(s.len[f]) / static_cast<double>(s.docs) : 0.0;
  leveldb::Range range("d/fts/", "d/fts0");
  uint64_t bytes = 0;
  db->GetApproximateSizes(&range, 1, &bytes);

  ordered_json out;
  out["state"] = state;
  out["indexed_traces"] = s.docs;
  out["bucket_traces"] = traces;
  out["index_version"] = stats_j->has_value() ? s.version : 0;
  out["expected_version"] = kIndexVersion;
  out["stale_reason"] = reason.empty() ? json() : json(reason);
  out["rebuild_recommended"] = state == "missing" || state == "outdated" || state == "stale";
  out["avg_field_tokens"] = avg;
  out["approx_bytes"] = bytes;
  out["loose_traces"] = s.loose;
  out["next_segment"] = s.segment;
  auto gone = count_gone(db);
  if (!gone.ok()) return gone.error();
  out["gone_traces"] = *gone;
  out["fields"] = json::array();
  for (int f = 0; f < kFieldCount; ++f) out["fields"].push_back({{"name", field_name(f)}, {"weight", field_weight(f)}});
  return out;
}

Result<ordered_json> index_rebuild(bucket::Bucket& b) {
  auto started = std::chrono::steady_clock::now();
  auto rep = b.rebuild();
  if (!rep.ok()) return rep.error();
  auto packed = fts_pack_if_due(b);  // a rebuild leaves every posting loose
  if (!packed.ok()) return packed.error();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  auto status = index_status(b);
  if (!status.ok()) return status.error();
  ordered_json out;
  out["rebuilt"] = {{"traces_rebuilt", rep->traces_rebuilt},
                    {"traces_lost", rep->traces_lost},
                    {"objects_dropped", rep->objects_dropped},
                    {"lost_traces", rep->lost_traces}};
  out["elapsed_ms"] = std::round(ms);
  out["packed"] = packed->has_value() ? (*packed)->to_json() : ordered_json();
  out["index"] = *status;
  return out;
}

Result<ordered_json> index_pack(bucket::Bucket& b, bool full) {
  auto rep = fts_pack(b, full);
  if (!rep.ok()) return rep.error();
  auto status = index_status(b);
  if (!status.ok()) return status.error();
  ordered_json out;
  out["packed"] = rep->to_json();
  out["index"] = *status;
  return out;
}

}  // namespace ot::discovery
