// Derived data: what other modules (discovery's full-text index, ctx's context layers,
// ...) keep beside a record's current generation. It is written in the same LevelDB
// transaction as the record itself (op_put_record) and recomputed by `bucket repair`,
// so it can never drift from the stored records.
//
// Key space owned here:
//   d/<module>/...        derived keys; a module may keep aggregates here too
//   dk/<trace>            the per-trace derived keys of the current generation, deleted
//                         (after each module's forget()) when a new generation lands
//   c/<sha256hex>         content-addressed derived blobs shared across traces (never
//                         listed in dk/, never pruned by `bucket prune`)
// Repair wipes d/ and dk/ and re-runs every writer over every current record; c/ is
// content-addressed and simply re-put.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/bucket/facts.h"
#include "engine/bucket/txn.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::bucket {

struct DerivedWriter {
  const char* name;  // the module name, also its d/<name>/ key prefix
  // Before a trace's previous derived keys are deleted: undo its share of any
  // aggregate the module keeps (it can still read its own per-trace keys). May be null.
  Status (*forget)(Txn& txn, std::string_view trace_id);
  // Writes the derived keys of the record's current generation; appends every per-trace
  // key it writes to `owned` (those are deleted when the trace gets a new generation).
  Status (*index)(Txn& txn, const json& record, const RecordFacts& facts, std::vector<std::string>& owned);
};

// The writers, in order. Adding a module = one line in derived.cpp.
const std::vector<DerivedWriter>& derived_writers();

// Replaces the trace's derived data with that of `record` (its new current generation).
Status write_derived(Txn& txn, const json& record, const RecordFacts& facts);

// Key helpers.
inline std::string derived_list_key(std::string_view trace) { return "dk/" + std::string(trace); }
inline std::string derived_blob_key(std::string_view hex) { return "c/" + std::string(hex); }

}  // namespace ot::bucket
