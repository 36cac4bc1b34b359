#include "engine/bucket/bucket.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <leveldb/db.h>

#include "engine/util/time.h"
#include "test_support.h"

using namespace ot;
using namespace ot::bucket;

namespace {
std::unique_ptr<Bucket> open_at(const std::filesystem::path& dir) {
  auto b = Bucket::open(dir);
  REQUIRE(b.ok());
  return std::move(b).value();
}
}  // namespace

TEST_CASE("bucket: put then get returns the same record; same content is a no-op", "[bucket]") {
  test::TempDir tmp;
  auto b = open_at(tmp.path / "bucket");
  json rec = test::make_record("t-1");
  auto put = b->put_record(rec);
  REQUIRE(put.ok());
  CHECK(put->changed);
  CHECK(put->new_trace);
  CHECK(put->generation == 1);
  CHECK(put->project_slug == "calc-1a2b3c4d");
  CHECK(put->record_hash == json_digest(rec));
  CHECK(*b->get_record("t-1") == rec);

  auto again = b->put_record(rec);
  REQUIRE(again.ok());
  CHECK_FALSE(again->changed);
  CHECK(again->generation == 1);
  auto st = b->status();
  REQUIRE(st.ok());
  CHECK((*st)["trace_count"] == 1);
  CHECK((*st)["object_count"] == 1);
  CHECK((*st)["generation_count"] == 1);
}

TEST_CASE("bucket: a grown session becomes a new generation; the latest is the default", "[bucket]") {
  test::TempDir tmp;
  auto b = open_at(tmp.path / "bucket");
  json v1 = test::make_record("t-gen", 2);
  json v2 = test::make_record("t-gen", 5);
  REQUIRE(b->put_record(v1).ok());
  auto p2 = b->put_record(v2);
  REQUIRE(p2.ok());
  CHECK(p2->generation == 2);
  CHECK_FALSE(p2->new_trace);
  CHECK(*b->get_record("t-gen") == v2);
  CHECK(*b->get_record("t-gen", 1) == v1);
  CHECK(b->get_record("t-gen", 3).error().exit == ExitCode::kNotFound);
  CHECK(b->generations("t-gen")->size() == 2);
  CHECK((*b->row("t-gen"))["step_count"] == 5);
  // Re-ingesting the old content does not flip the pointer back.
  auto p1 = b->put_record(v1);
  CHECK_FALSE(p1->changed);
  CHECK(p1->generation == 1);
  CHECK(*b->get_record("t-gen") == v2);
  auto st = *b->status();
  CHECK(st["trace_count"] == 1);
  CHECK(st["generation_count"] == 2);
  CHECK(st["object_count"] == 2);
}

TEST_CASE("bucket: data survives reopening; digest is stable and content-defined", "[bucket]") {
  test::TempDir tmp;
  std::string digest;
  {
    auto b = open_at(tmp.path / "bucket");
    REQUIRE(b->put_record(test::make_record("t-a")).ok());
    REQUIRE(b->append_events("t-a", {json{{"event_type", "x"}}}).ok());
    digest = (*b->status())["bucket_digest"];
  }
  auto b = open_at(tmp.path / "bucket");
  CHECK((*b->status())["bucket_digest"] == digest);
  CHECK(b->get_record("t-a").ok());
  // The same writes in another bucket give the same digest (machine-neutral).
  auto other = open_at(tmp.path / "other");
  REQUIRE(other->put_record(test::make_record("t-a")).ok());
  REQUIRE(other->append_events("t-a", {json{{"event_type", "x"}}}).ok());
  CHECK((*other->status())["bucket_digest"] == digest);
  REQUIRE(other->put_record(test::make_record("t-b")).ok());
  CHECK((*other->status())["bucket_digest"] != digest);
}

TEST_CASE("bucket: a 1 MB record round-trips (compressed on disk)", "[bucket]") {
  test::TempDir tmp;
  auto b = open_at(tmp.path / "bucket");
  json rec = test::make_record("t-big", 1);
  std::string blob;
  for (int i = 0; blob.size() < (1 << 20); ++i) blob += "line " + std::to_string(i) + " of a long tool output\n";
  rec["steps"][0]["content"] = blob;
  REQUIRE(b->put_record(rec).ok());
  CHECK(*b->get_record("t-big") == rec);
  CHECK((*b->status())["object_bytes"].get<int64_t>() > (1 << 20));
}

