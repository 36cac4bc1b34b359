#include "engine/capsule/import.h"

#include <catch2/catch.hpp>

#include "engine/capsule/mini_bucket.h"
#include "tests/engine/bucket/test_support.h"
#include "engine/util/fs.h"

using namespace ot;

namespace {

json capsule_record(const std::string& cid) {
  json r = bucket::test::make_record("11111111-2222-3333-4444-555555555555", 3);
  r["metadata"]["capsule"] = {{"capsule_id", cid}};
  return r;
}

capsule::Capsule write_capsule(const std::filesystem::path& dir, const std::string& cid) {
  json rec = capsule_record(cid);
  auto digest = capsule::write_mini_bucket(rec, {json{{"event_type", "trail_note"}, {"n", 1}}}, "calc", "2026-11-24T15:20:00Z",
                                           dir / "mini-bucket");
  REQUIRE(digest.ok());
  capsule::Capsule c;
  c.dir = dir;
  c.doc = {{"schema_version", capsule::kSchema},
           {"capsule_id", cid},
           {"trace", {{"trace_id", rec["trace_id"]}}},
           {"slice", {{"record", rec}}},
           {"trail_anchors", json::array({json::object()})},
           {"mini_bucket_digest", *digest}};
  return c;
}

}  // namespace

TEST_CASE("capsule import: through the mini-bucket, idempotent", "[capsule]") {
  bucket::test::TempDir tmp;
  auto c = write_capsule(tmp.path / "cap", "cap_aaaaaaaaaaaaaaaa");
  // The same slice written twice gives the same bytes (same digest).
  auto again = capsule::write_mini_bucket(capsule_record("cap_aaaaaaaaaaaaaaaa"), {json{{"event_type", "trail_note"}, {"n", 1}}},
                                          "calc", "2026-11-24T15:20:00Z", tmp.path / "mb2");
  REQUIRE(again.ok());
  CHECK(*again == c.doc["mini_bucket_digest"].get<std::string>());

  auto b = bucket::Bucket::open(tmp.path / "db");
  REQUIRE(b.ok());
  auto r1 = capsule::import_capsule(**b, c);
  REQUIRE(r1.ok());
  CHECK(r1->status == "imported");
  CHECK(r1->via == "mini_bucket");
  CHECK(r1->trail_anchor_count == 1);
  CHECK(r1->events_added == 1);
  auto status1 = (*b)->status();
  REQUIRE(status1.ok());
  auto r2 = capsule::import_capsule(**b, c);
  REQUIRE(r2.ok());
  CHECK(r2->status == "unchanged");
  auto status2 = (*b)->status();
  CHECK(status1->dump() == status2->dump());
  auto got = (*b)->get_record("11111111-2222-3333-4444-555555555555");
  REQUIRE(got.ok());
  CHECK((*got)["steps"].size() == 3);
  auto ev = (*b)->events("11111111-2222-3333-4444-555555555555");
  REQUIRE(ev.ok());
  CHECK(ev->size() == 1);
}

TEST_CASE("capsule import: a trace captured here is not replaced; a tampered mini-bucket is refused", "[capsule]") {
  bucket::test::TempDir tmp;
  auto c = write_capsule(tmp.path / "cap", "cap_bbbbbbbbbbbbbbbb");
  {
    auto b = bucket::Bucket::open(tmp.path / "own");
    REQUIRE(b.ok());
    REQUIRE((*b)->put_record(bucket::test::make_record("11111111-2222-3333-4444-555555555555", 5)).ok());
    auto r = capsule::import_capsule(**b, c);
    REQUIRE(r.ok());
    CHECK(r->status == "conflict");
    CHECK(r->conflicts[0]["code"] == "local_trace_exists");
    CHECK((*(*b)->get_record("11111111-2222-3333-4444-555555555555"))["steps"].size() == 5);
  }
  c.doc["mini_bucket_digest"] = "sha256:0000";
  auto b = bucket::Bucket::open(tmp.path / "fresh");
  REQUIRE(b.ok());
  auto r = capsule::import_capsule(**b, c);
  REQUIRE(!r.ok());
  CHECK(r.error().code == "CAPSULE_DIGEST_MISMATCH");
  CHECK((*b)->get_record("11111111-2222-3333-4444-555555555555").error().code == "TRACE_NOT_FOUND");
  // Without a mini-bucket the embedded record is stored.
  c.dir.clear();
  auto r3 = capsule::import_capsule(**b, c);
  REQUIRE(r3.ok());
  CHECK(r3->via == "record");
  CHECK(r3->status == "imported");
}
