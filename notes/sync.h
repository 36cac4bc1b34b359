// Team sync of refs/notes/opentraces: fetch a remote's notes, merge them into ours
// (union of lines per commit = `git notes merge -s cat_sort_uniq`; conflicts are
// impossible because a note is a set of lines), push the result. Fetch and push go
// through the git CLI so the user's remotes, credentials and transports just work.
//
// Pushes are never forced: the merge commit has the remote's tip as a parent, so the
// push is a fast-forward. When a teammate pushes between our fetch and our push the
// remote rejects ours (non-fast-forward, fetch first, or a ref lock held by their
// push); we then fetch, merge and push again, up to `max_attempts` rounds.
#pragma once

#include <string>
#include <vector>

#include "engine/util/result.h"
#include "notes/handle.h"

namespace ot::git {

struct SyncOptions {
  std::string remote = "origin";
  bool push = true;
  bool dry_run = false;   // fetch (remote-tracking notes ref only) and report; change nothing else
  int max_attempts = 6;   // fetch-merge-push rounds before giving up (>= 1)
};

struct SyncReport {
  std::string remote;
  bool remote_has_notes = false;
  std::string local_before, remote_tip, local_after;  // notes commit ids ("" = none)
  std::string merge;          // none | adopted | fast_forward | merged | up_to_date
  int notes_changed = 0;      // commits whose note text changed locally
  bool pushed = false;        // false when there was nothing to push
  int attempts = 0;           // fetch-merge-push rounds used
  std::vector<std::string> rejections;  // why earlier rounds' pushes were refused
  bool dry_run = false;
  // Dry run only: commits whose local note holds lines the remote lacks (what a push
  // would send), and commits whose remote note holds lines we lack (what the merge
  // would bring in).
  int notes_to_push = 0, notes_to_merge = 0;
  bool would_push = false;
};

Result<SyncReport> sync_notes(const Repo& repo, const SyncOptions& opts);

// True when `git push --porcelain` output says the ref was refused in a way another
// fetch-merge-push round can fix (non-fast-forward, fetch first, stale info, a ref
// lock held by a concurrent push).
bool push_rejection_retryable(const std::string& porcelain_out, const std::string& err);

}  // namespace ot::git
