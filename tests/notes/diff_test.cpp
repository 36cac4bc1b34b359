#include "notes/diff.h"

#include <catch2/catch.hpp>

#include "temp_repo.h"

using ot::test::TempRepo;

TEST_CASE("commit_diff of a root commit lists every line as added", "[notes][diff]") {
  TempRepo t;
  t.write("a.txt", "one\ntwo\nthree\n");
  std::string sha = t.commit("root");
  auto repo = ot::git::Repo::open(t.dir());
  REQUIRE(repo.ok());
  auto d = ot::git::commit_diff(*repo, sha);
  REQUIRE(d.ok());
  REQUIRE(d->commit.sha == sha);
  REQUIRE(d->commit.parents.empty());
  REQUIRE(d->files.size() == 1);
  REQUIRE(d->files[0].status == 'A');
  REQUIRE(d->files[0].added_lines == std::vector<int>{1, 2, 3});
  REQUIRE(d->files[0].new_lines == std::vector<std::string>{"one", "two", "three"});
  REQUIRE(d->added_total() == 3);
}

TEST_CASE("commit_diff gives added line numbers per hunk against the first parent", "[notes][diff]") {
  TempRepo t;
  t.write("a.txt", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
  t.commit("base");
  t.write("a.txt", "1\nNEW\n2\n3\n4\n5\n6\n7\n8\nCHANGED\n10\nTAIL\n");
  std::string sha = t.commit("edit");
  auto repo = ot::git::Repo::open(t.dir());
  auto d = ot::git::commit_diff(*repo, "HEAD");
  REQUIRE(d.ok());
  REQUIRE(d->commit.sha == sha);
  REQUIRE(d->commit.subject == "edit");
  const auto* f = d->file("a.txt");
  REQUIRE(f);
  REQUIRE(f->status == 'M');
  REQUIRE(f->added_lines == std::vector<int>{2, 10, 12});
  REQUIRE(f->hunks.size() == 3);
  REQUIRE(f->hunks[1].added == std::vector<int>{10});
  REQUIRE(f->is_added(12));
  REQUIRE_FALSE(f->is_added(11));
}

TEST_CASE("commit_diff detects renames and reports the old path", "[notes][diff]") {
  TempRepo t;
  std::string body;
  for (int i = 0; i < 40; ++i) body += "line number " + std::to_string(i) + "\n";
  t.write("old/name.py", body);
  t.commit("base");
  t.git("mv old/name.py new_name.py");
  t.write("new_name.py", body + "extra line\n");
  t.commit("move");
  auto repo = ot::git::Repo::open(t.dir());
  auto d = ot::git::commit_diff(*repo, "HEAD");
  REQUIRE(d.ok());
  REQUIRE(d->files.size() == 1);
  REQUIRE(d->files[0].status == 'R');
  REQUIRE(d->files[0].path == "new_name.py");
  REQUIRE(d->files[0].old_path == "old/name.py");
  REQUIRE(d->files[0].added_lines == std::vector<int>{41});
}

TEST_CASE("commit_diff skips merge commits unless asked, and handles empty commits", "[notes][diff]") {
  TempRepo t;
  t.write("a.txt", "a\n");
  t.commit("base");
  t.git("checkout -q -b side");
  t.write("b.txt", "b\n");
  t.commit("side");
  t.git("checkout -q main");
  t.write("c.txt", "c\n");
  t.commit("main");
  t.git("merge -q --no-edit side");
  auto repo = ot::git::Repo::open(t.dir());
  auto d = ot::git::commit_diff(*repo, "HEAD");
  REQUIRE(d.ok());
  REQUIRE(d->merge);
  REQUIRE(d->files.empty());
  ot::git::DiffOptions o;
  o.diff_merges = true;
  auto dm = ot::git::commit_diff(*repo, "HEAD", o);
  REQUIRE(dm.ok());
  REQUIRE(dm->files.size() == 1);  // b.txt against the first parent
  std::string empty = t.commit("nothing");
  auto de = ot::git::commit_diff(*repo, empty);
  REQUIRE(de.ok());
  REQUIRE(de->files.empty());
}

TEST_CASE("commit_diff names a missing commit clearly", "[notes][diff]") {
  TempRepo t;
  t.write("a.txt", "a\n");
  t.commit("base");
  auto repo = ot::git::Repo::open(t.dir());
  auto d = ot::git::commit_diff(*repo, "deadbeefdeadbeef");
  REQUIRE_FALSE(d.ok());
  REQUIRE(d.error().code == "COMMIT_NOT_FOUND");
  auto lines = ot::git::file_lines_at(*repo, "HEAD", "a.txt");
  REQUIRE(lines.ok());
  REQUIRE(*lines == std::vector<std::string>{"a"});
  REQUIRE_FALSE(ot::git::file_lines_at(*repo, "HEAD", "nope.txt").ok());
}
