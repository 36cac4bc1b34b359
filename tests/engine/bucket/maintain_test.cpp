#include <catch2/catch.hpp>

#include "engine/bucket/bucket.h"
#include "engine/bucket/codec.h"
#include "engine/bucket/keys.h"
#include "engine/util/hash.h"
#include "test_support.h"

using namespace ot;
using namespace ot::bucket;

namespace {

std::unique_ptr<Bucket> filled(const std::filesystem::path& dir, int n = 5) {
  auto b = Bucket::open(dir);
  REQUIRE(b.ok());
  for (int i = 0; i < n; ++i) {
    REQUIRE((*b)->put_record(test::make_record("tr-" + std::to_string(i), 1 + i)).ok());
    REQUIRE((*b)->append_events("tr-" + std::to_string(i), {json{{"event_type", "hook_event"}}}).ok());
  }
  REQUIRE((*b)->put_record(test::make_record("tr-0", 9)).ok());  // a second generation
  return std::move(b).value();
}

VerifyOptions full() {
  VerifyOptions o;
  o.full = true;
  return o;
}

}  // namespace

TEST_CASE("verify: a healthy bucket passes, sampled and full", "[bucket][verify]") {
  test::TempDir tmp;
  auto b = filled(tmp.path / "bucket");
  auto sample = b->verify({});
  REQUIRE(sample.ok());
  CHECK(sample->ok);
  CHECK(sample->traces_checked == 5);
  auto all = b->verify(full());
  REQUIRE(all.ok());
  INFO(json(all->errors).dump());
  CHECK(all->ok);
  CHECK(all->objects_checked == 6);
}

TEST_CASE("verify: a damaged object is named by its trace; repair drops it and restores the rest", "[bucket][verify]") {
  test::TempDir tmp;
  auto b = filled(tmp.path / "bucket");
  json row = *b->row("tr-3");
  std::string hex = row["record_hash"].get<std::string>().substr(7);
  std::string bad = canonical_json(test::make_record("tr-3", 4));
  bad[bad.size() / 2] ^= 1;
  REQUIRE(b->debug_put_raw(keys::object(hex), encode_value(bad)).ok());

  auto v = b->verify({});
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok);
  REQUIRE_FALSE(v->errors.empty());
  CHECK(v->errors[0]["trace_id"] == "tr-3");
  CHECK(v->errors[0]["code"] == "OBJECT_CORRUPT");
  CHECK(b->get_record("tr-3").error().code == "OBJECT_CORRUPT");

  auto rep = b->rebuild();
  REQUIRE(rep.ok());
  CHECK(rep->objects_dropped == 1);
  CHECK(rep->traces_lost == 1);
  CHECK(rep->lost_traces == std::vector<std::string>{"tr-3"});
  CHECK(rep->traces_rebuilt == 4);
  auto after = b->verify(full());
  INFO(json(after->errors).dump());
  CHECK(after->ok);
  CHECK(b->get_record("tr-3").error().exit == ExitCode::kNotFound);
  CHECK(b->events("tr-3")->size() == 1);  // the evidence stream is kept
  // Capturing the session again brings it back.
  REQUIRE(b->put_record(test::make_record("tr-3", 4)).ok());
  CHECK(b->verify(full())->ok);
}

TEST_CASE("verify: lost index entries and stale counters are found; repair rebuilds them", "[bucket][verify]") {
  test::TempDir tmp;
  auto b = filled(tmp.path / "bucket");
  std::string digest = (*b->status())["bucket_digest"];
  // Drop an index entry and skew the counters behind LevelDB's back.
  REQUIRE(b->debug_put_raw(keys::index("agent", "codex", "tr-1"), encode_value("")).ok());
  json m = json::parse(*decode_value(std::string("\0", 1) + canonical_json(json::object()), "m"));
  auto v = b->verify(full());
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok);
  bool dangling = false;
  for (const auto& e : v->errors) dangling |= e["code"] == "INDEX_DANGLING";
  CHECK(dangling);
  REQUIRE(b->debug_put_raw(keys::kManifest, encode_value(R"({"trace_count":99})")).ok());
  CHECK_FALSE(b->verify(full())->ok);

  auto rep = b->rebuild();
  REQUIRE(rep.ok());
  CHECK(rep->traces_lost == 0);
  CHECK(rep->traces_rebuilt == 5);
  auto after = b->verify(full());
  INFO(json(after->errors).dump());
  CHECK(after->ok);
  auto st = *b->status();
  CHECK(st["trace_count"] == 5);
  CHECK(st["generation_count"] == 6);
  CHECK(st["event_count"] == 5);
  CHECK(st["bucket_digest"] == digest);
  ListOptions codex;
  codex.agent = "codex";
  CHECK(b->list(codex)->total == 0);
  CHECK(*b->get_record("tr-0", 1) == test::make_record("tr-0", 1));
}

TEST_CASE("repair: a bucket LevelDB cannot open is salvaged", "[bucket][verify]") {
  test::TempDir tmp;
  std::string digest;
  {
    auto b = filled(tmp.path / "bucket");
    digest = (*b->status())["bucket_digest"];
  }
  std::filesystem::remove(tmp.path / "bucket" / "CURRENT");
  for (auto& e : std::filesystem::directory_iterator(tmp.path / "bucket"))
    if (e.path().filename().string().rfind("MANIFEST-", 0) == 0) std::filesystem::remove(e.path());
  REQUIRE_FALSE(Bucket::open(tmp.path / "bucket").ok());
  auto rep = repair_bucket(tmp.path / "bucket");
  REQUIRE(rep.ok());
  CHECK(rep->storage_repaired);
  auto b = Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  CHECK((*(*b)->status())["bucket_digest"] == digest);
  CHECK((*b)->verify(full())->ok);
}

TEST_CASE("prune: finds objects no generation refers to; removes them only when applied", "[bucket][verify]") {
  test::TempDir tmp;
  auto b = filled(tmp.path / "bucket", 2);
  std::string digest = (*b->status())["bucket_digest"];
  auto none = b->prune(false, tmp.path / "spool");
  REQUIRE(none.ok());
  CHECK(none->objects.empty());
  std::string stray = canonical_json(json{{"stray", true}});
  std::string hex = sha256_hex(stray);
  REQUIRE(b->debug_put_raw(keys::object(hex), encode_value(stray)).ok());
  REQUIRE(b->debug_put_raw(keys::spool_done("gone.json"), encode_value("1")).ok());
  auto dry = b->prune(false, tmp.path / "spool");
  REQUIRE(dry.ok());
  CHECK(dry->objects == std::vector<std::string>{"sha256:" + hex});
  CHECK(dry->stale_markers == 1);
  CHECK(b->prune(false, tmp.path / "spool")->objects.size() == 1);  // dry run removed nothing
  auto applied = b->prune(true, tmp.path / "spool");
  REQUIRE(applied.ok());
  CHECK(b->prune(false, tmp.path / "spool")->objects.empty());
  CHECK(b->prune(false, tmp.path / "spool")->stale_markers == 0);
  CHECK((*b->status())["bucket_digest"] == digest);
  CHECK(b->verify(full())->ok);
}
