#include <catch2/catch.hpp>

#include "engine/trails/pr_body.h"

using namespace ot::trails;

namespace {

PrEvidence evidence_with(int intents, int commits) {
  PrEvidence e;
  e.base_ref = "main";
  e.base_sha = e.merge_base = std::string(40, 'a');
  e.head_sha = std::string(40, 'b');
  e.branch = "feature/x";
  e.scope_digest = "sha256:" + std::string(64, 'c');
  for (int i = 0; i < commits; ++i) {
    PrCommit c;
    c.info.sha = std::string(39, 'd') + std::to_string(i % 10);
    c.info.subject = "Commit number " + std::to_string(i) + " with a reasonably long subject line";
    c.added = 10;
    c.attributed = 6;
    c.traces.insert("trace-" + std::to_string(i % 3));
    e.commits.push_back(c);
    e.added += 10;
    e.attributed += 6;
    e.files.insert("src/file_" + std::to_string(i) + ".cpp");
  }
  for (int i = 0; i < intents; ++i) {
    PrIntent in;
    in.trace_id = "trace-" + std::to_string(i % 3) + "-0000-0000";
    in.agent = "claude-code";
    in.model = "claude-opus-4-8";
    in.user_step = i;
    in.instruction = "Please change thing " + std::to_string(i) + " | with <html> and\nsecond line";
    in.files["src/file_" + std::to_string(i) + ".cpp"] = 6;
    in.commits.push_back(e.commits[static_cast<size_t>(i % commits)].info.sha);
    in.lines = in.alive = 6;
    in.survival["alive_on_path"] = 6;
    e.intents.push_back(in);
  }
  PrSession s;
  s.trace_id = "trace-0-0000-0000";
  s.agent = "claude-code";
  s.model = "claude-opus-4-8";
  s.lines = e.attributed;
  e.sessions.push_back(s);
  e.shares.push_back({"claude-code", "claude-opus-4-8", e.attributed, 1});
  return e;
}

}  // namespace

TEST_CASE("pr body: same evidence, same bytes; sections and exact share") {
  PrEvidence e = evidence_with(2, 3);
  PrBody a = render_pr_markdown(e), b = render_pr_markdown(e);
  CHECK(a.markdown == b.markdown);
  CHECK_FALSE(a.truncated);
  CHECK(a.markdown.find("**18 by agents (60.0%)**, 12 by humans or unattributed (40.0%)") != std::string::npos);
  for (const char* h : {"## Summary", "## Changes by intent", "## Sessions", "## Tests seen in the sessions",
                        "## Open risks", "## Commits"})
    CHECK(a.markdown.find(h) != std::string::npos);
  CHECK(a.markdown.find("<html>") == std::string::npos);  // user text cannot inject markup
  CHECK(a.markdown.find("&lt;html&gt;") != std::string::npos);
  CHECK(a.markdown.find("<!-- opentraces:scope " + e.scope_digest + " -->") != std::string::npos);
}

TEST_CASE("pr body: over GitHub's limit, rows are dropped with a note and the footer stays") {
  PrEvidence e = evidence_with(600, 900);
  PrBody body = render_pr_markdown(e);
  CHECK(body.truncated);
  CHECK(body.markdown.size() <= kGithubBodyLimit);
  CHECK(body.markdown.find("GitHub limits a PR body to 65,536 characters") != std::string::npos);
  CHECK(body.markdown.find("<!-- opentraces:scope ") != std::string::npos);
  CHECK(body.markdown.find("## Summary") == body.markdown.find("<!-- opentraces:pr-body v1 -->\n") + 31);
  PrBody small = render_pr_markdown(e, 8000);
  CHECK(small.markdown.size() <= 8000);
}

TEST_CASE("pr body: no agent evidence is said plainly") {
  PrEvidence e = evidence_with(0, 2);
  e.attributed = 0;
  e.sessions.clear();
  e.shares.clear();
  for (auto& c : e.commits) c.attributed = 0, c.traces.clear();
  PrBody body = render_pr_markdown(e);
  CHECK(body.markdown.find("**No agent evidence.**") != std::string::npos);
  CHECK(body.markdown.find("## Changes by intent") == std::string::npos);
  CHECK(default_pr_title(e) == "Commit number 1 with a reasonably long subject line");
}

TEST_CASE("pr body: test runs and their last result from a trace") {
  ot::schema::TraceRecord r;
  r.trace_id = "t1";
  ot::schema::Step s;
  s.role = "agent";
  s.tool_calls.push_back({"c1", "Bash", {{"command", "python3 -m pytest -q"}}, {}, {}});
  s.tool_calls.push_back({"c2", "Bash", {{"command", "ls -la"}}, {}, {}});
  s.tool_calls.push_back({"c3", "Bash", {{"command", "python3 -m pytest -q"}}, {}, {}});
  s.tool_calls.push_back({"c4", "exec_command", {{"cmd", "cargo test --all"}}, {}, {}});
  ot::schema::Observation o1, o3, o4;
  o1.source_call_id = "c1";
  o1.content = "1 failed, 2 passed";
  o1.error = "exit 1";
  o3.source_call_id = "c3";
  o3.content = "3 passed in 0.01s";
  o4.source_call_id = "c4";
  o4.content = "Process exited with code 101";
  s.observations = {o1, o3, o4};
  r.steps.push_back(s);
  auto tests = tests_seen(r);
  REQUIRE(tests.size() == 2);
  CHECK(tests[0].command == "python3 -m pytest -q");
  CHECK(tests[0].runs == 2);
  CHECK(tests[0].result == "passed");
  CHECK(tests[1].command == "cargo test --all");
  CHECK(tests[1].result == "failed");
}
