#include "engine/trails/matcher.h"

#include <catch2/catch.hpp>

#include "../../notes/temp_repo.h"

using namespace ot::trails;
using ot::test::TempRepo;

namespace {

MatchablePatch patch(std::string trace, std::string id, int step, std::string path, std::string op,
                     std::string old_text, std::string text) {
  MatchablePatch p;
  p.trace_id = std::move(trace);
  p.agent = "claude-code";
  p.model = "claude-test";
  p.patch_id = std::move(id);
  p.step_index = step;
  p.file_path = std::move(path);
  p.operation = std::move(op);
  p.old_text = std::move(old_text);
  p.authored_text = std::move(text);
  return p;
}

ot::git::CommitDiff diff_head(const TempRepo& t) {
  auto repo = ot::git::Repo::open(t.dir());
  REQUIRE(repo.ok());
  auto d = ot::git::commit_diff(*repo, "HEAD");
  REQUIRE(d.ok());
  return *d;
}

MatchOptions opts(const TempRepo& t) {
  MatchOptions o;
  o.repo_root = t.dir();
  return o;
}

}  // namespace

const char* kCalc =
    "def add(a, b):\n"
    "    return a + b\n"
    "\n"
    "def sub(a, b):\n"
    "    return a - b\n";

TEST_CASE("agent lines are attributed exactly; the human's lines in the same commit are not", "[trails][matcher]") {
  TempRepo t;
  t.write("README.md", "readme\n");
  t.commit("base");
  // The agent wrote calc.py; the human appended a function before committing.
  t.write("calc.py", std::string(kCalc) + "\ndef mul(a, b):\n    return a * b\n");
  t.commit("calc");
  auto d = diff_head(t);
  auto p = patch("t1", "p1", 1, (t.dir() / "calc.py").string(), "write", "", kCalc);
  auto res = match_commit({p}, d, opts(t));
  REQUIRE(res.facts.size() == 1);
  const Fact& f = res.facts[0];
  REQUIRE(f.file == "calc.py");
  REQUIRE(f.start_line == 1);
  REQUIRE(f.end_line == 5);
  REQUIRE(f.tier == "exact_range_hash");
  REQUIRE(f.firmness == "firm");
  REQUIRE(f.trace_id == "t1");
  REQUIRE(f.patch_id == "p1");
  REQUIRE(f.anchor_id.rfind("gitanchor-sha256:", 0) == 0);
  REQUIRE(res.patches_matched == 1);
}

TEST_CASE("a write then an edit: each patch owns its own lines", "[trails][matcher]") {
  TempRepo t;
  t.write("README.md", "readme\n");
  t.commit("base");
  auto w = patch("t1", "pw", 1, "calc.py", "write", "", kCalc);
  auto e = patch("t1", "pe", 2, "calc.py", "edit", "    return a - b\n", "    # subtract\n    return a - b\n");
  t.write("calc.py", "def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    # subtract\n    return a - b\n");
  t.commit("calc");
  MatchOptions o = opts(t);
  auto p1 = w, p2 = e;
  p1.cwd = p2.cwd = t.dir().string();
  auto res = match_commit({p2, p1}, diff_head(t), o);  // input order does not matter, steps do
  REQUIRE(res.facts.size() == 3);
  REQUIRE(res.facts[0].patch_id == "pw");
  REQUIRE(res.facts[0].start_line == 1);
  REQUIRE(res.facts[0].end_line == 4);
  REQUIRE(res.facts[1].patch_id == "pe");
  REQUIRE(res.facts[1].start_line == 5);
  REQUIRE(res.facts[1].end_line == 5);
  REQUIRE(res.facts[2].patch_id == "pw");
  REQUIRE(res.facts[2].start_line == 6);
}

TEST_CASE("an edit inside a human file attributes only the inserted lines", "[trails][matcher]") {
  TempRepo t;
  t.write("src/app.py", "import os\n\nprint(os.getcwd())\n");
  t.commit("base");
  t.write("src/app.py", "import os\nimport sys\n\nprint(os.getcwd())\nprint(sys.argv)\n");
  t.commit("edit");
  auto e1 = patch("t1", "p1", 1, "app.py", "edit", "import os\n", "import os\nimport sys\n");
  e1.cwd = (t.dir() / "src").string();  // relative to the agent's cwd
  // The human added the last line; no patch for it.
  auto res = match_commit({e1}, diff_head(t), opts(t));
  REQUIRE(res.facts.size() == 1);
  REQUIRE(res.facts[0].file == "src/app.py");
  REQUIRE(res.facts[0].start_line == 2);
  REQUIRE(res.facts[0].end_line == 2);
}

