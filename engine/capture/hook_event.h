// Hook payload → spool items. Pure functions (apart from reading the edited file to
// locate a range): given what an agent hook received on stdin, build the items that
// `spool_append` stores (shapes documented in engine/bucket/spool.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/json.h"

namespace ot::capture {

// Agents whose hooks we handle: "claude-code", "codex", "pi".
bool is_known_agent(std::string_view agent);

// Where an edit ended up in the file after the tool ran (reference 2.8.1).
struct LocatedRange {
  int start_line = 1;
  int end_line = 1;
  std::string confidence;  // high | medium | low
  std::string limitation;  // "" or posttooluse_no_file_range
};
// Finds `authored` in `content`: one occurrence → high; several → the one closest to
// `hint_line` (when > 0, else the first) → medium; none/empty → lines 1..1, low.
LocatedRange locate_text(std::string_view content, std::string_view authored, int hint_line = 0);

struct HookCall {
  std::string agent;        // claude-code | codex | pi
  std::string event;        // as the agent names it (Pi: from the payload's "event")
  json payload;             // the JSON the agent sent
  std::string received_at;  // ISO-8601 UTC
  std::filesystem::path cwd;  // payload cwd, else the hook process's cwd
  std::optional<std::string> project_id;
  std::optional<std::string> git_head;  // 40-hex at the time of the call
};

// The session id, transcript/session file and cwd a payload names ("" when absent).
std::string payload_session_id(std::string_view agent, const json& payload);
std::string payload_session_file(std::string_view agent, const json& payload);
std::string payload_cwd(const json& payload);
// Pi sends its event name inside the payload.
std::string payload_event(std::string_view agent, const json& payload);

// True for the events after which the agent's session file should be (re)ingested:
// Claude Code Stop/SessionEnd, Codex Stop, Pi agent_end/session_shutdown.
bool is_session_end(std::string_view agent, std::string_view event);

// The items to spool for one hook call: always one hook_event; at a session end also
// one ingest_session (when the payload names a session file). For edit tools the
// hook_event carries "patches": [{patch_id, file_path, start_line, end_line,
// content_hash, confidence, ...}] read from the file on disk (post-tool events) or
// without a range (pre-tool events, Codex apply_patch which has no post event).
std::vector<json> spool_items_for(const HookCall& call);

}  // namespace ot::capture
