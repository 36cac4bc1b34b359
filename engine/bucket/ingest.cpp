#include "engine/bucket/ingest.h"

#include "engine/bucket/bucket.h"
#include "engine/bucket/bucket_impl.h"
#include "engine/bucket/store_ops.h"
#include "engine/bucket/txn.h"
#include "engine/parse/session.h"
#include "engine/schema/record.h"
#include "engine/util/fs.h"

namespace ot::bucket {

Result<json> record_from_session_file(const std::filesystem::path& path, std::string_view agent_hint) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return make_error(ExitCode::kUsage, "SESSION_NOT_FOUND", "capture", "no session file at " + path.string(),
                      "pass the path of an agent session file (.jsonl)");
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  // A single JSON object with a trace_id is a TraceRecord already.
  size_t first = text->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*text)[first] == '{') {
    try {
      json j = json::parse(*text);
      if (j.is_object() && j.contains("trace_id") && j.contains("agent")) return j;
    } catch (const json::exception&) {
      // not one document: a JSONL session
    }
  }
  std::optional<parse::AgentFormat> hint;
  if (!agent_hint.empty()) {
    auto f = parse::agent_from_name(agent_hint);
    if (!f.ok()) return f.error();
    hint = *f;
  }
  auto record = parse::parse_session_file(path, hint);
  if (!record.ok()) return record.error();
  return schema::to_json(*record);
}

Result<IngestReport> Bucket::ingest_sessions(const std::vector<std::filesystem::path>& files, std::string_view agent_hint,
                                             const PutOptions& options) {
  IngestReport rep;
  Txn txn(impl_->db.get());
  int staged = 0;
  for (const auto& path : files) {
    IngestFileResult r;
    r.path = path;
    std::error_code ec;
    rep.bytes += static_cast<int64_t>(std::filesystem::file_size(path, ec));
    auto record = record_from_session_file(path, agent_hint);
    if (record.ok()) {
      Txn child(txn);
      auto put = op_put_record(child, *record, options);
      if (put.ok()) {
        child.merge_into_parent();
        r.put = *put;
        put->changed ? rep.stored++ : rep.unchanged++;
        ++staged;
      } else {
        if (put.error().code.rfind("BUCKET_", 0) == 0) return put.error();
        r.error = put.error();
      }
    } else {
      r.error = record.error();
    }
    if (r.error) rep.failed++;
    rep.files.push_back(std::move(r));
    if (staged >= 256 || txn.staged_bytes() >= (32u << 20)) {
      OT_TRY_STATUS(txn.commit(false));
      staged = 0;
    }
  }
  OT_TRY_STATUS(txn.commit(false));
  Txn barrier(impl_->db.get());
  auto c = barrier.counters();
  if (!c.ok()) return c.error();
  barrier.put_counters(*c);
  OT_TRY_STATUS(barrier.commit(true));  // a synced write makes every earlier batch durable
  // Leave the write-ahead log empty: every later command opens the bucket and would
  // otherwise replay up to 4 MB of it (tens of ms) before reading anything. A compaction
  // of a range past every key flushes the memtable and touches no table.
  const leveldb::Slice past("\xff\xff\xff");
  impl_->db->CompactRange(&past, &past);
  return rep;
}

}  // namespace ot::bucket
