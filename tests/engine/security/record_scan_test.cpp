// scan_record keeps the TraceRecord schema: the scanned record parses back (the
// dataset runner and every reader do parse it), flags_reviewed is a count.
#include "engine/security/record_scan.h"

#include <catch2/catch.hpp>

#include "engine/parse/session.h"
#include "engine/schema/record.h"
#include "test_support.h"

using namespace ot;
using namespace ot::security;

namespace {

json fixture(const std::string& rel) {
  auto r = parse::parse_session_file(test::fixtures() / rel);
  REQUIRE(r.ok());
  return schema::to_json(*r);
}

}  // namespace

TEST_CASE("scanned records still parse as TraceRecords", "[security]") {
  test::TempHome home;
  for (const char* f : {"sessions/claude-code/cc-calc.jsonl", "sessions/codex/codex-bugfix.jsonl", "security/cc-seeded.jsonl"}) {
    INFO(f);
    auto scan = scan_record(fixture(f), test::recommended(), false, {.path_key = test::key32()});
    REQUIRE(scan.ok());
    auto back = schema::record_from_json(scan->record);
    INFO((back.ok() ? std::string() : back.error().message));
    REQUIRE(back.ok());
    CHECK(back->security.scanned);
    CHECK(back->security.flags_reviewed == 0);
  }
}

TEST_CASE("accepting open findings counts them in flags_reviewed", "[security]") {
  test::TempHome home;
  json rec = fixture("security/cc-seeded.jsonl");
  Policy high = test::recommended(Tier::high);  // the classifier's verdict holds a trace back at tier high
  auto open = scan_record(rec, high, false, {.path_key = test::key32()});
  REQUIRE(open.ok());
  const int n = open->result.open_findings();
  REQUIRE(n > 0);
  auto accepted = scan_record(rec, high, true, {.path_key = test::key32()});
  REQUIRE(accepted.ok());
  CHECK(accepted->result.open_findings() == 0);
  CHECK(accepted->record["security"]["flags_reviewed"] == n);
  auto back = schema::record_from_json(accepted->record);
  REQUIRE(back.ok());
  CHECK(back->security.flags_reviewed == n);
}
