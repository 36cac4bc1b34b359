// Team sync of refs/notes/opentraces: fetch a remote's notes, merge them into ours
// (union of lines per commit = `git notes merge -s cat_sort_uniq`; conflicts are
// impossible because a note is a set of lines), push the result. Fetch and push go
// through the git CLI so the user's remotes, credentials and transports just work.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/util/result.h"
#include "notes/handle.h"

namespace ot::git {

struct SyncReport {
  std::string remote;
  bool remote_has_notes = false;
  std::string local_before, remote_tip, local_after;  // notes commit ids ("" = none)
  std::string merge;          // none | adopted | fast_forward | merged | up_to_date
  int notes_changed = 0;      // commits whose note text changed locally
  bool pushed = false;        // false when there was nothing to push
};

Result<SyncReport> sync_notes(const Repo& repo, const std::string& remote, bool push = true);

// Runs git with `args` in the repo's work tree (or git dir when bare); returns
// {exit code, combined output}.
Result<std::pair<int, std::string>> run_git(const Repo& repo, const std::vector<std::string>& args);

}  // namespace ot::git
