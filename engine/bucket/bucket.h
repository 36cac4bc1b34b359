// The private bucket: one LevelDB database under $OPENTRACES_HOME/bucket holding every
// captured record (content-addressed, with generations), per-trace event streams,
// activity, secondary indexes and O(1) manifest counters (DESIGN.md "The bucket";
// key space in keys.h). LevelDB admits one process at a time: open() retries the lock
// for a bounded time; hooks never open it, they append to the spool (spool.h), and
// every command that opens the bucket drains the spool first (open_and_drain).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/paths.h"
#include "engine/util/result.h"

namespace leveldb { class DB; }

namespace ot::bucket {

struct OpenOptions {
  int lock_wait_ms = 2000;        // how long to retry a lock held by another process
  bool create_if_missing = true;
};

struct PutOptions {
  std::string project_slug;       // wins over the record's metadata.project_slug/project_id
  std::string written_at;         // ISO; empty = now (import keeps the exported value)
};

struct PutResult {
  std::string trace_id;
  std::string record_hash;        // "sha256:<hex>" of the canonical record
  std::string project_slug;
  int generation = 0;             // the generation now holding this content
  bool changed = false;           // false: this content was already stored (no-op)
  bool new_trace = false;
};

struct ListOptions {
  std::optional<std::string> project, agent, model, file, tool, skill, commit;
  std::optional<int64_t> since_ms;  // written_at at or after
  bool unscanned = false;           // security status unknown
  bool unsynced = false;            // not positively syncable
  bool unfiltered = false;          // scanned, yet not syncable
  bool security_stale = false;      // scanned with an older security version
  int limit = 50;                   // clamped to 1..1000
  std::string cursor;               // from a previous page
};

struct ListPage {
  std::vector<json> rows;           // pointer rows, ascending by (written_at, trace_id)
  std::string next_cursor;          // empty on the last page
  int64_t total = 0;                // rows matching the filters
};

struct ActiveTrace {
  std::string trace_id, agent, cwd;
  int64_t last_activity_ms = 0;
};

struct DrainItem {
  std::string file;                 // spool file name
  std::string kind;
  std::string trace_id;
  std::string outcome;              // applied | already_applied | deferred | quarantined
  std::string message;              // why (deferred/quarantined)
  std::optional<PutResult> put;     // ingest_session results
  int events_appended = 0;
};

struct DrainReport {
  int applied = 0, already_applied = 0, deferred = 0, quarantined = 0;
  int events_appended = 0, records_stored = 0;
  std::vector<DrainItem> items;
  json to_json() const;
};

struct IngestFileResult {
  std::filesystem::path path;
  std::optional<PutResult> put;     // stored (or unchanged)
  std::optional<Error> error;       // the file could not be parsed or stored
};

struct IngestReport {
  std::vector<IngestFileResult> files;
  int stored = 0, unchanged = 0, failed = 0;
  int64_t bytes = 0;                // size of the session files read
};

struct VerifyOptions {
  bool full = false;
  int sample = 100;                 // objects/traces checked when not full
};

struct VerifyReport {
  bool ok = true;
  int64_t objects_checked = 0, traces_checked = 0;
  std::vector<json> errors;         // {code, trace_id?, key, message}
  json to_json() const;
};

struct RepairReport {
  bool storage_repaired = false;    // leveldb::RepairDB ran
  int64_t objects_checked = 0, objects_dropped = 0, traces_rebuilt = 0, traces_lost = 0;
  int64_t index_keys_written = 0;
  std::vector<std::string> lost_traces;
  json to_json() const;
};

struct PruneReport {
  bool applied = false;
  std::vector<std::string> objects;  // unreferenced object hashes ("sha256:<hex>")
  int64_t bytes = 0;                 // their size
  int64_t stale_markers = 0;         // s/ markers whose spool file is gone
  json to_json() const;
};

struct ExportReport {
  std::filesystem::path dir;
  int64_t traces = 0, objects = 0, events = 0;
  std::string bucket_digest;
};

struct ImportReport {
  std::filesystem::path dir;
  int64_t traces = 0, objects = 0, events_added = 0, generations_added = 0;
  std::string bucket_digest;        // of the imported copy
};

class Bucket {
 public:
  // BUCKET_LOCKED (exit 3, retryable) after `lock_wait_ms`; BUCKET_CORRUPT (exit 3)
  // with the repair command when LevelDB cannot open the database.
  static Result<std::unique_ptr<Bucket>> open(const std::filesystem::path& dir = bucket_dir(),
                                              OpenOptions options = {});
  ~Bucket();
  Bucket(const Bucket&) = delete;
  Bucket& operator=(const Bucket&) = delete;

