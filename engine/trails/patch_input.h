// What the matcher needs to know about one agent edit. The post-commit hook and
// git-backfill build these from bucket records (schema Patch) and live
// trace_patch_created events; tests build them by hand.
#pragma once

#include <cstdint>
#include <string>

namespace ot::trails {

struct MatchablePatch {
  std::string trace_id;
  std::string agent;          // claude-code | codex | pi | ...
  std::string model;          // may be empty
  std::string patch_id;       // stable id of the patch (schema Patch.patch_id)
  int step_index = -1;        // order within the trace; ties keep input order
  int hunk_index = 0;         // order among the patches of one tool call
  std::string file_path;      // as the agent saw it: absolute, or relative to cwd
  std::string cwd;            // the trace's working directory (may be empty)
  std::string operation;      // write|create|add (whole file), edit|update, delete
  std::string old_text;       // the text replaced (edits); empty for whole-file writes
  std::string authored_text;  // the text the agent wrote
  int64_t time_ms = 0;        // when the patch was made (0 unknown)
  bool verbatim = false;      // authored_text is whole committed lines (re-anchoring an old fact):
                              // matched as they are, not replayed against the trace's other patches
};

}  // namespace ot::trails