TEST_CASE("a human touch-up inside agent code gives provisional facts around the human line", "[trails][matcher]") {
  TempRepo t;
  t.write("README.md", "readme\n");
  t.commit("base");
  std::string agent =
      "def area(r):\n    pi = 3.14159\n    return pi * r * r\n\ndef perimeter(r):\n    pi = 3.14159\n"
      "    return 2 * pi * r\n\ndef diameter(r):\n    return 2 * r\n";
  std::string human = agent;
  human.replace(human.find("    return 2 * r"), 16, "    return r + r");
  t.write("geo.py", human);
  t.commit("geo");
  auto res = match_commit({patch("t1", "p1", 1, "geo.py", "write", "", agent)}, diff_head(t), opts(t));
  REQUIRE(res.facts.size() == 1);  // lines 1..9: the changed line 10 is the human's
  REQUIRE(res.facts[0].tier == "structural_symbol");
  REQUIRE(res.facts[0].firmness == "provisional");
  REQUIRE(res.facts[0].limitation == "structural_match_below_exact_threshold");
  REQUIRE(res.facts[0].start_line == 1);
  REQUIRE(res.facts[0].end_line == 9);
}

TEST_CASE("unrelated text does not match", "[trails][matcher]") {
  TempRepo t;
  t.write("a.py", "print('hello')\n");
  t.commit("a");
  auto res = match_commit({patch("t1", "p1", 1, "a.py", "write", "", "totally different\ncontent here\n")},
                          diff_head(t), opts(t));
  REQUIRE(res.facts.empty());
  REQUIRE(res.patches_on_files == 1);
  REQUIRE(res.patches_matched == 0);
}

TEST_CASE("paths from another checkout match by suffix; skipped patches are skipped", "[trails][matcher]") {
  TempRepo t;
  t.write("pkg/mod.py", "x = 1\ny = 2\n");
  t.commit("a");
  auto p = patch("t1", "p1", 1, "/home/dev/src/proj/pkg/mod.py", "write", "", "x = 1\ny = 2\n");
  auto res = match_commit({p}, diff_head(t), opts(t));
  REQUIRE(res.facts.size() == 1);
  REQUIRE(res.facts[0].file == "pkg/mod.py");
  MatchOptions o = opts(t);
  o.skip_patch_ids = {"p1"};
  REQUIRE(match_commit({p}, diff_head(t), o).facts.empty());
}

TEST_CASE("two traces in one commit each own their lines", "[trails][matcher]") {
  TempRepo t;
  t.write("README.md", "readme\n");
  t.commit("base");
  t.write("a.py", "alpha_one = 1\nalpha_two = 2\n");
  t.write("b.py", "beta_one = 1\nbeta_two = 2\n");
  t.commit("two");
  auto pa = patch("ta", "pa", 1, "a.py", "write", "", "alpha_one = 1\nalpha_two = 2\n");
  auto pb = patch("tb", "pb", 1, "b.py", "write", "", "beta_one = 1\nbeta_two = 2\n");
  pb.agent = "codex";
  auto res = match_commit({pa, pb}, diff_head(t), opts(t));
  REQUIRE(res.facts.size() == 2);
  REQUIRE(res.facts[0].trace_id == "ta");
  REQUIRE(res.facts[1].trace_id == "tb");
  REQUIRE(res.facts[1].agent == "codex");
}

TEST_CASE("an apply_patch hunk's '+' lines match across context lines", "[trails][matcher]") {
  TempRepo t;
  t.write("m.py", "import os\n\ndef main():\n    pass\n");
  t.commit("base");
  t.write("m.py", "import os\nimport json\n\ndef main():\n    print(json.dumps({}))\n    pass\n");
  t.commit("codex");
  // Codex lists only the added lines of the hunk; "\ndef main():" is context between them.
  auto p = patch("t1", "p1", 1, "m.py", "edit", "", "import json\n    print(json.dumps({}))\n");
  p.agent = "codex";
  auto res = match_commit({p}, diff_head(t), opts(t));
  REQUIRE(res.facts.size() == 2);
  REQUIRE(res.facts[0].tier == "exact_range_hash");
  REQUIRE(res.facts[0].start_line == 2);
  REQUIRE(res.facts[1].start_line == 5);
}

TEST_CASE("blank lines between two patches of one trace belong to the trace", "[trails][matcher]") {
  TempRepo t;
  t.write("README.md", "readme\n");
  t.commit("base");
  auto w = patch("t1", "pw", 1, "stats.py", "create", "",
                 "def mean(xs):\n    return sum(xs) / (len(xs) - 1)\n\n\ndef spread(xs):\n    return max(xs) - min(xs)\n");
  auto e = patch("t1", "pe", 2, "stats.py", "edit", "(len(xs) - 1)", "len(xs)");
  t.write("stats.py", "def mean(xs):\n    return sum(xs) / len(xs)\n\n\ndef spread(xs):\n    return max(xs) - min(xs)\n");
  t.commit("stats");
  auto res = match_commit({w, e}, diff_head(t), opts(t));
  int covered = 0;
  for (const auto& f : res.facts) covered += f.line_count();
  REQUIRE(covered == 6);
  REQUIRE(res.facts.size() == 3);
  REQUIRE(res.facts[1].patch_id == "pe");
  REQUIRE(res.facts[1].end_line == 2);
  REQUIRE(res.facts[2].start_line == 3);  // the write's blank lines, then spread()
}