  const std::filesystem::path& dir() const;
  // Read-only use by modules that read indexes and derived data directly (discovery
  // query); every write goes through the operations above.
  leveldb::DB* db_for_reading() const;

  // Stores a record (TraceRecord wire JSON): object o/<sha256>, pointer r/<trace_id>,
  // generation, indexes and counters in one synced WriteBatch. Same content → no-op.
  Result<PutResult> put_record(const json& record, const PutOptions& options = {});
  // The latest generation by default. TRACE_NOT_FOUND (exit 6).
  Result<json> get_record(std::string_view trace_id, std::optional<int> generation = {});
  // The list row (pointer) of a trace; TRACE_NOT_FOUND (exit 6).
  Result<json> row(std::string_view trace_id);
  // [{generation, record_hash, written_at}] oldest first.
  Result<std::vector<json>> generations(std::string_view trace_id);
  // Exact id, else a unique prefix (records, activity or events). TRACE_NOT_FOUND (exit 6);
  // AMBIGUOUS_TRACE_PREFIX (exit 2) lists the candidates.
  Result<std::string> resolve_prefix(std::string_view prefix);
  Result<ListPage> list(const ListOptions& options);
  // O(1): counters, digest, location. Shape: opentraces.bucket.health.v1 payload.
  Result<json> status();

  // Appends events in order, assigning increasing `seq` (adds trace_id when absent).
  Status append_events(std::string_view trace_id, const std::vector<json>& events);
  Result<std::vector<json>> events(std::string_view trace_id);

  // Traces with activity (hook events or ingested records) at or after since_ms, newest first.
  Result<std::vector<ActiveTrace>> traces_active_since(int64_t since_ms);

  // Parses and stores many session files directly (not through the spool: the files
  // themselves are the durable source), in batched WriteBatches with one final sync.
  // A file that fails is reported and skipped.
  Result<IngestReport> ingest_sessions(const std::vector<std::filesystem::path>& files, std::string_view agent_hint,
                                       const PutOptions& options = {});

  // Applies spool items in arrival order (shapes in spool.h); see docs/bucket.md.
  Result<DrainReport> drain_spool(const std::filesystem::path& spool = spool_dir());
  // The report of the drain open_and_drain ran (empty otherwise).
  const DrainReport& last_drain() const;

  Result<VerifyReport> verify(const VerifyOptions& options);
  // Rebuilds pointers, indexes, activity index and counters from the objects.
  Result<RepairReport> rebuild();

  // Objects no generation refers to (and spool markers whose file is gone); removed
  // only when `apply`.
  Result<PruneReport> prune(bool apply, const std::filesystem::path& spool = spool_dir());

  Result<ExportReport> export_to(const std::filesystem::path& dir);
  Result<ImportReport> import_from(const std::filesystem::path& dir);

  // Derived data (derived.h): the decoded value of one d/... or c/... key, nullopt when absent.
  Result<std::optional<std::string>> get_derived(const std::string& key);

  // Rewrites a trace's history in place: every generation older than the current one,
  // every event and the activity entry go through `redact` (a changed object
  // gets a new content address; the old object is deleted), counters and digests
  // follow; context blobs (c/) only the old generations derived, and which `redact`
  // would change, are deleted. Used by the security run so that
  // no unredacted copy of a scanned trace stays in the bucket or reaches an export; call
  // compact() afterwards so the old bytes also leave LevelDB's files. Returns how many
  // values changed.
  Result<int64_t> rewrite_history(std::string_view trace_id, const std::function<Result<json>(const json&)>& redact);
  // Full LevelDB compaction: overwritten and deleted values are dropped from the files.
  void compact();

  // For tests and low-level tools: write a raw (already encoded) value.
  Status debug_put_raw(const std::string& key, const std::string& value);

  struct Impl;

 private:
  explicit Bucket(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// open() then drain_spool(): what every command that opens the bucket calls.
// A drain problem with one item never fails the open (the item is quarantined).
Result<std::unique_ptr<Bucket>> open_and_drain(const std::filesystem::path& dir = bucket_dir(),
                                               const std::filesystem::path& spool = spool_dir(),
                                               OpenOptions options = {});

// `bucket repair` on a database LevelDB cannot open: leveldb::RepairDB, then open and
// rebuild. Works on a healthy bucket too.
Result<RepairReport> repair_bucket(const std::filesystem::path& dir = bucket_dir());

}  // namespace ot::bucket
