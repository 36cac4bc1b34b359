// The local, Hugging-Face-shaped row store of one dataset (reference 7.2) and its
// row-state API. Publishing (engine/hub, `dataset publish`) reads rows and moves
// their states through this header only.
//
// Layout of $OPENTRACES_HOME/datasets/<name>/ :
//   data/train.jsonl                  the rows: one canonical JSON object per line, in
//                                     row-index order (line N = index entry N, 1-based)
//   .opentraces/manifest.json         DatasetManifest (manifest.h), schema
//                                     "opentraces.dataset.manifest.v1"; remotes and
//                                     active_remote live here (edit via save_manifest)
//   .opentraces/row.schema.json       the pinned row JSON Schema (digest in the manifest)
//   .opentraces/row_index.jsonl       one RowIndexEntry per line, same order as the data
//   .opentraces/publication_state.json {version:1, rows{row_id: RowState}}
//   .opentraces/runs/<run_id>.json    one run record per `dataset run` (run.h)
//   .opentraces/runs/<run_id>/        artefacts: packet.json, stdout.log, stderr.log,
//                                     output.jsonl (what the workflow wrote)
//   .opentraces/cursor.json           {last_run_id, last_finished_at, watermark_ms}
//   .opentraces/lock                  flock(2) target: one writer per dataset
//
// Writes are atomic per file (temp + fsync + rename) and ordered data → index →
// state. A crash between them leaves more data lines than index entries; open()
// drops those trailing lines (they belonged to the unfinished run) and adds missing
// state entries, so readers always see index, data and state agree.
//
// Row states (stored values; docs call them inbox/approved/published/rejected/blocked):
//   needs_review → publishable (approve) | rejected (reject)
//   publishable/rejected → needs_review (reset)
//   publishable → published (mark_uploaded, by the publisher)
//   any → blocked while a block reason holds (refresh_states); blocked rows cannot be
//   approved. A block clears when its reasons do (back to needs_review).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

namespace fs = std::filesystem;

// $OPENTRACES_HOME/datasets
fs::path datasets_root();
// datasets_root()/<name>; the name is validated first (INVALID_NAME, exit 2).
Result<fs::path> dataset_dir(std::string_view name);

inline constexpr const char* kNeedsReview = "needs_review";
inline constexpr const char* kPublishable = "publishable";
inline constexpr const char* kPublished = "published";
inline constexpr const char* kRejected = "rejected";
inline constexpr const char* kBlocked = "blocked";
inline const std::vector<std::string>& all_statuses() {
  static const std::vector<std::string> v{kNeedsReview, kPublishable, kPublished, kRejected, kBlocked};
  return v;
}

// Block reasons (reference 7.5) plus ours:
inline constexpr const char* kBlockPrivacyTierOff = "privacy_tier_off";
inline constexpr const char* kBlockReaderFloor = "dataset_reader_floor_unsatisfied";
inline constexpr const char* kBlockSecurityStale = "security_version_stale";
inline constexpr const char* kBlockRequiredTools = "required_security_tools_missing";
inline constexpr const char* kBlockSourceUnscanned = "source_trace_unscanned";  // bucket: trace not scanned
// The egress gate did not clear the source trace for another reason (policy off, tier
// off, policy tools missing, open findings): security.source_clearance says which.
inline constexpr const char* kBlockSourceNotCleared = "source_trace_not_cleared";
// A scanner finding on the sanitized row adds the pattern name itself (e.g. "aws_access_key").

// Where a row came from. `source_ref` is "<trace_id>:<A>-<B>" (steps A..B inclusive).
struct Provenance {
  std::string source_ref;
  std::string trace_id;
  std::optional<std::pair<int, int>> step_range;
  std::string unit_id;     // e.g. "tu:<trace>:burst:<n>" (empty when none)
  std::string slice_id;
  // The bucket record the row was built from: {trace_id, project_slug, record_hash, generation}.
  json record_ref = nullptr;
  // Security applied to the row: {privacy_tier, requested_tools[], tools_applied[],
  // redactions_applied, security_version, source_scanned, source_security_version}.
  json security = json::object();
  json to_json() const;
  static Result<Provenance> from_json(const json& j);
};

// One line of row_index.jsonl (DatasetRowIndexEntry).
struct RowIndexEntry {
  std::string row_id;          // "row_" + first 16 hex of identity_hash
  std::string identity_hash;   // "sha256:<hex>" (payload hash or selected fields)
  std::string payload_hash;    // json_digest(row)
  std::string schema_digest;
  std::string data_file = "data/train.jsonl";
  int64_t line = 0;            // 1-based line in data_file
  std::string run_id;
  std::string appended_at;
  Provenance provenance;
  json to_json() const;
  static Result<RowIndexEntry> from_json(const json& j);
};

