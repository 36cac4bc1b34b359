#include "notes/line_blame.h"

#include <catch2/catch.hpp>

#include "temp_repo.h"

using namespace ot::git;
using ot::test::TempRepo;

TEST_CASE("parse_blame_porcelain: groups, repeated commits without metadata, renames, boundary", "[notes][line_blame]") {
  // Real `git blame --porcelain` output of a file renamed x → y in the second commit.
  const char* text =
      "fdda29000f6dffb026c277a7bd62110fd2ed90b5 1 1 1\n"
      "author A\nauthor-mail <a@x>\nauthor-time 1795622029\nauthor-tz +0000\n"
      "summary one\nboundary\nfilename x\n\ta\n"
      "cc370172d183e602e721e4233d8b09c973d3bfc0 2 2 1\n"
      "author B\nauthor-mail <b@x>\nauthor-time 1795622030\nsummary two\n"
      "previous fdda29000f6dffb026c277a7bd62110fd2ed90b5 x\nfilename y\n\tB\n"
      "fdda29000f6dffb026c277a7bd62110fd2ed90b5 3 3 1\n\tc\n"
      "cc370172d183e602e721e4233d8b09c973d3bfc0 4 4 2\n\td\n"
      "cc370172d183e602e721e4233d8b09c973d3bfc0 5 5\n\t\twith a tab\n";
  auto r = parse_blame_porcelain(text);
  REQUIRE(r.ok());
  REQUIRE(r->lines.size() == 5);
  CHECK(r->lines[0].orig_path == "x");
  CHECK(r->lines[0].boundary);
  CHECK(r->lines[1].orig_path == "y");
  CHECK(r->lines[1].text == "B");
  CHECK(r->lines[2].orig_path == "x");  // filename not repeated: the commit's last one
  CHECK(r->lines[2].boundary);          // boundary is said once per commit
  CHECK(r->lines[2].orig_line == 3);
  CHECK(r->lines[4].orig_path == "y");
  CHECK(r->lines[4].text == "\twith a tab");
  CHECK(r->commits.at("cc370172d183e602e721e4233d8b09c973d3bfc0").author_email == "b@x");
  CHECK(r->commits.at("cc370172d183e602e721e4233d8b09c973d3bfc0").summary == "two");
}

TEST_CASE("file_origins: git CLI and libgit2 agree, renames followed, -L window", "[notes][line_blame]") {
  TempRepo t;
  std::string body;
  for (int i = 1; i <= 30; ++i) body += "line " + std::to_string(i) + " of the original file\n";
  t.write("src/a.py", body);
  std::string c1 = t.commit("first");
  t.git("mv src/a.py b.py");
  t.commit("rename");
  std::string edited = body;
  edited.replace(edited.find("line 5 of"), 9, "LINE FIVE");
  t.write("b.py", edited + "appended\n");
  std::string c3 = t.commit("edit");
  auto repo = Repo::open(t.dir());
  REQUIRE(repo.ok());
  FileOriginOptions o;
  auto cli = file_origins(*repo, "b.py", o);
  REQUIRE(cli.ok());
  o.engine = BlameEngine::kLibgit2;
  auto lg = file_origins(*repo, "b.py", o);
  REQUIRE(lg.ok());
  REQUIRE(cli->lines.size() == 31);
  REQUIRE(lg->lines.size() == 31);
  for (size_t i = 0; i < cli->lines.size(); ++i) {
    INFO("line " << i + 1);
    CHECK(cli->lines[i].commit_sha == lg->lines[i].commit_sha);
    CHECK(cli->lines[i].orig_path == lg->lines[i].orig_path);
    CHECK(cli->lines[i].orig_line == lg->lines[i].orig_line);
  }
  CHECK(cli->lines[0].commit_sha == c1);
  CHECK(cli->lines[0].orig_path == "src/a.py");
  CHECK(cli->lines[4].commit_sha == c3);
  CHECK(cli->lines[4].orig_path == "b.py");
  CHECK(cli->lines[30].text == "appended");

  FileOriginOptions w;
  w.from = 4, w.to = 6;
  auto win = file_origins(*repo, "b.py", w);
  REQUIRE(win.ok());
  REQUIRE(win->lines.size() == 3);
  CHECK(win->lines[0].line == 4);
  CHECK(win->lines[1].commit_sha == c3);

  w.from = 40, w.to = 50;
  auto past = file_origins(*repo, "b.py", w);
  REQUIRE_FALSE(past.ok());
  CHECK(past.error().code == "LINE_OUT_OF_RANGE");
  auto missing = file_origins(*repo, "nope.py");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "PATH_NOT_FOUND");
}

TEST_CASE("file_origins ignores whitespace-only changes by default", "[notes][line_blame]") {
  TempRepo t;
  t.write("f.py", "def f():\n  return 1\n");
  std::string c1 = t.commit("one");
  t.write("f.py", "def f():\n        return 1\n");
  std::string c2 = t.commit("reindent");
  auto repo = Repo::open(t.dir());
  auto r = file_origins(*repo, "f.py");
  REQUIRE(r.ok());
  CHECK(r->lines[1].commit_sha == c1);
  FileOriginOptions strict;
  strict.ignore_whitespace = false;
  auto s = file_origins(*repo, "f.py", strict);
  REQUIRE(s.ok());
  CHECK(s->lines[1].commit_sha == c2);
}
