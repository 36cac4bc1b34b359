#include "engine/trails/stats_deletions.h"

#include <catch2/catch.hpp>

#include "../../notes/temp_repo.h"
#include "engine/trails/fact.h"

using namespace ot::trails;
using ot::test::TempRepo;

TEST_CASE("deletion records round-trip and stay out of the facts", "[trails][stats]") {
  Deletion d{"trace-1", "claude-code", "m", "sha256:p", "a.py", "old/a.py", 4, 9};
  std::string line = deletion_line(d);
  auto back = deletion_from_line(line);
  REQUIRE(back);
  CHECK(back->old_file == "old/a.py");
  CHECK(back->line_count() == 6);
  std::string note = with_deletions("", {d});
  CHECK(note == line + "\n");
  ParsedNote p = parse_note(note);
  CHECK(p.facts.empty());  // a deletion is not an attribution fact
  CHECK(p.other_lines.size() == 1);
  CHECK(note_deletions(note).size() == 1);
  CHECK_FALSE(deletion_from_line("{\"kind\":\"deletion\"}"));
  CHECK_FALSE(deletion_from_line("opentraces:abc"));
}

TEST_CASE("match_deletions finds the lines an agent edit removed, in the parent's coordinates", "[trails][stats]") {
  TempRepo t;
  t.write("a.py", "import os\n\ndef old_helper():\n    return os.getcwd()\n\ndef keep():\n    return 1\n");
  t.commit("base");
  t.write("a.py", "import os\n\ndef keep():\n    return 1\n");
  std::string sha = t.commit("agent removes old_helper");
  auto repo = ot::git::Repo::open(t.dir());
  auto diff = ot::git::commit_diff(*repo, sha);
  REQUIRE(diff.ok());
  MatchablePatch p;
  p.trace_id = "trace-1";
  p.agent = "claude-code";
  p.patch_id = "sha256:del";
  p.file_path = "a.py";
  p.operation = "edit";
  p.old_text = "def old_helper():\n    return os.getcwd()\n\ndef keep():\n";
  p.authored_text = "def keep():\n";
  MatchOptions mo;
  mo.repo_root = t.dir();
  auto dels = match_deletions(*repo, *diff, {p}, mo);
  REQUIRE(dels.size() == 1);
  CHECK(dels[0].start_line == 3);
  CHECK(dels[0].end_line == 4);
  CHECK(dels[0].old_file == "a.py");
  // A patch whose removed text is not what the commit removed records nothing.
  p.old_text = "def something_else():\n    pass\n";
  p.authored_text = "";
  CHECK(match_deletions(*repo, *diff, {p}, mo).empty());
}
