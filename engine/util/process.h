// Running another program (gh, git, workflow scripts): argv only, never a shell
// string; stdin bytes in, stdout and stderr captured separately, an optional
// timeout after which the whole process group is killed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/util/result.h"

namespace ot {

struct ProcessOptions {
  std::string stdin_data;
  std::filesystem::path cwd;                              // empty = inherit
  std::vector<std::pair<std::string, std::string>> env;   // added to / overriding the environment
  std::vector<std::string> unset_env;                     // removed from it (e.g. a hook's GIT_DIR)
  int timeout_ms = 0;                                     // 0 = none
  size_t max_output_bytes = 64u << 20;                    // per stream; the rest is dropped
};

struct ProcessResult {
  int exit_code = 0;        // 128 + signal when killed by a signal
  bool timed_out = false;
  std::string out, err;
};

// PROGRAM_NOT_FOUND (exit 2) when argv[0] is not on PATH / not executable.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Starts argv[0] (a path) in its own session and returns at once: nobody waits for it
// and it outlives the caller. stdin is /dev/null; stdout and stderr are appended to
// `output` (or /dev/null when empty). Used for background work a hook must not wait for.
Status spawn_detached(const std::vector<std::string>& argv, const std::filesystem::path& output = {});

// True when `program` is an executable on PATH (or an executable path).
bool program_on_path(const std::string& program);

}  // namespace ot
