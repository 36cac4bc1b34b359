// Runs a workflow script: argv only (execve, never a shell string), extra environment
// variables, a wall-clock timeout that kills the whole process group, and stdout/stderr
// captured (the last `capture_limit` bytes of each are kept).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/util/result.h"

namespace ot::workflow {

struct ProcessSpec {
  std::vector<std::string> argv;               // argv[0] is the executable path
  std::map<std::string, std::string> env;      // added to (or replacing in) the inherited environment
  std::filesystem::path cwd;                   // empty: inherit
  int timeout_ms = 30 * 60 * 1000;
  size_t capture_limit = 64 * 1024;
};

struct ProcessResult {
  int exit_code = -1;        // -1 when killed by a signal
  int signal = 0;
  bool timed_out = false;
  int64_t duration_ms = 0;
  std::string stdout_tail, stderr_tail;
  int64_t stdout_bytes = 0, stderr_bytes = 0;
};

// SPAWN_FAILED (exit 3) when the program cannot be started (missing, not executable).
Result<ProcessResult> run_process(const ProcessSpec& spec);

// The last `max_lines` lines of `text` (for error messages).
std::string tail_lines(const std::string& text, int max_lines);

}  // namespace ot::workflow
