// Line origin through libgit2's blame: which commit last wrote a line of the file at
// HEAD, and where that line was in that commit (for `trail blame path:line`).
#pragma once

#include <string>

#include "engine/util/result.h"
#include "notes/handle.h"

namespace ot::git {

struct LineOrigin {
  std::string commit_sha;  // the commit that introduced the line
  std::string orig_path;   // the file's path in that commit
  int orig_line = 0;       // the line's number in that commit
  std::string text;        // the line as it is at HEAD
};

// Errors: PATH_NOT_FOUND (6) when the file is not at HEAD; LINE_OUT_OF_RANGE (2).
Result<LineOrigin> line_origin(const Repo& repo, const std::string& path, int line);

}  // namespace ot::git
