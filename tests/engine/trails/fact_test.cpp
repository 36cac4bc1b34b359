#include "engine/trails/fact.h"

#include <catch2/catch.hpp>

using namespace ot::trails;

namespace {
Fact sample() {
  Fact f;
  f.trace_id = "abc";
  f.agent = "claude-code";
  f.patch_id = "tp1";
  f.step_index = 3;
  f.file = "src/a.py";
  f.start_line = 4;
  f.end_line = 9;
  f.tier = "exact_range_hash";
  f.firmness = "firm";
  f.range_hash = "sha256:00";
  f.anchor_id = anchor_id_for(f, "0123456789012345678901234567890123456789");
  return f;
}
}  // namespace

TEST_CASE("a fact is one canonical JSON line and parses back", "[trails][fact]") {
  Fact f = sample();
  std::string line = fact_line(f);
  REQUIRE(line.find('\n') == std::string::npos);
  REQUIRE(line.rfind("{\"agent\":\"claude-code\",\"anchor_id\":\"gitanchor-sha256:", 0) == 0);
  auto note = parse_note(line + "\n");
  REQUIRE(note.facts.size() == 1);
  REQUIRE(note.facts[0] == f);
}

TEST_CASE("anchor ids depend on commit and range", "[trails][fact]") {
  Fact f = sample();
  std::string a = anchor_id_for(f, "0123456789012345678901234567890123456789");
  REQUIRE(a.size() == std::string("gitanchor-sha256:").size() + 64);
  REQUIRE(a != anchor_id_for(f, "1123456789012345678901234567890123456789"));
  f.end_line = 10;
  REQUIRE(a != anchor_id_for(f, "0123456789012345678901234567890123456789"));
}

TEST_CASE("notes are sorted unique lines; foreign lines are kept", "[trails][fact]") {
  Fact a = sample(), b = sample();
  b.start_line = 1;
  b.end_line = 2;
  std::string note = render_note({a, b, a}, {"opentraces:legacy-trace"});
  auto parsed = parse_note(note);
  REQUIRE(parsed.facts.size() == 2);
  REQUIRE(parsed.other_lines == std::vector<std::string>{"opentraces:legacy-trace"});
  REQUIRE(note.back() == '\n');
  // Rendering is a pure function of the set of lines: cat_sort_uniq gives the same bytes.
  REQUIRE(render_note({b, a}, {"opentraces:legacy-trace"}) == note);
  REQUIRE(render_note(std::vector<std::string>{}).empty());
}
