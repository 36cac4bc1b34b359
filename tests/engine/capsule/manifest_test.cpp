#include "engine/capsule/manifest.h"

#include <catch2/catch.hpp>

#include "engine/capsule/issue.h"
#include "engine/capsule/repo_pin.h"

using namespace ot;

namespace {
json sample() {
  json rec = {{"steps", {{{"step_index", 0}, {"source_step_index", 4}, {"role", "user"}, {"content", "fix | the bug\nplease"}},
                         {{"step_index", 1}, {"source_step_index", 5}, {"role", "agent"}, {"content", ""},
                          {"tool_calls", {{{"tool_name", "Edit"}}}}}}}};
  return {{"schema_version", capsule::kSchema},
          {"capsule_id", "cap_0123456789abcdef"},
          {"title", std::string(200, 'x')},
          {"trace", {{"trace_id", "t1"}, {"agent", "claude-code"}, {"model", "m"}}},
          {"slice", {{"address", "t1:4-5"}, {"from_step", 4}, {"to_step", 5}, {"source_step_count", 9},
                     {"steps", capsule::step_outline(rec)}, {"record", rec}}},
          {"trail_anchors", json::array()},
          {"repo", {{"commit", std::string(40, 'a')}, {"remote_url", "git@github.com:acme/widget.git"}}},
          {"test", {{"command", "sh test.sh"}}},
          {"redaction", {{"redactions_applied", 2}}},
          {"mini_bucket_digest", "sha256:00"}};
}
}  // namespace

TEST_CASE("check_doc: capsules only, newer majors refused", "[capsule]") {
  json d = sample();
  CHECK(capsule::check_doc(d, "x").ok());
  d["schema_version"] = "opentraces.capsule.v2";
  auto r = capsule::check_doc(d, "x");
  REQUIRE(!r.ok());
  CHECK(r.error().code == "CAPSULE_SCHEMA_TOO_NEW");
  CHECK(r.error().exit == ExitCode::kUsage);
  CHECK(capsule::check_doc(json{{"schema_version", "opentraces.trace.get.v1"}}, "x").error().code == "CAPSULE_INVALID");
  json no_record = sample();
  no_record["slice"].erase("record");
  CHECK(capsule::check_doc(no_record, "x").error().code == "CAPSULE_INVALID");
}

TEST_CASE("capsule ids are deterministic and content-addressed", "[capsule]") {
  json m = {{"trace_id", "t1"}, {"from_step", 0}};
  CHECK(capsule::capsule_id_of(m) == capsule::capsule_id_of(m));
  CHECK(capsule::capsule_id_of(m).size() == 20);
  m["from_step"] = 1;
  CHECK(capsule::capsule_id_of(m) != capsule::capsule_id_of(json{{"trace_id", "t1"}, {"from_step", 0}}));
}

TEST_CASE("markdown: table cells stay one line, pipes escaped", "[capsule]") {
  CHECK(capsule::md_cell("a|b\nc") == "a\\|b c");
  std::string md = capsule::render_markdown(sample());
  CHECK(md.rfind("# Agent capsule: ", 0) == 0);
  CHECK(md.find("## Steps") != std::string::npos);
  CHECK(md.find("| 4 | user |  | fix \\| the bug please |") != std::string::npos);
  CHECK(md.find("| 5 | agent | Edit | (tool calls) |") != std::string::npos);
  CHECK(md.find("sh test.sh") != std::string::npos);
}

TEST_CASE("issue: title at most 90, marker, repo from the remote", "[capsule]") {
  json d = sample();
  std::string t = capsule::issue_title(d);
  CHECK(t.size() <= 90);
  CHECK(t.rfind("[agent capsule] ", 0) == 0);
  CHECK(capsule::issue_title(d, "mine") == "mine");
  std::string body = capsule::issue_body(d);
  CHECK(body.rfind(capsule::issue_marker("cap_0123456789abcdef"), 0) == 0);
  CHECK(body.find("## Summary") != std::string::npos);
  auto repo = capsule::issue_repo(d, "");
  REQUIRE(repo.ok());
  CHECK(*repo == "acme/widget");
  d["repo"]["remote_url"] = "/srv/git/widget.git";
  CHECK(capsule::issue_repo(d, "").error().code == "NO_ISSUE_REPO");
  CHECK(*capsule::issue_repo(d, "o/n") == "o/n");
}

TEST_CASE("github_repo_of: the URL forms", "[capsule]") {
  CHECK(capsule::github_repo_of("https://github.com/acme/widget.git") == "acme/widget");
  CHECK(capsule::github_repo_of("https://github.com/acme/widget") == "acme/widget");
  CHECK(capsule::github_repo_of("ssh://git@github.com/acme/widget.git") == "acme/widget");
  CHECK(capsule::github_repo_of("git@github.com:acme/widget.git") == "acme/widget");
  CHECK(capsule::github_repo_of("https://gitlab.com/acme/widget") == "");
  CHECK(capsule::github_repo_of("https://github.com/acme") == "");
}
