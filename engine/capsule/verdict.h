// `capsule verdict` and `capsule watch`: a capsule's outcome on the GitHub issue it was
// filed as. `verdict` posts a comment carrying a marker (`<!-- opentraces-verdict: STATE
// capsule=ID ref=SHA -->`) and, with --close on `fixed`, closes the issue; `watch` reads the
// issue back — its state and the newest verdict comment — until it is unblocked (the newest
// verdict says fixed, or the issue is closed) or the timeout passes. Both go through the
// `gh` CLI (argv only), like `capsule issue --publish`.
#pragma once

#include <string>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

inline constexpr const char* kVerdictSchema = "opentraces.capsule.verdict.v1";
inline constexpr const char* kWatchSchema = "opentraces.capsule.watch.v1";

struct IssueRef {
  std::string repo;  // owner/name
  int number = 0;
};

// "123", "#123", "owner/name#123" or "https://github.com/owner/name/issues/123"; a repo in
// the reference wins over `default_repo`. BAD_ISSUE_REF (2) for anything else or a
// non-positive number; NO_ISSUE_REPO (2) when no repository is known.
Result<IssueRef> parse_issue_ref(const std::string& ref, const std::string& default_repo);

bool valid_verdict_state(const std::string& state);  // fixed | reproduces | inconclusive

struct VerdictInput {
  std::string state, capsule_id, ref_name, ref_commit, note;
};
std::string verdict_marker(const VerdictInput& v);
std::string verdict_comment(const VerdictInput& v);

// The newest verdict marker in `gh issue view --json state,comments,url` output:
// {repo, number, url, state (OPEN|CLOSED), verdict (null when none), verdict_capsule_id,
// verdict_ref, verdict_at, unblocked, unblocked_by (verdict|closed|null)}.
json issue_status_from(const json& gh_view, const IssueRef& issue);

// Posts the comment, closes the issue when `close` (the caller allows it for fixed only):
// {comment_url, closed}. GH_NOT_FOUND / GH_FAILED (exit 3).
Result<json> post_verdict(const IssueRef& issue, const std::string& body, bool close);
// `gh issue view`, read by issue_status_from. GH_NOT_FOUND / GH_FAILED (exit 3).
Result<json> issue_status(const IssueRef& issue);

}  // namespace ot::capsule
