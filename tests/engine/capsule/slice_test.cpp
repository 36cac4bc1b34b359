#include "engine/capsule/slice.h"

#include <catch2/catch.hpp>

#include "engine/parse/session.h"
#include "engine/schema/record.h"

using namespace ot;

namespace {
json fixture_record() {
  auto r = parse::parse_session_file(std::filesystem::path(OT_FIXTURES_DIR) / "sessions" / "claude-code" / "cc-bugfix.jsonl");
  REQUIRE(r.ok());
  return schema::to_json(*r);
}
}  // namespace

TEST_CASE("slice_record: a span renumbered from 0, a valid record of its own", "[capsule]") {
  json rec = fixture_record();
  int n = static_cast<int>(rec["steps"].size());
  REQUIRE(n > 6);
  json s = capsule::slice_record(rec, 2, 5);
  REQUIRE(s["steps"].size() == 4);
  for (int i = 0; i < 4; ++i) {
    CHECK(s["steps"][i]["step_index"] == i);
    CHECK(s["steps"][i]["source_step_index"] == i + 2);
    CHECK(s["steps"][i]["content"] == rec["steps"][i + 2]["content"]);
  }
  for (const auto& p : s["patches"]) CHECK(p["step_index"].get<int>() < 4);
  auto back = schema::record_from_json(s);
  REQUIRE(back.ok());
  CHECK(schema::validate(*back).ok());
}

TEST_CASE("slice_record: patches outside the span are dropped, parents re-based", "[capsule]") {
  json rec = {{"steps", json::array()}, {"patches", json::array()}};
  for (int i = 0; i < 5; ++i) rec["steps"].push_back({{"step_index", i}, {"role", "agent"}, {"parent_step", i > 0 ? json(i - 1) : json()}});
  rec["patches"] = {{{"patch_id", "a"}, {"step_index", 1}}, {{"patch_id", "b"}, {"step_index", 3}}};
  json s = capsule::slice_record(rec, 2, 4);
  REQUIRE(s["patches"].size() == 1);
  CHECK(s["patches"][0]["patch_id"] == "b");
  CHECK(s["patches"][0]["step_index"] == 1);
  CHECK(s["steps"][0]["parent_step"].is_null());  // its parent (1) is outside
  CHECK(s["steps"][1]["parent_step"] == 0);
  // The whole trace is the identity apart from the added source indexes.
  json all = capsule::slice_record(rec, 0, 4);
  CHECK(all["steps"].size() == 5);
  CHECK(all["patches"].size() == 2);
}
