// `capsule issue`: a GitHub issue body for a capsule (Markdown that GitHub and cmark-gfm
// render: headings, tables, a fenced reproduction block), with an HTML-comment marker
// naming the capsule so --publish updates the issue it filed before instead of filing a
// second one. Publishing goes through the `gh` CLI (argv only).
#pragma once

#include <string>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

inline constexpr const char* kIssueSchema = "opentraces.capsule.issue.v1";

std::string issue_marker(const std::string& capsule_id);  // "<!-- opentraces-capsule: cap_... -->"
// "[agent capsule] <title>", at most 90 characters; `override_title` wins when set.
std::string issue_title(const json& doc, const std::string& override_title = {});
std::string issue_body(const json& doc);

// The GitHub repository to file in: `explicit_repo`, else the one in the capsule's remote URL.
// NO_ISSUE_REPO (exit 2) when neither names one.
Result<std::string> issue_repo(const json& doc, const std::string& explicit_repo);

// Files or updates the issue through `gh`: {action: created|updated, url, number}.
// GH_NOT_FOUND (exit 3) when gh is not on PATH; GH_FAILED (exit 3) when it fails.
Result<json> publish_issue(const std::string& repo, const std::string& capsule_id, const std::string& title,
                           const std::string& body);

}  // namespace ot::capsule
