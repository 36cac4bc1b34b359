// Runs one agent hook call end to end: payload → enrolment check → spool items.
// Never throws, never prints: a hook must not fail, block or confuse the agent
// (DESIGN.md principle 2). Every skip or failure is logged.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ot::capture {

struct HookOutcome {
  int spooled = 0;           // items appended to the spool
  std::string skipped;       // why nothing (or not everything) was captured; "" when all went well
};

// `agent`: claude-code | codex | pi. `event`: the event named on the command line
// (empty for Pi, whose payload names it). `stdin_text`: the agent's JSON.
HookOutcome run_agent_hook(std::string_view agent, std::string_view event, std::string_view stdin_text,
                           const std::filesystem::path& process_cwd);

// The file whose mtime says when `agent` last fired a hook ($OPENTRACES_HOME/integrations/).
std::filesystem::path last_seen_path(std::string_view agent);

}  // namespace ot::capture