// One entry of publication_state.json (DatasetPublicationState.rows[row_id]).
struct RowState {
  std::string row_id;
  std::string status = kNeedsReview;
  json uploaded_to = json::object();        // remote name → {repo_id, run_id, uploaded_at, ...}
  std::string reviewed_at, reviewed_by;     // "" → null
  std::vector<std::string> block_reasons;
  std::string security_version, source_security_version;
  std::string privacy_tier = "medium";
  bool security_stale = false;
  int64_t redactions_applied = 0;
  std::string updated_at;
  json to_json() const;
  static Result<RowState> from_json(const json& j);
};

struct PublicationState {
  int version = 1;
  std::map<std::string, RowState> rows;
  json to_json() const;
  static Result<PublicationState> from_json(const json& j);
};

// Exclusive per-dataset lock (flock on .opentraces/lock), released by the destructor.
// DATASET_LOCKED (exit 3, retryable) when another process holds it.
class DatasetLock {
 public:
  static Result<DatasetLock> acquire(const fs::path& dataset_dir, std::string_view what);
  DatasetLock(DatasetLock&& o) noexcept;
  DatasetLock& operator=(DatasetLock&&) = delete;
  DatasetLock(const DatasetLock&) = delete;
  ~DatasetLock();

 private:
  explicit DatasetLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// A row as read back: the index entry, its state and its data.
struct StoredRow {
  RowIndexEntry entry;
  RowState state;
  json data;
};

class Dataset {
 public:
  // DATASET_NOT_FOUND (exit 3) when there is no manifest; DATASET_CORRUPT (exit 3)
  // naming the file when the manifest, index or state cannot be read.
  static Result<Dataset> open(std::string_view name);
  static Result<Dataset> open_dir(const fs::path& dir);

  const std::string& name() const { return name_; }
  const fs::path& dir() const { return dir_; }
  fs::path meta_dir() const { return dir_ / ".opentraces"; }
  fs::path data_path() const { return dir_ / "data" / "train.jsonl"; }
  fs::path schema_path() const { return meta_dir() / "row.schema.json"; }
  fs::path runs_dir() const { return meta_dir() / "runs"; }

  const json& manifest() const { return manifest_; }
  // Validates (manifest.h) and writes atomically.
  Status save_manifest(const json& manifest);

  const std::vector<RowIndexEntry>& index() const { return index_; }
  const PublicationState& state() const { return state_; }
  int64_t row_count() const { return static_cast<int64_t>(index_.size()); }
  // Counts per status, every status present (0 when none).
  std::map<std::string, int64_t> counts() const;
  // Every row in index order, with state and data.
  Result<std::vector<StoredRow>> rows() const;
  // Row ids of the index in order.
  std::vector<std::string> row_ids() const;
  bool has_identity(const std::string& identity_hash) const;
  // The index entry with this identity, or nullptr.
  const RowIndexEntry* find_identity(const std::string& identity_hash) const;

  // Appends rows (already sanitized/validated; entries' line numbers are assigned here)
  // with their initial states, in the data → index → state order. Caller holds the lock.
  Status append(const std::vector<std::pair<RowIndexEntry, json>>& rows, const std::vector<RowState>& states);
  // Replaces the recorded provenance.security of existing rows (row id → security) and
  // rewrites the row index atomically; the data file is untouched. Caller holds the lock.
  Status refresh_security(const std::map<std::string, json>& by_row_id);
  // Replaces the whole publication state atomically. Caller holds the lock.
  Status save_state(const PublicationState& state);

 private:
  Status load();
  std::string name_;
  fs::path dir_;
  json manifest_;
  std::vector<RowIndexEntry> index_;
  std::map<std::string, size_t> by_identity_;
  PublicationState state_;
};

// --- Row-state transitions (all take the dataset lock themselves) ---

struct ReviewResult {
  std::vector<std::string> row_ids;    // rows whose state changed
  std::vector<std::string> skipped;    // selected but not movable (blocked, published, ...)
  std::map<std::string, int64_t> counts;
};
// action: approve | reject | reset. Empty `row_ids` with `all` selects every row.
// Unknown ids → ROW_NOT_FOUND (exit 3); nothing selected → NOTHING_SELECTED (exit 3).
Result<ReviewResult> review(const std::string& dataset_name, const std::string& action,
                            const std::vector<std::string>& row_ids, bool all, const std::string& reviewer);

// For the publisher: marks rows published on `remote` (uploaded_to[remote] = info).
// Only publishable/published rows may be marked (ROW_NOT_PUBLISHABLE, exit 3).
Status mark_uploaded(const std::string& dataset_name, const std::vector<std::string>& row_ids,
                     const std::string& remote, const json& info);

// The reference 7.5 per-row evaluation, without the scanner pass: recomputes block
// reasons from each row's recorded security and the dataset's policy, then the status
// (blocked; else keep rejected/published/publishable; else publishable under
// review:auto, otherwise needs_review). Returns the new state; does not write.
PublicationState evaluate_states(const Dataset& ds);

}  // namespace ot::dataset
