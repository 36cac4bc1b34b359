#include "engine/trails/replay.h"

#include <catch2/catch.hpp>

using namespace ot::trails;

namespace {
MatchablePatch patch(std::string op, std::string old_text, std::string text, int step) {
  MatchablePatch p;
  p.trace_id = "t1";
  p.patch_id = "p" + std::to_string(step);
  p.step_index = step;
  p.file_path = "f.py";
  p.operation = std::move(op);
  p.old_text = std::move(old_text);
  p.authored_text = std::move(text);
  return p;
}
std::vector<std::string> texts(const OwnedRun& r) {
  std::vector<std::string> out;
  for (const auto& l : r.lines) out.push_back(l.text);
  return out;
}
}  // namespace

TEST_CASE("a write owns its whole text", "[trails][replay]") {
  auto w = patch("write", "", "a\nb\nc\n", 1);
  auto runs = replay_file({&w});
  REQUIRE(runs.size() == 1);
  REQUIRE(runs[0].patch == 0);
  REQUIRE(texts(runs[0]) == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(runs[0].lines.front().whole);
}

TEST_CASE("an edit after a write owns only the lines it introduced", "[trails][replay]") {
  auto w = patch("write", "", "def f():\n    return 1\n\ndef g():\n    return 2\n", 1);
  auto e = patch("edit", "    return 1\n", "    x = 41\n    return x + 1\n", 2);
  auto runs = replay_file({&w, &e});
  // The state after the write (a commit may have been made then), then after the edit.
  REQUIRE(runs.size() == 4);
  REQUIRE(runs[0].patch == 0);
  REQUIRE(runs[0].lines.size() == 5);
  REQUIRE(runs[1].patch == 0);
  REQUIRE(texts(runs[1]) == std::vector<std::string>{"def f():"});
  REQUIRE(runs[2].patch == 1);
  REQUIRE(texts(runs[2]) == std::vector<std::string>{"    x = 41", "    return x + 1"});
  REQUIRE(runs[3].patch == 0);
  REQUIRE(texts(runs[3]) == std::vector<std::string>{"", "def g():", "    return 2"});
}

TEST_CASE("an edit of an unknown file keeps only its novel lines, context stays unowned", "[trails][replay]") {
  auto e = patch("edit", "import os\nprint(1)", "import os\nimport sys\nprint(1)", 1);
  auto runs = replay_file({&e});
  REQUIRE(runs.size() == 1);
  REQUIRE(texts(runs[0]) == std::vector<std::string>{"import sys"});
  REQUIRE(runs[0].lines[0].whole);  // a middle line is a whole line
}

TEST_CASE("a mid-line edit of an unknown file is marked partial", "[trails][replay]") {
  auto e = patch("edit", "foo(1)", "foo(2)", 1);
  auto runs = replay_file({&e});
  REQUIRE(runs.size() == 1);
  REQUIRE_FALSE(runs[0].lines[0].whole);
}

TEST_CASE("a delete clears what the trace wrote to the file", "[trails][replay]") {
  auto w = patch("write", "", "first\n", 1);
  auto d = patch("delete", "", "", 2);
  auto e = patch("edit", "", "second\n", 3);
  auto runs = replay_file({&w, &d, &e});
  REQUIRE(runs.size() == 2);  // the write (before the delete), then the new text alone
  REQUIRE(texts(runs[1]) == std::vector<std::string>{"second"});
}

TEST_CASE("lcs_pairs aligns equal lines", "[trails][replay]") {
  auto pairs = lcs_pairs({"a", "b", "c", "d"}, {"a", "x", "c", "d", "e"});
  REQUIRE(pairs == std::vector<int>{0, -1, 2, 3, -1});
}
