// build_report places a trace in the window by when its session started (the record's
// timestamp_start), not by when the bucket wrote it; records with no start time fall back
// to the write time and are counted apart.
#include <catch2/catch.hpp>

#include "engine/bucket/bucket.h"
#include "engine/report/report.h"
#include "engine/util/time.h"
#include "tests/engine/bucket/test_support.h"

using namespace ot;

TEST_CASE("report: traces count by session start, falling back to the write time", "[report]") {
  bucket::test::TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  const int64_t now = *ms_from_iso("2026-11-25T12:00:00Z");
  const std::string written_now = "2026-11-25T11:00:00Z";
  // Ingested today, but the session ran three weeks ago: outside a 7-day window.
  json old = bucket::test::make_record("old-session");
  old["timestamp_start"] = "2026-11-02T09:00:00Z";
  old["timestamp_end"] = "2026-11-02T09:30:00Z";
  // Started inside the window.
  json recent = bucket::test::make_record("recent-session");
  recent["timestamp_start"] = "2026-11-24T15:00:00Z";
  // No start time at all: placed by its write time.
  json undated = bucket::test::make_record("undated-session");
  undated.erase("timestamp_start");
  undated.erase("timestamp_end");
  // Started in the window, written long before it (a clock skew, or an import keeping
  // its exported write time): still counted.
  json imported = bucket::test::make_record("imported-session");
  imported["timestamp_start"] = "2026-11-23T08:00:00Z";
  for (const json* r : {&old, &recent, &undated}) REQUIRE((*b)->put_record(*r, {"", written_now}).ok());
  REQUIRE((*b)->put_record(imported, {"", "2026-10-01T00:00:00Z"}).ok());

  report::ReportOptions o;
  o.now_ms = now;
  o.since_ms = now - 7LL * 24 * 3600 * 1000;
  auto r = report::build_report(**b, nullptr, o);
  REQUIRE(r.ok());
  CHECK((*r)["tokens"]["total"]["traces"] == 3);
  CHECK((*r)["window"]["traces_counted_by"]["session_start"] == 2);
  CHECK((*r)["window"]["traces_counted_by"]["written_at"] == 1);
  bool said = false;
  for (const auto& l : (*r)["limitations"]) said |= l.get<std::string>().find("1 trace(s) without a session start") == 0;
  CHECK(said);

  // A window that ends before the recent session started leaves it out.
  o.now_ms = *ms_from_iso("2026-11-24T00:00:00Z");
  o.since_ms = o.now_ms - 7LL * 24 * 3600 * 1000;
  auto earlier = report::build_report(**b, nullptr, o);
  REQUIRE(earlier.ok());
  CHECK((*earlier)["tokens"]["total"]["traces"] == 1);  // imported-session only
  CHECK((*earlier)["window"]["traces_counted_by"]["written_at"] == 0);
}
