// Whether a session committed, from its record (and the run packet's units), for the rows
// of the built-in templates — the parsers never set outcome.committed, so the flag alone
// said false for sessions that plainly committed. Evidence, strongest first:
//   outcome.committed / outcome.commit_sha; git_links[].revision; a patch anchored to a
//   commit (patches[].anchor {found, commit_sha}); a change burst's commit (units[]
//   .burst_commit_sha, from Trails notes or anchors); a `git commit` shell call whose
//   output names the commit it made ("[main 1a2b3c4] subject").
// workflows/templates/{default,trajectory-eval-v1}/scripts/build_rows implement the same
// rule for the script executor; tests/e2e/datasets_test.sh checks both give equal rows.
#pragma once

#include <string>
#include <vector>

#include "engine/util/json.h"

namespace ot::dataset {

struct SessionCommits {
  bool committed = false;
  json commit_sha;  // outcome.commit_sha, else the last commit of the strongest source; null when none
};

SessionCommits session_commits(const json& record, const json& candidate);

// The commits `git commit` calls of the record report having made, in order (as printed:
// usually abbreviated).
std::vector<std::string> commits_from_shell_output(const json& record);

}  // namespace ot::dataset