TEST_CASE("bucket: invalid records are refused and change nothing", "[bucket]") {
  test::TempDir tmp;
  auto b = open_at(tmp.path / "bucket");
  auto r = b->put_record(json{{"no", "id"}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().exit == ExitCode::kUsage);
  CHECK((*b->status())["trace_count"] == 0);
  CHECK(b->get_record("nope").error().exit == ExitCode::kNotFound);
}

TEST_CASE("bucket: list filters by indexes, since, and pages with a cursor", "[bucket]") {
  test::TempDir tmp;
  auto b = open_at(tmp.path / "bucket");
  for (int i = 0; i < 7; ++i) {
    json r = test::make_record("trace-" + std::to_string(i), 1, i < 4 ? "claude-code" : "codex");
    if (i == 2) r["patches"][0]["file_path"] = "src/other.py";
    PutOptions po;
    po.written_at = iso_from_ms(1700000000000 + i * 1000);
    REQUIRE(b->put_record(r, po).ok());
  }
  auto all = b->list({});
  REQUIRE(all.ok());
  CHECK(all->total == 7);
  CHECK(all->rows.front()["trace_id"] == "trace-0");
  CHECK(all->next_cursor.empty());

  ListOptions by_agent;
  by_agent.agent = "codex";
  CHECK(b->list(by_agent)->total == 3);
  ListOptions by_file;
  by_file.file = "src/other.py";
  auto f = b->list(by_file);
  REQUIRE(f->rows.size() == 1);
  CHECK(f->rows[0]["trace_id"] == "trace-2");
  ListOptions both;
  both.agent = "codex";
  both.file = "calc.py";
  CHECK(b->list(both)->total == 3);
  ListOptions since;
  since.since_ms = 1700000000000 + 5000;
  CHECK(b->list(since)->total == 2);

  ListOptions paged;
  paged.limit = 3;
  std::vector<std::string> seen;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = b->list(paged);
    REQUIRE(page.ok());
    for (auto& row : page->rows) seen.push_back(row["trace_id"]);
    if (page->next_cursor.empty()) break;
    paged.cursor = page->next_cursor;
  }
  CHECK(seen.size() == 7);
  CHECK(seen[6] == "trace-6");
  ListOptions bad;
  bad.cursor = "!!";
  CHECK(b->list(bad).error().code == "INVALID_CURSOR");
}

TEST_CASE("bucket: a new generation replaces its index entries", "[bucket]") {
  test::TempDir tmp;
  auto b = open_at(tmp.path / "bucket");
  json v1 = test::make_record("t-idx");
  REQUIRE(b->put_record(v1).ok());
  json v2 = v1;
  v2["patches"][0]["file_path"] = "moved.py";
  REQUIRE(b->put_record(v2).ok());
  ListOptions old_file;
  old_file.file = "calc.py";
  CHECK(b->list(old_file)->total == 0);
  ListOptions new_file;
  new_file.file = "moved.py";
  CHECK(b->list(new_file)->total == 1);
}

TEST_CASE("bucket: resolve_prefix finds unique prefixes and lists ambiguous ones", "[bucket]") {
  test::TempDir tmp;
  auto b = open_at(tmp.path / "bucket");
  REQUIRE(b->put_record(test::make_record("abc-111")).ok());
  REQUIRE(b->put_record(test::make_record("abc-222")).ok());
  REQUIRE(b->append_events("def-333", {json{{"event_type", "hook_event"}}}).ok());
  CHECK(*b->resolve_prefix("abc-1") == "abc-111");
  CHECK(*b->resolve_prefix("abc-222") == "abc-222");
  CHECK(*b->resolve_prefix("def") == "def-333");
  auto amb = b->resolve_prefix("abc");
  REQUIRE_FALSE(amb.ok());
  CHECK(amb.error().code == "AMBIGUOUS_TRACE_PREFIX");
  CHECK(amb.error().message.find("abc-111") != std::string::npos);
  CHECK(amb.error().message.find("abc-222") != std::string::npos);
  CHECK(b->resolve_prefix("zzz").error().exit == ExitCode::kNotFound);
}

TEST_CASE("bucket: events get increasing seq per trace, in order", "[bucket]") {
  test::TempDir tmp;
  auto b = open_at(tmp.path / "bucket");
  REQUIRE(b->append_events("t-e", {json{{"event_type", "a"}}, json{{"event_type", "b"}}}).ok());
  REQUIRE(b->append_events("t-e", {json{{"event_type", "c"}}}).ok());
  REQUIRE(b->append_events("t-f", {json{{"event_type", "z"}}}).ok());
  auto ev = b->events("t-e");
  REQUIRE(ev.ok());
  REQUIRE(ev->size() == 3);
  CHECK((*ev)[0]["seq"] == 1);
  CHECK((*ev)[2]["seq"] == 3);
  CHECK((*ev)[2]["event_type"] == "c");
  CHECK((*ev)[0]["trace_id"] == "t-e");
  CHECK(b->events("t-f")->size() == 1);
  CHECK(b->events("nobody")->empty());
  CHECK((*b->status())["event_count"] == 4);
  CHECK_FALSE(b->append_events("t-e", {json::array()}).ok());
  CHECK(b->events("t-e")->size() == 3);
}

TEST_CASE("bucket: records mark activity from their end time", "[bucket]") {
  test::TempDir tmp;
  auto b = open_at(tmp.path / "bucket");
  json r = test::make_record("t-act");
  r["timestamp_end"] = iso_from_ms(now_ms() - 60 * 1000);
  REQUIRE(b->put_record(r).ok());
  REQUIRE(b->put_record(test::make_record("t-old")).ok());  // ended in 2026-11-24
  auto active = b->traces_active_since(now_ms() - 3600 * 1000);
  REQUIRE(active.ok());
  REQUIRE(active->size() == 1);
  CHECK((*active)[0].trace_id == "t-act");
  CHECK((*active)[0].agent == "claude-code");
  CHECK((*active)[0].cwd == "/home/dev/src/calc");
  CHECK(b->traces_active_since(0)->size() == 2);
}

