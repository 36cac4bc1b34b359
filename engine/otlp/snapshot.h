// Per-session OTLP snapshots: what the receiver learned about one Claude Code session
// (session.id) from its log events and metric points, merged across export requests,
// processes (each `claude --resume` is a new process) and receiver restarts, and kept
// at $OPENTRACES_HOME/staging/otel/<session>.json (schema opentraces.otel_snapshot.v1).
//
// Exporters retry, so merging is idempotent: requests are keyed by request_id, tools by
// tool_use_id, prompts by prompt.id, metric points by their series and time window.
// Prompt text is kept only when Claude Code sent it (OTEL_LOG_USER_PROMPTS=1), tool
// inputs only when it sent them (OTEL_LOG_TOOL_DETAILS=1); response text never.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/otlp/decode.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::otlp {

inline constexpr const char* kSnapshotSchema = "opentraces.otel_snapshot.v1";

class Snapshot {
 public:
  explicit Snapshot(std::string session_id);
  // A snapshot written earlier (to continue it). SNAPSHOT_CORRUPT (exit 3) on a bad file.
  static Result<Snapshot> from_json(const json& doc);

  // Returns true when the event or point changed the snapshot (false: duplicate / ignored).
  bool add(const LogEvent& e);
  bool add(const MetricPoint& p);

  const std::string& session_id() const { return session_id_; }
  int64_t last_seen_ms() const { return last_ms_; }
  size_t request_count() const { return requests_.size(); }
  // The document (requests oldest first).
  json to_json() const;

 private:
  std::string session_id_;
  json service_ = json::object();
  int64_t first_ms_ = 0, last_ms_ = 0;
  std::map<std::string, json> requests_, tools_, prompts_, errors_, responses_;
  std::map<std::string, double> metrics_;       // summed deltas, by metric key (see snapshot.cpp)
  std::map<std::string, json> cumulative_;      // latest value per cumulative series
  std::set<std::string> seen_points_;
  int64_t log_records_ = 0, metric_points_ = 0, duplicates_ = 0;
  json other_events_ = json::object();          // event name → count, for events we do not model
};

// A session id as a file name: itself when it is a plain token, else a digest of it.
std::string session_file_stem(const std::string& session_id);
std::filesystem::path staging_dir();  // $OPENTRACES_HOME/staging/otel
std::filesystem::path snapshot_path(const std::string& session_id);

// Reads a snapshot file. SNAPSHOT_NOT_FOUND (exit 7) lists the sessions that have one.
Result<json> read_snapshot(const std::string& session_id);
// Session ids with a snapshot, newest first.
std::vector<std::string> list_snapshots();

// The receiver's in-memory state: snapshots by session, written back when they changed.
class SnapshotStore {
 public:
  explicit SnapshotStore(std::filesystem::path dir = staging_dir());
  // Adds what one export request carried; returns how many records changed something.
  int ingest(const std::vector<LogEvent>& events);
  int ingest(const std::vector<MetricPoint>& points);
  // Writes every changed snapshot (atomically); returns how many were written.
  Result<int> write_dirty();
  // {session_id, requests, last_seen} of every session seen by this receiver.
  json sessions() const;
  int64_t unattributed() const;

 private:
  Snapshot& session(const std::string& sid);  // loads an existing file on first use
  std::filesystem::path dir_;
  mutable std::mutex mu_;
  std::map<std::string, Snapshot> sessions_;
  std::set<std::string> dirty_;
  int64_t unattributed_ = 0;
};

}  // namespace ot::otlp
