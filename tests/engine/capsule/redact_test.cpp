#include "engine/capsule/redact.h"

#include <catch2/catch.hpp>

#include "engine/parse/session.h"
#include "engine/schema/record.h"
#include "tests/engine/security/test_support.h"

using namespace ot;

TEST_CASE("field_path_of: array indexes folded", "[capsule]") {
  CHECK(capsule::field_path_of("/steps/3/tool_calls/0/input/command") == "steps[].tool_calls[].input.command");
  CHECK(capsule::field_path_of("/title") == "title");
  CHECK(capsule::field_path_of("") == "");
}

TEST_CASE("scrub_home: whole path components, keys too", "[capsule]") {
  json j = {{"a", "/home/al/src and /home/alice/x"}, {"/home/al/k", 1}, {"n", 3}};
  int n = capsule::scrub_home(j, "/home/al");
  CHECK(j["a"] == "~/src and /home/alice/x");
  CHECK(j.contains("~/k"));
  CHECK(n == 2);
}

TEST_CASE("redact: the floor runs with the machine policy off; prompts excluded", "[capsule]") {
  security::test::TempHome home;  // no config: every tool off
  auto parsed = parse::parse_session_file(std::filesystem::path(OT_FIXTURES_DIR) / "sessions" / "claude-code" / "cc-bugfix.jsonl");
  REQUIRE(parsed.ok());
  json rec = schema::to_json(*parsed);
  const std::string secret = "AKIA" + std::string("QWERTYUIOPASDFGH");
  const std::string gh = "ghp_" + std::string("Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbAz");
  rec["steps"][1]["content"] = "use key " + secret + " please, token " + gh;
  rec["steps"][2]["reasoning_content"] = "thinking about " + home.path.string() + "/private/plan.txt";
  rec["system_prompts"] = {{"h1", "You are a helpful agent"}};
  std::vector<json> events = {{{"event_type", "trail_note"}, {"text", "saw " + secret}}};

  auto policy = capsule::floor_policy();
  REQUIRE(policy.ok());
  capsule::RedactOptions o;
  o.scope = "t1";
  o.home = home.path.string();
  auto r = capsule::redact(rec, events, *policy, o);
  REQUIRE(r.ok());
  std::string all = r->record.dump() + json(r->events).dump() + r->report.dump();
  CHECK(all.find(secret) == std::string::npos);
  CHECK(all.find(gh) == std::string::npos);
  CHECK(all.find("You are a helpful agent") == std::string::npos);
  CHECK(r->record["steps"][2]["reasoning_content"] == "");
  CHECK(r->report["floor_satisfied"] == true);
  CHECK(r->report["redactions_applied"].get<int>() >= 3);
  CHECK(r->report["by_field_path"].value("steps[].content", 0) >= 2);
  CHECK(r->report["by_field_path"].value("trail_events[].text", 0) == 1);
  CHECK(r->report["fields_excluded"].get<int>() >= 2);
  CHECK(r->report["include_prompts"] == false);

  o.include_prompts = true;
  auto k = capsule::redact(rec, events, *policy, o);
  REQUIRE(k.ok());
  CHECK(k->record["system_prompts"]["h1"] == "You are a helpful agent");
  CHECK(k->record["steps"][2]["reasoning_content"].get<std::string>().find("~/private/plan.txt") != std::string::npos);
  CHECK(k->record.dump().find(secret) == std::string::npos);
}
