// Codex `apply_patch` envelope parser:
//   *** Begin Patch / *** Add File: p / *** Update File: p / *** Move to: q /
//   *** Delete File: p / @@ [context] / ' '|'-'|'+' lines / *** End of File / *** End Patch
// One hunk per `@@` section of an updated file, one per added or deleted file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ot::parse {

struct ApplyPatchHunk {
  std::string path;       // as written in the patch (often relative to the workdir)
  std::string move_to;    // rename target, "" when not moved
  std::string operation;  // create | edit | delete | rename
  std::string added;      // the '+' lines, each ending in '\n'
  std::string removed;    // the '-' lines, each ending in '\n'
};

struct ApplyPatchParse {
  bool found = false;  // a "*** Begin Patch" line was seen
  std::vector<ApplyPatchHunk> hunks;
  std::vector<std::string> limitations;  // e.g. "apply_patch_unterminated"
};

// Parses patch text; lenient (never throws, skips what it cannot read, notes why).
ApplyPatchParse parse_apply_patch(std::string_view text);

// The patch text inside a shell command that runs apply_patch (heredoc or quoted
// argument): from "*** Begin Patch" to the end of the "*** End Patch" line.
// nullopt when the command does not invoke apply_patch with an envelope.
std::optional<std::string> extract_apply_patch(std::string_view command);

}  // namespace ot::parse
