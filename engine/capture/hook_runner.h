// Runs one agent hook call end to end: payload → enrolment check → spool items.
// Never throws, never prints: a hook must not fail, block or confuse the agent
// (DESIGN.md principle 2). Every skip or failure is logged.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "engine/project/project.h"
#include "engine/util/result.h"

namespace ot::capture {

struct HookOutcome {
  int spooled = 0;           // items appended to the spool
  std::string skipped;       // why nothing (or not everything) was captured; "" when all went well
  bool needs_enrolment = false;  // no enrol function was given and this repo must be enrolled first
};

// Enrols the repository at `cwd` for `agent` (project::ensure_enrolled, which needs
// libgit2). Null in the lean hook binary: it hands such calls to the full binary.
using EnrolFn = Result<std::optional<project::ProjectInfo>> (*)(const std::filesystem::path& cwd,
                                                                 std::string_view agent);

// `agent`: claude-code | codex | pi. `event`: the event named on the command line
// (empty for Pi, whose payload names it). `stdin_text`: the agent's JSON.
HookOutcome run_agent_hook(std::string_view agent, std::string_view event, std::string_view stdin_text,
                           const std::filesystem::path& process_cwd, EnrolFn enrol);

// The agent's JSON payload from stdin ("" when stdin is a terminal). Hook payloads are
// small; the 64 MiB cap only guards against a runaway writer.
std::string read_hook_stdin();

// The file whose mtime says when `agent` last fired a hook ($OPENTRACES_HOME/integrations/).
std::filesystem::path last_seen_path(std::string_view agent);

}  // namespace ot::capture
