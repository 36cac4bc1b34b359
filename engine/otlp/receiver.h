// The OTLP receiver: OTLP/HTTP with JSON encoding on 127.0.0.1 only (POST /v1/logs,
// /v1/metrics; /v1/traces is accepted and ignored), feeding per-session snapshots
// (snapshot.h). It answers every export at once — 200 `{}` after decoding, 415 for
// protobuf or other encodings, 400 for a body that is not OTLP JSON, 413 above the body
// limit — so the agent's exporter is never held up, and it never calls back.
// run_foreground() blocks until SIGTERM/SIGINT; daemon.h starts it in the background.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::otlp {

// Exit codes: engine/util/exit_codes.h (kAlreadyRunning, kStartFailed, kFlushFailed).
inline constexpr int kDefaultPort = 4318;
inline constexpr size_t kDefaultMaxBody = 8u << 20;

struct ReceiverOptions {
  std::string bind = "127.0.0.1";
  int port = kDefaultPort;                 // 0: any free port (the status file says which)
  size_t max_body_bytes = kDefaultMaxBody;
  int write_interval_ms = 2000;            // snapshots and the status file, when changed
  std::filesystem::path raw_bodies_dir;    // when set, every export body is kept there too
  std::string start_token;                 // echoed in the status file for `start` to confirm
};

// BIND_NOT_LOOPBACK (exit 2) for anything but 127.0.0.1 / localhost.
Status check_bind(const std::string& bind);

std::filesystem::path pid_file();     // $OPENTRACES_HOME/otlp-receiver.pid
std::filesystem::path status_file();  // $OPENTRACES_HOME/otlp-receiver.status.json
std::filesystem::path log_file();     // $OPENTRACES_HOME/logs/otlp-receiver.log

// Serves until a stop signal. BIND_FAILED (exit 6) when the port cannot be bound; the
// status file then says state "failed" with the reason.
Status run_foreground(const ReceiverOptions& o);

}  // namespace ot::otlp
