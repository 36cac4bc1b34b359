#include "engine/trails/text.h"

#include <catch2/catch.hpp>

using namespace ot::trails;

TEST_CASE("normalize_line trims and collapses whitespace", "[trails][text]") {
  REQUIRE(normalize_line("  a \t b  ") == "a b");
  REQUIRE(normalize_line("\t\t") == "");
}

TEST_CASE("range_hash ignores indentation and blank lines", "[trails][text]") {
  REQUIRE(range_hash({"def f():", "    return 1"}) == range_hash({"def f():", "", "  return   1"}));
  REQUIRE(range_hash({"a"}) != range_hash({"b"}));
}

TEST_CASE("similarity behaves like difflib's ratio over tokens", "[trails][text]") {
  REQUIRE(similarity("", "") == 1.0);
  REQUIRE(similarity("a b c d", "a b c d") == 1.0);
  REQUIRE(similarity("a b c d", "w x y z") == 0.0);
  // difflib.SequenceMatcher(None, "abcd", "bcde").ratio() == 0.75
  REQUIRE(sequence_ratio({1, 2, 3, 4}, {2, 3, 4, 5}) == Approx(0.75));
  // Re-wrapping a call does not change its tokens.
  REQUIRE(similarity("foo(a, b)", "foo(\n  a,\n  b\n)") == 1.0);
  double r = similarity("def add(a, b):\n    return a + b\n", "def add(a, b):\n    return a - b\n");
  REQUIRE(r > 0.85);
  REQUIRE(r < 1.0);
}