TEST_CASE("bucket: a second open waits for the lock, then fails retryably with exit 3", "[bucket]") {
  test::TempDir tmp;
  auto first = open_at(tmp.path / "bucket");
  OpenOptions quick;
  quick.lock_wait_ms = 150;
  auto t0 = now_ms();
  auto second = Bucket::open(tmp.path / "bucket", quick);
  REQUIRE_FALSE(second.ok());
  CHECK(now_ms() - t0 >= 140);
  CHECK(second.error().code == "BUCKET_LOCKED");
  CHECK(second.error().retryable);
  CHECK(second.error().exit == ExitCode::kResource);
  first.reset();
  CHECK(Bucket::open(tmp.path / "bucket", quick).ok());
}

TEST_CASE("bucket: a database LevelDB cannot open names the repair command", "[bucket]") {
  test::TempDir tmp;
  { auto b = open_at(tmp.path / "bucket"); }
  std::ofstream(tmp.path / "bucket" / "CURRENT", std::ios::trunc) << "MANIFEST-999999\n";
  auto r = Bucket::open(tmp.path / "bucket");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().exit == ExitCode::kResource);
  CHECK(r.error().hint.find("bucket repair") != std::string::npos);
}

TEST_CASE("bucket: a long MANIFEST is replaced by a fresh one on open; data and later reuse are kept", "[bucket]") {
  test::TempDir tmp;
  auto dir = tmp.path / "bucket";
  auto manifest = [&] {
    std::ifstream in(dir / "CURRENT");
    std::string name;
    std::getline(in, name);
    return name;
  };
  REQUIRE(open_at(dir)->put_record(test::make_record("t-m1")).ok());
  std::string first = manifest();
  REQUIRE_FALSE(first.empty());
  // Every flush and compaction appends a version edit to the reused MANIFEST: grow it
  // past 64 KiB (what a long ingest does), reopening now and then.
  int rounds = 0;
  while (std::filesystem::file_size(dir / first) <= 64 * 1024 && rounds < 5000) {
    auto b = open_at(dir);
    for (int i = 0; i < 5; ++i, ++rounds) {
      // Long keys: each edit names its files' first and last keys, so few flushes suffice;
      // the same two keys every time, so compactions merge them into one live file.
      for (const char* k : {"zz/a", "zz/b"})
        REQUIRE(b->debug_put_raw(k + std::string(2000, 'k'), std::to_string(rounds)).ok());
      b->db_for_reading()->CompactRange(nullptr, nullptr);
    }
    REQUIRE(manifest() == first);  // reused while short
  }
  INFO(rounds << " flushes");
  auto long_size = std::filesystem::file_size(dir / first);
  REQUIRE(long_size > 64 * 1024);
  {
    auto b = open_at(dir);  // this open writes a fresh one
    CHECK(b->get_record("t-m1").ok());
    CHECK(b->put_record(test::make_record("t-m2")).ok());
  }
  std::string fresh = manifest();
  CHECK(fresh != first);
  CHECK_FALSE(std::filesystem::exists(dir / first));  // the old one is gone
  CHECK(std::filesystem::file_size(dir / fresh) < long_size);  // a snapshot of the live files only
  INFO("fresh " << std::filesystem::file_size(dir / fresh) << " bytes");
  auto b = open_at(dir);
  CHECK(manifest() == fresh);  // and reused again
  auto st = b->status();
  REQUIRE(st.ok());
  CHECK((*st)["trace_count"] == 2);
}

TEST_CASE("bucket: a long write-ahead log is moved to a table on open, not replayed by every open", "[bucket]") {
  test::TempDir tmp;
  auto dir = tmp.path / "bucket";
  auto log_bytes = [&] {
    uint64_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.path().extension() == ".log") n += e.file_size();
    return n;
  };
  int traces = 0;
  {
    auto b = open_at(dir);
    while (log_bytes() <= 300 * 1024 && traces < 5000)
      REQUIRE(b->put_record(test::make_record("t-log-" + std::to_string(traces++), 40)).ok());
  }
  INFO(log_bytes() << " bytes of log, " << traces << " traces");
  REQUIRE(log_bytes() > 256 * 1024);  // below LevelDB's 4 MiB write buffer: still in the log
  {
    auto b = open_at(dir);  // moves it to a table
    CHECK(b->get_record("t-log-0").ok());
  }
  CHECK(log_bytes() < 64 * 1024);
  auto b = open_at(dir);
  auto st = b->status();
  REQUIRE(st.ok());
  CHECK((*st)["trace_count"] == traces);
  CHECK(b->get_record("t-log-" + std::to_string(traces - 1)).ok());
}
