// The bucket's write operations on a Txn (internal to engine/bucket). Bucket methods,
// the spool drain, import and repair all go through these, so indexes, activity and
// counters stay consistent whichever path wrote the data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/bucket/txn.h"

namespace ot::bucket {

// Reads o/<hex>, checks its sha256 and parses it. OBJECT_CORRUPT names `trace_id`.
Result<json> load_object(Txn& txn, const std::string& hex, std::string_view trace_id);

Result<PutResult> op_put_record(Txn& txn, const json& record, const PutOptions& options);

// Appends with fresh sequence numbers; returns how many were appended.
Result<int> op_append_events(Txn& txn, std::string_view trace_id, const std::vector<json>& events);

// Stores an event at a given sequence (import). No-op when that seq already holds it.
Status op_put_event_at(Txn& txn, std::string_view trace_id, int64_t seq, const json& event);

// Marks activity for a trace (keeps the newest time; fills agent/cwd when known).
Status op_touch_activity(Txn& txn, std::string_view trace_id, std::string_view agent, std::string_view cwd,
                         int64_t ms);

}  // namespace ot::bucket
