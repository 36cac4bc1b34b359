#include "notes/notes_store.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <atomic>
#include <thread>

#include "temp_repo.h"

using ot::test::TempRepo;

TEST_CASE("write_note and read_note round-trip; git sees the note", "[notes][store]") {
  TempRepo t;
  t.write("a.txt", "a\n");
  std::string sha = t.commit("base");
  auto repo = ot::git::Repo::open(t.dir());
  REQUIRE(repo.ok());
  auto none = ot::git::read_note(*repo, sha);
  REQUIRE(none.ok());
  REQUIRE_FALSE(none->has_value());
  REQUIRE(ot::git::write_note(*repo, sha, "{\"a\":1}\n").ok());
  auto got = ot::git::read_note(*repo, sha);
  REQUIRE(got.ok());
  REQUIRE(got->value() == "{\"a\":1}\n");
  REQUIRE(t.git("notes --ref=opentraces show " + sha) == "{\"a\":1}");
  // Empty text removes the note.
  REQUIRE(ot::git::write_note(*repo, sha, "").ok());
  REQUIRE_FALSE(ot::git::read_note(*repo, sha)->has_value());
}

TEST_CASE("update_notes writes several notes in one ref update and skips no-ops", "[notes][store]") {
  TempRepo t;
  t.write("a.txt", "a\n");
  std::string a = t.commit("a");
  t.write("b.txt", "b\n");
  std::string b = t.commit("b");
  auto repo = ot::git::Repo::open(t.dir());
  std::map<std::string, ot::git::NoteUpdate> u;
  u[a] = [](const std::optional<std::string>&) { return std::optional<std::string>("x\n"); };
  u[b] = [](const std::optional<std::string>&) { return std::optional<std::string>("y\n"); };
  auto r = ot::git::update_notes(*repo, u, "test");
  REQUIRE(r.ok());
  REQUIRE(r->changed == 2);
  auto tip = ot::git::notes_tip(*repo);
  auto again = ot::git::update_notes(*repo, u, "test");
  REQUIRE(again.ok());
  REQUIRE(again->changed == 0);
  REQUIRE(*ot::git::notes_tip(*repo) == *tip);  // nothing written
  auto all = ot::git::all_notes(*repo);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
}

TEST_CASE("concurrent note writers never lose an update (compare-and-swap)", "[notes][store]") {
  TempRepo t;
  std::vector<std::string> shas;
  for (int i = 0; i < 8; ++i) {
    t.write("f.txt", std::to_string(i) + "\n");
    shas.push_back(t.commit("c" + std::to_string(i)));
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      // Each thread opens its own handle, as separate hook processes would.
      auto repo = ot::git::Repo::open(t.dir());
      if (!repo.ok() || !ot::git::write_note(*repo, shas[static_cast<size_t>(i)], "n" + std::to_string(i) + "\n").ok())
        ++failures;
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(failures == 0);
  auto repo = ot::git::Repo::open(t.dir());
  auto all = ot::git::all_notes(*repo);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 8);
  // Second round: every thread appends a line to every note (updates, not creates).
  threads.clear();
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = ot::git::Repo::open(t.dir());
      std::map<std::string, ot::git::NoteUpdate> u;
      for (const auto& sha : shas)
        u[sha] = [i](const std::optional<std::string>& cur) {
          return std::optional<std::string>(cur.value_or("") + "t" + std::to_string(i) + "\n");
        };
      if (!r.ok() || !ot::git::update_notes(*r, u, "append").ok()) ++failures;
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(failures == 0);
  for (const auto& sha : shas) {
    auto n = ot::git::read_note(*repo, sha);
    REQUIRE(n.ok());
    REQUIRE(std::count(n->value().begin(), n->value().end(), '\n') == 9);  // 1 + 8 appended lines
  }
}

TEST_CASE("NotesSnapshot reads what read_note reads, from the state it was opened on", "[notes][store]") {
  TempRepo t;
  t.write("a.txt", "a\n");
  std::string a = t.commit("a");
  t.write("b.txt", "b\n");
  std::string b = t.commit("b");
  auto repo = ot::git::Repo::open(t.dir());
  REQUIRE(repo.ok());
  auto none = ot::git::NotesSnapshot::open(*repo);
  REQUIRE(none.ok());
  REQUIRE(none->empty());
  REQUIRE_FALSE(none->read(a)->has_value());
  REQUIRE(ot::git::write_note(*repo, a, "first\n").ok());
  auto snap = ot::git::NotesSnapshot::open(*repo);
  REQUIRE(snap.ok());
  REQUIRE_FALSE(snap->empty());
  REQUIRE(snap->read(a)->value() == *ot::git::read_note(*repo, a).value());
  REQUIRE_FALSE(snap->read(b)->has_value());
  // A later write moves the ref, not the snapshot.
  REQUIRE(ot::git::write_note(*repo, b, "second\n").ok());
  REQUIRE_FALSE(snap->read(b)->has_value());
  REQUIRE(ot::git::read_note(*repo, b)->value() == "second\n");
  REQUIRE_FALSE(snap->read("not-a-sha").ok());
  // Another ref (git-ai's) is read the same way.
  REQUIRE(ot::git::write_note(*repo, a, "ai\n", "refs/notes/ai").ok());
  REQUIRE(ot::git::NotesSnapshot::open(*repo, "refs/notes/ai")->read(a)->value() == "ai\n");
}
