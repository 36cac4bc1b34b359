#include "engine/security/gate.h"

#include <catch2/catch.hpp>

#include "engine/security/record_scan.h"
#include "test_support.h"

using namespace ot;
using namespace ot::security;

namespace {
json record() {
  return {{"trace_id", "t1"},
          {"agent", {{"name", "claude-code"}}},
          {"steps", json::array({{{"step_index", 0}, {"content", "use key AKIAABCDEFGHIJKLMNOP and CONFIDENTIAL data"}}})},
          {"metadata", {{"cwd", "/home/dev/src"}}}};
}
}  // namespace

TEST_CASE("gate: unscanned, stale, policy off, tools missing, open findings, cleared", "[security][gate]") {
  Policy p = test::recommended();
  SanitizeOptions o{.scope = "", .path_key = test::key32()};

  Clearance c = clear_for_egress(record(), p);
  CHECK_FALSE(c.cleared);
  CHECK(c.reason == "unscanned");
  CHECK(c.exit() == ExitCode::kWithheld);
  CHECK(to_int(c.exit()) == 9);

  auto scan = scan_record(record(), p, false, o);
  REQUIRE(scan.ok());
  CHECK(scan->syncable);
  CHECK(clear_for_egress(scan->record, p).cleared);
  CHECK(scan->record["metadata"]["security"]["security_version"] == std::string(kBuiltinVersion));
  CHECK(scan->record["security"]["scanned"] == true);
  CHECK(scan->record.dump().find("AKIAABCDEFGHIJKLMNOP") == std::string::npos);
  CHECK(scan->record["trace_id"] == "t1");

  Policy bumped = p;
  bumped.version = std::string(kBuiltinVersion) + "+1";
  c = clear_for_egress(scan->record, bumped);
  CHECK(c.reason == "stale_version");
  CHECK(c.exit() == ExitCode::kWithheld);

  Policy off;
  off.version = p.version;
  c = clear_for_egress(scan->record, off);
  CHECK(c.reason == "policy_off");

  Policy fewer = p;
  fewer.enabled = {"regex"};
  auto basic = scan_record(record(), fewer, false, o);
  REQUIRE(basic.ok());
  c = clear_for_egress(basic->record, p);
  CHECK(c.reason == "tools_missing");
  CHECK(c.missing_tools.size() == 4);

  Policy high = test::recommended(Tier::high);
  json r = record();
  for (int i = 0; i < 5; ++i)
    r["steps"].push_back({{"content", "internal only: customer data, salary, mail x" + std::to_string(i) + "@acme-corp.io, AKIAQQQQQQQQQQQQQQQ" + std::to_string(i)}});
  auto judged = scan_record(r, high, false, o);
  REQUIRE(judged.ok());
  c = clear_for_egress(judged->record, high);
  CHECK(c.reason == "open_findings");
  CHECK_FALSE(judged->syncable);
  auto accepted = scan_record(r, high, true, o);
  REQUIRE(accepted.ok());
  CHECK(clear_for_egress(accepted->record, high).cleared);

  Error e = withheld_error(c, "t1");
  CHECK(e.code == "NOT_CLEARED_FOR_EGRESS");
  CHECK(e.exit == ExitCode::kWithheld);
  CHECK(e.message.find("open_findings") != std::string::npos);
}

TEST_CASE("gate: judges pointer rows the same way", "[security][gate]") {
  Policy p = test::recommended();
  json row = {{"trace_id", "t"}, {"record_hash", "sha256:x"}, {"generation", 1}, {"scanned", false}};
  CHECK(clear_for_egress(row, p).reason == "unscanned");
  row["scanned"] = true;
  CHECK(clear_for_egress(row, p).reason == "stale_version");  // scanned without a version
  row["security_version"] = p.version;
  row["privacy_tier"] = "medium";
  row["tools_applied"] = p.effective_tools();
  row["open_findings"] = 0;
  CHECK(clear_for_egress(row, p).cleared);
  row["privacy_tier"] = "off";
  CHECK(clear_for_egress(row, p).reason == "tier_off");
  CHECK(clear_for_egress(json::object(), p).reason == "unscanned");
  CHECK(clear_for_egress(json("garbage"), p).reason == "unscanned");
}

TEST_CASE("scan_record: refuses an off policy and a non-record", "[security][gate]") {
  Policy off;
  auto r = scan_record(record(), off);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "SECURITY_POLICY_OFF");
  auto n = scan_record(json::array(), test::recommended());
  REQUIRE_FALSE(n.ok());
  CHECK(n.error().code == "NOT_A_RECORD");
}
