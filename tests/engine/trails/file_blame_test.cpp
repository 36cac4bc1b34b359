#include "engine/trails/file_blame.h"

#include <catch2/catch.hpp>

#include "../../notes/temp_repo.h"
#include "notes/notes_store.h"

using namespace ot::trails;
using ot::test::TempRepo;

namespace {
Fact fact(const std::string& trace, const std::string& patch, const std::string& file, int s, int e,
          const std::string& tier = "exact_range_hash") {
  Fact f;
  f.trace_id = trace;
  f.agent = "claude-code";
  f.model = "claude-test";
  f.patch_id = patch;
  f.file = file;
  f.start_line = s;
  f.end_line = e;
  f.tier = tier;
  f.firmness = tier == "exact_range_hash" ? "firm" : "provisional";
  return f;
}
}  // namespace

TEST_CASE("reflow_map: same characters re-wrapped map each new line to its first character's old line",
          "[trails][file_blame]") {
  std::vector<std::string> old_lines = {"x = call(a, b,", "         c)", "y = 2"};
  std::vector<std::string> new_lines = {"x = call(", "    a, b, c", ")", "", "y = 2"};
  auto m = reflow_map(old_lines, new_lines);
  REQUIRE(m == std::vector<int>{0, 0, 1, -1, 2});
  CHECK(reflow_map({"a = 1"}, {"a = 2"}).empty());          // a real change
  CHECK(reflow_map({"a = 1"}, {"a = 1"}).empty());          // nothing changed
  CHECK(reflow_map({"a=1"}, {"a = 1"}) == std::vector<int>{0});  // spacing only
}

TEST_CASE("blame_file joins line origins with notes: agent, human-modified, human, unknown, reflow",
          "[trails][file_blame]") {
  TempRepo t;
  t.write("calc.py", "# header by a human\n");
  std::string c0 = t.commit("human start");  // no note → unknown
  t.write("calc.py",
          "# header by a human\n"
          "def add(a, b):\n"
          "    return a + b\n"
          "HUMAN CHANGED THIS\n"
          "def sub(a, b):\n"
          "    return a - b\n"
          "print(add(1, 2), sub(3, 4), 'a long line the formatter will wrap')\n");
  std::string c1 = t.commit("agent");
  auto repo = ot::git::Repo::open(t.dir());
  REQUIRE(repo.ok());
  // The matcher split the agent's block around the human's edit: two facts, one patch.
  std::string note = render_note(std::vector<Fact>{fact("trace-a", "p1", "calc.py", 2, 3, "structural_symbol"),
                                                   fact("trace-a", "p1", "calc.py", 5, 7, "structural_symbol")});
  REQUIRE(ot::git::write_note(*repo, c1, note).ok());
  // A formatter wraps the long line (same characters, new line breaks).
  t.write("calc.py",
          "# header by a human\n"
          "def add(a, b):\n"
          "    return a + b\n"
          "HUMAN CHANGED THIS\n"
          "def sub(a, b):\n"
          "    return a - b\n"
          "print(add(1, 2), sub(3, 4),\n"
          "      'a long line the formatter will wrap')\n");
  std::string c2 = t.commit("format");
  t.write("calc.py",
          "# header by a human\n"
          "def add(a, b):\n"
          "    return a + b\n"
          "HUMAN CHANGED THIS\n"
          "def sub(a, b):\n"
          "    return a - b\n"
          "print(add(1, 2), sub(3, 4),\n"
          "      'a long line the formatter will wrap')\n"
          "x = 1  # annotated human commit\n");
  std::string c3 = t.commit("human with note");
  REQUIRE(ot::git::write_note(*repo, c3, "opentraces:some-hook-linked-trace\n").ok());

  auto fb = blame_file(*repo, "calc.py");
  REQUIRE(fb.ok());
  REQUIRE(fb->lines.size() == 9);
  CHECK(fb->lines[0].who.kind == "unknown");
  CHECK(fb->lines[1].who.kind == "agent");
  CHECK(fb->lines[1].who.trace_id == "trace-a");
  CHECK(fb->lines[1].who.firmness == "provisional");
  CHECK(fb->lines[3].who.kind == "human_modified");
  CHECK(fb->lines[3].who.trace_id == "trace-a");
  CHECK(fb->lines[6].who.kind == "agent");       // wrapped line, followed through the reflow
  CHECK(fb->lines[6].reflow_commit == c2);
  CHECK(fb->lines[6].origin.commit_sha == c1);
  CHECK(fb->lines[7].who.kind == "agent");
  CHECK(fb->lines[8].who.kind == "human");
  CHECK(fb->lines[8].who.source == "note");
  CHECK(fb->kinds.at("agent") == 6);
  CHECK(fb->reflow_diffs == 1);  // only the format commit passed the cheap test
  CHECK(fb->kinds.at("human_modified") == 1);
  REQUIRE(fb->traces.size() == 1);
  CHECK(fb->traces[0].lines == 6);

  FileBlameOptions no_reflow;
  no_reflow.follow_reflow = false;
  auto plain = blame_file(*repo, "calc.py", no_reflow);
  REQUIRE(plain.ok());
  CHECK(plain->lines[6].who.kind == "unknown");
  CHECK(plain->lines[6].origin.commit_sha == c2);
}

TEST_CASE("blame_file reads git-ai notes on refs/notes/ai as agent (git-ai) lines", "[trails][file_blame]") {
  TempRepo t;
  t.write("m.rs", "fn a() {}\nfn b() {}\nfn c() {}\n");
  std::string c1 = t.commit("mixed");
  auto repo = ot::git::Repo::open(t.dir());
  std::string ai =
      "m.rs\n  s_00000000000001::t_00000000000002 1-2\n  h_00000000000003 3\n---\n"
      "{\"schema_version\":\"authorship/3.0.0\",\"sessions\":{\"s_00000000000001\":{\"agent_id\":"
      "{\"tool\":\"cursor\",\"id\":\"c\",\"model\":\"gpt-5\"}}},\"humans\":{\"h_00000000000003\":{\"author\":\"Ada\"}}}\n";
  REQUIRE(ot::git::write_note(*repo, c1, ai, kGitAiNotesRef).ok());
  auto fb = blame_file(*repo, "m.rs");
  REQUIRE(fb.ok());
  CHECK(fb->lines[0].who.kind == "agent");
  CHECK(fb->lines[0].who.source == "git-ai");
  CHECK(fb->lines[0].who.agent == "cursor");
  CHECK(fb->lines[0].who.model == "gpt-5");
  CHECK(fb->lines[2].who.kind == "human");
  CHECK(fb->lines[2].who.human_author == "Ada");
}
