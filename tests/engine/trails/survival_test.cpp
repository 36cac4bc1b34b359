#include "engine/trails/survival.h"

#include <catch2/catch.hpp>

#include "../../notes/temp_repo.h"
#include "engine/trails/anchor.h"

using namespace ot::trails;
using ot::test::TempRepo;

namespace {
AnchorRef anchor(const std::string& sha, const std::string& file, int s, int e) {
  Fact f;
  f.trace_id = "t";
  f.patch_id = "p";
  f.file = file;
  f.start_line = s;
  f.end_line = e;
  f.tier = "exact_range_hash";
  return AnchorRef{sha, f};
}
}  // namespace

TEST_CASE("survival states follow what happened to the lines", "[trails][survival]") {
  TempRepo t;
  t.write("a.py", "one = 1\ntwo = 2\nthree = 3\n");
  std::string c = t.commit("agent");
  auto repo = ot::git::Repo::open(t.dir());
  auto a = anchor(c, "a.py", 1, 3);
  REQUIRE(observe_anchor(*repo, a)->state == "alive_on_path");
  t.write("a.py", "# header\none = 1\ntwo = 2\nthree = 3\n");
  t.commit("shift");
  auto s = observe_anchor(*repo, a);
  REQUIRE(s->state == "alive_on_path");
  REQUIRE(s->current_start_line == 2);
  t.write("a.py", "one = 1\nextra = 0\ntwo = 2\nthree = 3\n");
  t.commit("split");
  REQUIRE(observe_anchor(*repo, a)->state == "alive_transformed");
  t.write("a.py", "one = 1\n");
  t.commit("trim");
  s = observe_anchor(*repo, a);
  REQUIRE(s->state == "partially_preserved");
  REQUIRE(s->retention_fraction == Approx(0.333));
  t.write("a.py", "nothing\n");
  t.commit("wipe");
  s = observe_anchor(*repo, a);
  REQUIRE(s->state == "lost");
  REQUIRE(s->reason == "hunk_removed");
}

TEST_CASE("an anchor off the current branch is orphan_branch", "[trails][survival]") {
  TempRepo t;
  t.write("r", "r\n");
  t.commit("base");
  t.git("checkout -q -b side");
  t.write("a.py", "one = 1\n");
  std::string c = t.commit("side work");
  t.git("checkout -q main");
  auto repo = ot::git::Repo::open(t.dir());
  REQUIRE(observe_anchor(*repo, anchor(c, "a.py", 1, 1))->state == "orphan_branch");
  REQUIRE(survival_precedence("alive_on_path") > survival_precedence("reverted"));
}
