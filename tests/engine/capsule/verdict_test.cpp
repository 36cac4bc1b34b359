// capsule verdict / watch without gh: issue references, the marked comment, and reading
// the newest verdict back from `gh issue view --json state,comments,url` output.
#include "engine/capsule/verdict.h"

#include <catch2/catch.hpp>

using namespace ot;
using namespace ot::capsule;

TEST_CASE("capsule verdict: issue references", "[capsule]") {
  auto ok = [](const std::string& ref, const std::string& dflt, const std::string& repo, int n) {
    auto r = parse_issue_ref(ref, dflt);
    INFO(ref);
    REQUIRE(r.ok());
    CHECK(r->repo == repo);
    CHECK(r->number == n);
  };
  ok("42", "acme/widget", "acme/widget", 42);
  ok("#7", "acme/widget", "acme/widget", 7);
  ok("other/repo#9", "acme/widget", "other/repo", 9);
  ok("https://github.com/o-1/r.x/issues/123", "", "o-1/r.x", 123);
  ok("https://github.com/o/r/issues/5#issuecomment-1", "", "o/r", 5);
  for (const char* bad : {"", "abc", "0", "#-1", "o/r#", "https://gitlab.com/o/r/issues/1", "42; rm -rf /", "12345678901"}) {
    auto r = parse_issue_ref(bad, "acme/widget");
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "BAD_ISSUE_REF");
    CHECK(r.error().exit == ExitCode::kUsage);
  }
  auto none = parse_issue_ref("42", "");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == "NO_ISSUE_REPO");
}

TEST_CASE("capsule verdict: the comment carries a marker watch reads back", "[capsule]") {
  CHECK(valid_verdict_state("fixed"));
  CHECK(valid_verdict_state("inconclusive"));
  CHECK_FALSE(valid_verdict_state("wontfix"));
  VerdictInput v{"fixed", "cap_0123456789abcdef", "main", std::string(40, 'a'), "passes on 3.12"};
  std::string c = verdict_comment(v);
  CHECK(c.rfind("<!-- opentraces-verdict: fixed capsule=cap_0123456789abcdef ref=" + std::string(40, 'a') + " -->", 0) == 0);
  CHECK(c.find("**Verdict: fixed** at `aaaaaaaaaaaa` (main)") != std::string::npos);
  CHECK(c.find("passes on 3.12") != std::string::npos);
  json view{{"state", "OPEN"}, {"url", "https://github.com/acme/widget/issues/42"},
            {"comments", {{{"body", "first look"}, {"createdAt", "2026-11-25T10:00:00Z"}},
                          {{"body", c}, {"createdAt", "2026-11-25T11:00:00Z"}}}}};
  json st = issue_status_from(view, {"acme/widget", 42});
  CHECK(st["verdict"] == "fixed");
  CHECK(st["verdict_capsule_id"] == "cap_0123456789abcdef");
  CHECK(st["verdict_ref"] == std::string(40, 'a'));
  CHECK(st["verdict_at"] == "2026-11-25T11:00:00Z");
  CHECK(st["unblocked"] == true);
  CHECK(st["unblocked_by"] == "verdict");
}

TEST_CASE("capsule watch: the newest verdict wins; closed unblocks; none is pending", "[capsule]") {
  auto comment = [](const std::string& state) { return json{{"body", verdict_comment({state, "", "", "", ""})}}; };
  json view{{"state", "OPEN"}, {"comments", {comment("fixed"), comment("reproduces")}}};
  json st = issue_status_from(view, {"o/r", 1});
  CHECK(st["verdict"] == "reproduces");
  CHECK(st["verdict_capsule_id"].is_null());
  CHECK(st["unblocked"] == false);
  CHECK(st["unblocked_by"].is_null());
  view["state"] = "CLOSED";
  st = issue_status_from(view, {"o/r", 1});
  CHECK(st["unblocked"] == true);
  CHECK(st["unblocked_by"] == "closed");
  // A comment quoting a marker-like text of another state is not a verdict.
  json quoted{{"state", "OPEN"}, {"comments", {{{"body", "<!-- opentraces-verdict: wontfix -->"}}}}};
  st = issue_status_from(quoted, {"o/r", 1});
  CHECK(st["verdict"].is_null());
  CHECK(st["unblocked"] == false);
  CHECK(issue_status_from(json::object(), {"o/r", 1})["unblocked"] == false);
}
