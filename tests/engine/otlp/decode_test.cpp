// OTLP JSON decoding on the bodies the real Claude Code exporter sent.
#include <catch2/catch.hpp>

#include <map>

#include "engine/otlp/decode.h"
#include "engine/otlp/receiver.h"
#include "tests/engine/otlp/test_support.h"

using ot::json;
namespace otlp = ot::otlp;

TEST_CASE("otlp decode: Claude Code log events", "[otlp]") {
  std::map<std::string, int> names;
  std::vector<otlp::LogEvent> requests;
  for (const auto& b : otlp::test::calc_bodies()) {
    if (!b.logs) continue;
    auto ev = otlp::decode_logs(b.text);
    REQUIRE(ev.ok());
    for (const auto& e : *ev) {
      ++names[e.name];
      CHECK(e.session_id == otlp::test::kSession);
      CHECK(e.resource.value("service.name", "") == "claude-code");
      CHECK(e.time_ms > 1700000000000);
      if (e.name == "api_request") requests.push_back(e);
    }
  }
  CHECK(names["user_prompt"] == 2);
  CHECK(names["api_request"] == 8);
  CHECK(names["tool_result"] == 6);
  CHECK(names["tool_decision"] == 6);
  CHECK(names["assistant_response"] == 3);
  REQUIRE(requests.size() == 8);
  const json& a = requests[0].attributes;
  CHECK(a["request_id"] == "req_scripted_0002");
  CHECK(a["model"] == "claude-opus-4-8");
  CHECK(a["input_tokens"] == 122);  // intValue, a number here
  CHECK(a["output_tokens"] == 60);
  CHECK(a["cache_read_tokens"] == 2200);
  CHECK(a["cache_creation_tokens"] == 40);
  CHECK(a["cost_usd"].get<double>() == Approx(0.00346));
  CHECK(a["event.sequence"] == 1);
  CHECK(requests[0].scope == "com.anthropic.claude_code.events");
}

TEST_CASE("otlp decode: Claude Code metric points", "[otlp]") {
  std::map<std::string, double> tokens;
  int points = 0;
  for (const auto& b : otlp::test::calc_bodies()) {
    if (b.logs) continue;
    auto pts = otlp::decode_metrics(b.text);
    REQUIRE(pts.ok());
    for (const auto& p : *pts) {
      ++points;
      CHECK(p.session_id == otlp::test::kSession);
      CHECK(p.kind == "sum");
      CHECK(p.temporality == 1);  // delta: each export carries what happened since the last
      if (p.name == "claude_code.token.usage") tokens[p.attributes.value("type", "")] += p.value;
    }
  }
  CHECK(points > 20);
  // The same totals as the eight api_request events of the logs.
  CHECK(tokens["input"] == 1027);
  CHECK(tokens["output"] == 340);
  CHECK(tokens["cacheRead"] == 22700);
  CHECK(tokens["cacheCreation"] == 320);
}

TEST_CASE("otlp decode: AnyValue shapes of the JSON mapping", "[otlp]") {
  CHECK(otlp::any_value({{"intValue", "1795642523242000000"}}) == 1795642523242000000LL);
  CHECK(otlp::any_value({{"intValue", 7}}) == 7);
  CHECK(otlp::any_value({{"doubleValue", 0.5}}) == 0.5);
  CHECK(otlp::any_value({{"boolValue", true}}) == true);
  CHECK(otlp::any_value({{"stringValue", "x"}}) == "x");
  CHECK(otlp::any_value(json::object()).is_null());
  json arr = {{"arrayValue", {{"values", {{{"stringValue", "a"}}, {{"intValue", "2"}}}}}}};
  CHECK(otlp::any_value(arr) == json::array({"a", 2}));
  json kv = {{"kvlistValue", {{"values", {{{"key", "k"}, {"value", {{"boolValue", false}}}}}}}}};
  CHECK(otlp::any_value(kv) == json{{"k", false}});
}

TEST_CASE("otlp decode: bad bodies and empty exports", "[otlp]") {
  auto bad = otlp::decode_logs("\x0a\x12protobuf bytes");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "BAD_OTLP_BODY");
  CHECK_FALSE(otlp::decode_metrics("[1,2]").ok());
  auto empty = otlp::decode_logs("{}");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  // A record without event.name: the body names it.
  auto ev = otlp::decode_logs(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"timeUnixNano":"1000000000000","body":{"stringValue":"claude_code.api_error"},
       "attributes":[{"key":"session.id","value":{"stringValue":"s1"}}]}]}]}]})");
  REQUIRE(ev.ok());
  REQUIRE(ev->size() == 1);
  CHECK((*ev)[0].name == "api_error");
  CHECK((*ev)[0].session_id == "s1");
  CHECK((*ev)[0].time_ms == 1000000);
}

TEST_CASE("otlp receiver: encodings and loopback-only bind", "[otlp]") {
  using E = otlp::BodyEncoding;
  CHECK(otlp::encoding_of("application/json") == E::kJson);
  CHECK(otlp::encoding_of("Application/JSON; charset=utf-8") == E::kJson);
  CHECK(otlp::encoding_of("") == E::kJson);
  CHECK(otlp::encoding_of("application/x-protobuf") == E::kProtobuf);
  CHECK(otlp::encoding_of("text/plain") == E::kOther);
  CHECK(otlp::check_bind("127.0.0.1").ok());
  CHECK(otlp::check_bind("localhost").ok());
  for (const char* b : {"0.0.0.0", "::", "192.168.1.4", "::1", ""}) {
    auto s = otlp::check_bind(b);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == "BIND_NOT_LOOPBACK");
    CHECK(s.error().exit == ot::ExitCode::kUsage);
  }
}
