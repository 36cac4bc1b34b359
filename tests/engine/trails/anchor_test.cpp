#include "engine/trails/anchor.h"

#include <catch2/catch.hpp>

#include "../../notes/temp_repo.h"
#include "notes/notes_store.h"

using namespace ot::trails;
using ot::test::TempRepo;

namespace {
MatchablePatch write_patch(std::string id, std::string file, std::string text) {
  MatchablePatch p;
  p.trace_id = "trace-1";
  p.agent = "claude-code";
  p.patch_id = std::move(id);
  p.step_index = 1;
  p.file_path = std::move(file);
  p.operation = "create";
  p.authored_text = std::move(text);
  return p;
}
}  // namespace

TEST_CASE("merge_note: fresh facts win overlapping old ones, others and foreign lines stay", "[trails][anchor]") {
  Fact a;
  a.trace_id = "t";
  a.file = "f";
  a.start_line = 1;
  a.end_line = 5;
  a.tier = "exact_range_hash";
  Fact b = a;
  b.file = "g";
  Fact fresh = a;
  fresh.start_line = 3;
  fresh.end_line = 8;
  std::string cur = render_note({a, b}, {"opentraces:legacy"});
  auto out = parse_note(merge_note(cur, {fresh}));
  REQUIRE(out.facts.size() == 2);
  REQUIRE(out.other_lines == std::vector<std::string>{"opentraces:legacy"});
  bool has_fresh = false, has_b = false;
  for (const auto& f : out.facts) has_fresh |= f == fresh, has_b |= f == b;
  REQUIRE(has_fresh);
  REQUIRE(has_b);
}

TEST_CASE("anchor_commit writes the note once; a second run changes nothing", "[trails][anchor]") {
  TempRepo t;
  t.write("a.py", "alpha = 1\nbeta = 2\n");
  std::string sha = t.commit("a");
  auto repo = ot::git::Repo::open(t.dir());
  auto out = anchor_commit(*repo, "HEAD", {write_patch("p1", "a.py", "alpha = 1\nbeta = 2\n")}, {});
  REQUIRE(out.ok());
  REQUIRE(out->note_changed);
  REQUIRE(out->attributed_lines == 2);
  auto tip = ot::git::notes_tip(*repo);
  auto again = anchor_commit(*repo, "HEAD", {write_patch("p1", "a.py", "alpha = 1\nbeta = 2\n")}, {});
  REQUIRE(again.ok());
  REQUIRE_FALSE(again->note_changed);
  REQUIRE(*ot::git::notes_tip(*repo) == *tip);
}

TEST_CASE("a patch anchored on an ancestor is not anchored again", "[trails][anchor]") {
  TempRepo t;
  t.write("a.py", "alpha = 1\nbeta = 2\n");
  t.commit("a");
  auto repo = ot::git::Repo::open(t.dir());
  auto p = write_patch("p1", "a.py", "alpha = 1\nbeta = 2\n");
  REQUIRE(anchor_commit(*repo, "HEAD", {p}, {})->facts.size() == 1);
  // The human copies the agent's lines into another file.
  t.write("b.py", "alpha = 1\nbeta = 2\n");
  t.commit("copy");
  auto out = anchor_commit(*repo, "HEAD", {write_patch("p1", "b.py", "alpha = 1\nbeta = 2\n")}, {});
  REQUIRE(out.ok());
  REQUIRE(out->facts.empty());
  REQUIRE(out->patches_already_anchored == 1);
}

TEST_CASE("reanchor_rewritten moves facts to the new commit's ranges", "[trails][anchor]") {
  TempRepo t;
  t.write("README.md", "r\n");
  t.commit("base");
  t.write("a.py", "alpha = 1\nbeta = 2\n");
  std::string old_sha = t.commit("a");
  auto repo = ot::git::Repo::open(t.dir());
  REQUIRE(anchor_commit(*repo, "HEAD", {write_patch("p1", "a.py", "alpha = 1\nbeta = 2\n")}, {})->facts.size() == 1);
  // Amend by hand: a human line above shifts the agent's lines by one.
  t.write("a.py", "import os\nalpha = 1\nbeta = 2\n");
  t.git("add -A");
  t.git("commit -q --amend -m a2");
  std::string new_sha = t.git("rev-parse HEAD");
  auto r = reanchor_rewritten(*repo, {{old_sha, new_sha}}, {});
  REQUIRE(r.ok());
  REQUIRE(r->facts_in == 1);
  REQUIRE(r->facts_out == 1);
  auto note = ot::git::read_note(*repo, new_sha);
  REQUIRE(note->has_value());
  auto facts = parse_note(**note).facts;
  REQUIRE(facts.size() == 1);
  REQUIRE(facts[0].start_line == 2);
  REQUIRE(facts[0].end_line == 3);
  REQUIRE(facts[0].anchor_id == anchor_id_for(facts[0], new_sha));
}

TEST_CASE("parse_rewrite_pairs reads git's post-rewrite input", "[trails][anchor]") {
  std::string a(40, 'a'), b(40, 'b');
  auto pairs = parse_rewrite_pairs(a + " " + b + "\n" + "junk\n" + b + " " + a + " extra\n");
  REQUIRE(pairs.size() == 2);
  REQUIRE(pairs[1].first == b);
}
