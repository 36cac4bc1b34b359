// The matcher's formatter_divergent tier (added with file blame, issue #16): a
// formatter that only re-wraps or re-indents the agent's lines before the commit
// keeps them the agent's.
#include <catch2/catch.hpp>

#include "../../notes/temp_repo.h"
#include "engine/trails/matcher.h"

using namespace ot::trails;
using ot::test::TempRepo;

namespace {
MatchablePatch write_patch(const TempRepo& t, std::string text) {
  MatchablePatch p;
  p.trace_id = "t1";
  p.agent = "claude-code";
  p.patch_id = "p1";
  p.step_index = 1;
  p.file_path = (t.dir() / "app.py").string();
  p.operation = "write";
  p.authored_text = std::move(text);
  return p;
}
ot::git::CommitDiff head(const TempRepo& t) {
  auto repo = ot::git::Repo::open(t.dir());
  auto d = ot::git::commit_diff(*repo, "HEAD");
  REQUIRE(d.ok());
  return *d;
}
}  // namespace

TEST_CASE("a formatter's line wrap before the commit keeps the agent's lines (formatter_divergent)",
          "[trails][matcher]") {
  TempRepo t;
  t.write("README.md", "r\n");
  t.commit("base");
  // The agent wrote one long call; a formatter wrapped it before the commit.
  t.write("app.py", "result = compute(alpha, beta,\n                 gamma, delta)\nprint(result)\n");
  t.commit("formatted");
  MatchOptions o;
  o.repo_root = t.dir();
  auto res = match_commit({write_patch(t, "result = compute(alpha, beta, gamma, delta)\nprint(result)\n")}, head(t), o);
  REQUIRE(res.facts.size() == 1);
  CHECK(res.facts[0].tier == "formatter_divergent");
  CHECK(res.facts[0].firmness == "provisional");
  CHECK(res.facts[0].limitation == "formatter_whitespace_only");
  CHECK(res.facts[0].start_line == 1);
  CHECK(res.facts[0].end_line == 3);
}

TEST_CASE("a changed character is not a reflow", "[trails][matcher]") {
  TempRepo t;
  t.write("README.md", "r\n");
  t.commit("base");
  t.write("app.py", "result = compute(alpha, beta,\n                 gamma, omega)\n");
  t.commit("edited");
  MatchOptions o;
  o.repo_root = t.dir();
  auto res = match_commit({write_patch(t, "result = compute(alpha, beta, gamma, delta)\n")}, head(t), o);
  for (const auto& f : res.facts) CHECK(f.tier != "formatter_divergent");
}

TEST_CASE("an uncommitted git mv of a file the agent wrote keeps its attribution", "[trails][matcher]") {
  TempRepo t;
  t.write("README.md", "r\n");
  t.commit("base");
  // The agent wrote app.py (and edited it); a human moved it before committing.
  t.write("lib/helpers.py", "def helper(x):\n    return x * 2\n\n\ndef other(y):\n    return y + 1\n");
  t.commit("moved");
  MatchOptions o;
  o.repo_root = t.dir();
  MatchablePatch w = write_patch(t, "def helper(x):\n    return x + 2\n\n\ndef other(y):\n    return y + 1\n");
  MatchablePatch e = w;
  e.patch_id = "p2";
  e.step_index = 2;
  e.operation = "edit";
  e.old_text = "    return x + 2\n";
  e.authored_text = "    return x * 2\n";
  auto res = match_commit({w, e}, head(t), o);
  REQUIRE(res.facts.size() >= 2);
  for (const auto& f : res.facts) CHECK(f.file == "lib/helpers.py");
  CHECK(res.patches_on_files == 2);
  int lines = 0;
  for (const auto& f : res.facts) lines += f.line_count();
  CHECK(lines == 6);

  // Unrelated added files are not claimed.
  TempRepo u;
  u.write("README.md", "r\n");
  u.commit("base");
  u.write("notes.txt", "completely\ndifferent\ncontent\n");
  u.commit("other");
  CHECK(match_commit({write_patch(u, "def helper(x):\n    return x * 2\n")}, head(u), o).facts.empty());
}
