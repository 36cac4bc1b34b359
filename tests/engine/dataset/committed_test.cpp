// A dataset row's "committed": from the record's links and anchors, or from a `git commit`
// the session ran that printed the commit it made — the real fixture sessions commit, and
// their records never set outcome.committed.
#include "engine/dataset/committed.h"

#include <catch2/catch.hpp>

#include <filesystem>

#include "engine/dataset/builtin.h"
#include "engine/parse/session.h"
#include "engine/schema/record.h"

using namespace ot;
using namespace ot::dataset;

namespace {

json fixture_record(const std::string& rel) {
  auto r = parse::parse_session_file(std::filesystem::path(OT_FIXTURES_DIR) / "sessions" / rel);
  REQUIRE(r.ok());
  return schema::to_json(*r);
}

json bash_step(int i, const std::string& command, const std::string& output) {
  return json{{"step_index", i},
              {"role", "agent"},
              {"tool_calls", {{{"tool_call_id", "c" + std::to_string(i)}, {"tool_name", "Bash"}, {"input", {{"command", command}}}}}},
              {"observations", {{{"source_call_id", "c" + std::to_string(i)}, {"content", output}}}}};
}

json bare_record(json steps) {
  return json{{"trace_id", "t1"}, {"steps", std::move(steps)}, {"outcome", json::object()}, {"patches", json::array()}};
}

}  // namespace

TEST_CASE("committed: the fixture sessions that ran git commit are committed") {
  struct Case {
    const char* file;
    const char* sha;
  };
  for (const Case& c : {Case{"claude-code/cc-calc.jsonl", "87b94ab"}, Case{"codex/codex-calc.jsonl", nullptr},
                        Case{"pi/pi-calc.jsonl", nullptr}}) {
    INFO(c.file);
    json record = fixture_record(c.file);
    REQUIRE_FALSE(record["outcome"].value("committed", false));  // what the parser leaves
    auto sc = session_commits(record, json::object());
    CHECK(sc.committed);
    REQUIRE(sc.commit_sha.is_string());
    if (c.sha) CHECK(sc.commit_sha == c.sha);  // the second of cc-calc's two commits
    // The built-in default and trajectory rows say so too.
    auto rows = builtin_rows("default", json::object(), json{{"trace_id", record["trace_id"]}}, record);
    REQUIRE(rows.ok());
    CHECK((*rows)[0]["outcome"]["committed"] == true);
    CHECK((*rows)[0]["outcome"]["commit_sha"] == sc.commit_sha);
    auto traj = builtin_rows("trajectory-eval-v1", json::object(), json{{"trace_id", record["trace_id"]}}, record);
    REQUIRE(traj.ok());
    CHECK((*traj)[0]["signals"]["committed"] == true);
  }
  CHECK(commits_from_shell_output(fixture_record("claude-code/cc-calc.jsonl")) == std::vector<std::string>{"e0964ae", "87b94ab"});
}

TEST_CASE("committed: a git commit that made nothing, or a command that only mentions commit, is not") {
  CHECK_FALSE(session_commits(bare_record(json::array()), json::object()).committed);
  json failed = bare_record({bash_step(0, "git commit -m 'x'", "On branch main\nnothing to commit, working tree clean")});
  CHECK_FALSE(session_commits(failed, json::object()).committed);
  json log = bare_record({bash_step(0, "git log --oneline", "[main 1a2b3c4] looks like a commit line")});
  CHECK_FALSE(session_commits(log, json::object()).committed);
  json echo = bare_record({bash_step(0, "echo commit", "[main 1a2b3c4] x")});
  CHECK_FALSE(session_commits(echo, json::object()).committed);
  json made = bare_record({bash_step(0, "git add -A && git -c user.name=a commit -qm 'x'", "[feature/x 1a2b3c4] x\n 1 file changed")});
  auto sc = session_commits(made, json::object());
  CHECK(sc.committed);
  CHECK(sc.commit_sha == "1a2b3c4");
  json root = bare_record({bash_step(0, "git commit -m init", "[main (root-commit) 0f0f0f0] init")});
  CHECK(session_commits(root, json::object()).commit_sha == "0f0f0f0");
}

TEST_CASE("committed: links and anchors win over the shell output, strongest first") {
  json r = bare_record({bash_step(0, "git commit -m x", "[main 1a2b3c4] x")});
  CHECK(session_commits(r, json::object()).commit_sha == "1a2b3c4");
  json units = json{{"units", {{{"kind", "change_burst"}, {"burst_commit_sha", "b0b0b0b0"}}}}};
  CHECK(session_commits(r, units).commit_sha == "b0b0b0b0");
  r["patches"] = {{{"patch_id", "p"}, {"anchor", {{"found", true}, {"commit_sha", "a1a1a1a1"}}}},
                  {{"patch_id", "q"}, {"anchor", {{"found", false}, {"commit_sha", "deadbeef"}}}},
                  {{"patch_id", "n"}, {"anchor", {{"found", nullptr}}}}};
  CHECK(session_commits(r, units).commit_sha == "a1a1a1a1");
  r["git_links"] = {{{"revision", "c2c2c2c2"}}};
  CHECK(session_commits(r, units).commit_sha == "c2c2c2c2");
  r["outcome"]["commit_sha"] = "d3d3d3d3";
  CHECK(session_commits(r, units).commit_sha == "d3d3d3d3");
  json flagged = bare_record(json::array());
  flagged["outcome"]["committed"] = true;
  auto sc = session_commits(flagged, json::object());
  CHECK(sc.committed);
  CHECK(sc.commit_sha.is_null());
}
