// Starting, inspecting and stopping the background receiver (reference 6.5): `start`
// re-executes this binary with --foreground in its own session (output to
// logs/otlp-receiver.log) and waits up to 5 s for it to confirm through the status
// file; the receiver writes its pid file once it has bound the port.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "engine/otlp/receiver.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::otlp {

// The pid of a live receiver (pid file present and the process is ours), else nullopt.
std::optional<int> running_pid();

// ALREADY_RUNNING (exit 4), BIND_NOT_LOOPBACK (exit 2), BIND_FAILED / START_FAILED (exit 6).
// Returns the receiver's status document once it confirmed.
Result<json> start_daemon(const std::filesystem::path& self, const ReceiverOptions& o, int wait_ms = 5000);

// {enabled, pid, port, bind, uptime_seconds, captures_total, last_capture_at, raw_body_dir,
//  raw_body_dir_size_bytes, stale, stale_pid, sessions, next_steps, next_command}.
// A pid file whose process is gone is removed (stale_pid: true).
json status();

// SIGTERM, up to `wait_ms` for it to exit, then SIGKILL. {enabled:false, pid, was_running, forced_kill}.
json stop(int wait_ms = 5000);

}  // namespace ot::otlp
