#include <catch2/catch.hpp>

#include "engine/parse/apply_patch.h"

using namespace ot::parse;

TEST_CASE("apply_patch: add, update with two hunks, move, delete", "[parse][apply_patch]") {
  const char* text =
      "*** Begin Patch\n"
      "*** Add File: new.py\n"
      "+print('hi')\n"
      "+\n"
      "*** Update File: calc.py\n"
      "@@ def add(a, b):\n"
      " def add(a, b):\n"
      "-    return a+b\n"
      "+    return a + b\n"
      "@@\n"
      " def mul(a, b):\n"
      "+    \"\"\"Multiply.\"\"\"\n"
      "*** Update File: old.txt\n"
      "*** Move to: docs/new.txt\n"
      "*** Delete File: gone.py\n"
      "*** End Patch\n";
  ApplyPatchParse r = parse_apply_patch(text);
  REQUIRE(r.found);
  REQUIRE(r.limitations.empty());
  REQUIRE(r.hunks.size() == 5);
  CHECK(r.hunks[0].operation == "create");
  CHECK(r.hunks[0].path == "new.py");
  CHECK(r.hunks[0].added == "print('hi')\n\n");
  CHECK(r.hunks[1].operation == "edit");
  CHECK(r.hunks[1].added == "    return a + b\n");
  CHECK(r.hunks[1].removed == "    return a+b\n");
  CHECK(r.hunks[2].added == "    \"\"\"Multiply.\"\"\"\n");
  CHECK(r.hunks[2].removed.empty());
  CHECK(r.hunks[3].operation == "rename");
  CHECK(r.hunks[3].path == "old.txt");
  CHECK(r.hunks[3].move_to == "docs/new.txt");
  CHECK(r.hunks[4].operation == "delete");
  CHECK(r.hunks[4].path == "gone.py");
}

TEST_CASE("apply_patch: moved file with a hunk, no @@ header", "[parse][apply_patch]") {
  ApplyPatchParse r = parse_apply_patch(
      "*** Begin Patch\n*** Update File: a.py\n*** Move to: b.py\n-x = 1\n+x = 2\n*** End Patch");
  REQUIRE(r.hunks.size() == 1);
  CHECK(r.hunks[0].operation == "rename");
  CHECK(r.hunks[0].move_to == "b.py");
  CHECK(r.hunks[0].added == "x = 2\n");
}

TEST_CASE("apply_patch: truncated and garbage input never throws", "[parse][apply_patch]") {
  ApplyPatchParse r = parse_apply_patch("*** Begin Patch\n*** Add File: a\n+one\n");
  REQUIRE(r.hunks.size() == 1);
  REQUIRE(r.limitations == std::vector<std::string>{"apply_patch_unterminated"});
  REQUIRE_FALSE(parse_apply_patch("hello\nworld").found);
  REQUIRE(parse_apply_patch("").hunks.empty());
  ApplyPatchParse g = parse_apply_patch("*** Begin Patch\n*** Update File: a\n?? what\n+ok\n*** End Patch\n");
  REQUIRE(g.hunks.size() == 1);
  REQUIRE(g.limitations == std::vector<std::string>{"apply_patch_unrecognised_line"});
}

TEST_CASE("extract_apply_patch finds the heredoc body", "[parse][apply_patch]") {
  auto t = extract_apply_patch("apply_patch <<'PATCH'\n*** Begin Patch\n*** Add File: x\n+1\n*** End Patch\nPATCH");
  REQUIRE(t);
  REQUIRE(*t == "*** Begin Patch\n*** Add File: x\n+1\n*** End Patch");
  REQUIRE_FALSE(extract_apply_patch("cat <<'EOF'\n*** Begin Patch\nEOF"));
  REQUIRE_FALSE(extract_apply_patch("apply_patch --help"));
}
