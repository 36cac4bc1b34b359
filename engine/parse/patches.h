// Patches from file-changing tool calls, shared by the transcript parsers and the live
// capture hooks: the same (tool_name, input, context) always yields the same patches
// with the same ids, whichever path saw the call.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/schema/patch.h"
#include "engine/util/json.h"

namespace ot::parse {

struct PatchContext {
  std::string trace_id;            // the agent's session id
  std::filesystem::path cwd;       // the session's working directory (file paths are made relative to it)
  int step_index = 0;
  std::string tool_call_id;        // the agent's tool-use id
  std::vector<std::string> capture_method;  // e.g. {"transcript"} or {"hook_posttooluse"}
};

// Handles Claude Code Write / Edit / MultiEdit / NotebookEdit, Codex apply_patch (as
// its own tool, or as exec_command / shell / local_shell running an apply_patch
// heredoc; `workdir` in the input resolves relative paths), Pi write / edit. Other
// tools → empty. `input` may be the arguments object or a JSON string of it.
std::vector<schema::Patch> patches_from_tool_call(std::string_view tool_name, const json& input,
                                                  const PatchContext& ctx);

// True when the tool is one patches_from_tool_call understands (cheap pre-check).
bool is_edit_tool(std::string_view tool_name);

// `raw` resolved against `base` (when relative), lexically normalised, then made
// relative to `cwd` when it lies under it; otherwise absolute (or, with no usable
// base, the normalised relative form).
std::string normalize_file_path(std::string_view raw, const std::filesystem::path& base,
                                const std::filesystem::path& cwd);

}  // namespace ot::parse
