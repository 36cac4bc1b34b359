#include <catch2/catch.hpp>

#include "engine/parse/session.h"
#include "engine/schema/pricing.h"
#include "engine/schema/record.h"
#include "tests/engine/parse/fixture_util.h"

using namespace ot;
using namespace ot::schema;
using ot::test::fixture;

namespace {
const char* kFixtures[] = {"claude-code/cc-calc.jsonl", "claude-code/cc-bugfix.jsonl",
                           "claude-code/cc-subagent.jsonl", "claude-code/cc-waste.jsonl",
                           "codex/codex-calc.jsonl", "codex/codex-bugfix.jsonl", "pi/pi-calc.jsonl"};
}

TEST_CASE("parse → JSON → load → JSON is byte-identical for every fixture", "[schema][record]") {
  for (const char* f : kFixtures) {
    INFO(f);
    auto r = parse::parse_session_file(fixture(f));
    REQUIRE(r.ok());
    std::string first = canonical_json(to_json(*r));
    auto loaded = record_from_json(json::parse(first));
    REQUIRE(loaded.ok());
    CHECK(canonical_json(to_json(*loaded)) == first);
    CHECK(pretty_json(to_json(*loaded)) == pretty_json(to_json(*r)));
    CHECK(validate(*loaded).ok());
    // content_hash: recomputable, and the same on a second parse
    CHECK(compute_content_hash(*loaded) == r->content_hash);
    CHECK(parse::parse_session_file(fixture(f))->content_hash == r->content_hash);
    CHECK(r->content_hash.size() == 64);
  }
}

TEST_CASE("content_hash ignores trace_id and intent, sees everything else", "[schema][record]") {
  auto r = parse::parse_session_file(fixture("pi/pi-calc.jsonl")).value();
  json j = to_json(r);
  std::string h = compute_content_hash(j);
  json k = j;
  k["trace_id"] = "other";
  k["intent"] = "anything";
  k["content_hash"] = "x";
  CHECK(compute_content_hash(k) == h);
  k["steps"][0]["content"] = "changed";
  CHECK(compute_content_hash(k) != h);
}

TEST_CASE("unknown fields survive a round trip at every level", "[schema][record]") {
  json j = to_json(parse::parse_session_file(fixture("claude-code/cc-subagent.jsonl")).value());
  j["x_future_top"] = {{"a", 1}};
  j["steps"][1]["x_step"] = true;
  j["steps"][1]["tool_calls"][0]["x_call"] = "v";
  j["steps"][1]["observations"][0]["x_obs"] = 2;
  j["agent"]["x_agent"] = "v";
  j["metrics"]["x_metric"] = 3;
  j["patches"][0]["x_patch"] = nullptr;
  auto r = record_from_json(j);
  REQUIRE(r.ok());
  CHECK(canonical_json(to_json(*r)) == canonical_json(j));
}

TEST_CASE("record_from_json and validate name the failing path", "[schema][record]") {
  json good = to_json(parse::parse_session_file(fixture("codex/codex-calc.jsonl")).value());
  auto message_of = [](const json& j) {
    auto r = record_from_json(j);
    if (!r.ok()) return r.error().message;
    auto st = validate(*r);
    return st.ok() ? std::string() : st.error().message;
  };
  json j = good;
  j["steps"][2]["tool_calls"][0]["tool_name"] = 5;
  CHECK(message_of(j).find("record.steps[2].tool_calls[0].tool_name: expected a string") != std::string::npos);
  j = good;
  j["steps"][1]["role"] = "robot";
  CHECK(message_of(j).find("record.steps[1].role") != std::string::npos);
  j = good;
  j["patches"][0]["step_index"] = 999;
  CHECK(message_of(j).find("record.patches[0].step_index") != std::string::npos);
  j = good;
  j.erase("agent");
  CHECK(message_of(j).find("record.agent") != std::string::npos);
  j = good;
  j["metrics"]["total_steps"] = "ten";
  CHECK(message_of(j).find("record.metrics.total_steps") != std::string::npos);
  j = good;
  j["steps"][0]["step_index"] = 4;
  CHECK(message_of(j).find("record.steps[0].step_index") != std::string::npos);
  j = good;
  j["timestamp_start"] = "yesterday";
  CHECK(message_of(j).find("record.timestamp_start") != std::string::npos);
  CHECK(record_from_json(json::array()).error().exit == ExitCode::kUsage);
  CHECK(message_of(good).empty());
}

TEST_CASE("metrics: cache hit rate, duration, cost table, unknown model is null", "[schema][record]") {
  TraceRecord r;
  r.trace_id = "t";
  r.agent.name = "claude-code";
  r.timestamp_start = "2026-01-01T00:00:00Z";
  r.timestamp_end = "2026-01-01T00:01:30.500Z";
  Step s;
  s.role = "agent";
  s.model = "claude-sonnet-4-5";
  s.token_usage = TokenUsage{1000, 500, 3000, 0, 0, json::object()};
  r.steps.push_back(s);
  finalize(r);
  CHECK(r.metrics.total_duration_s == Approx(90.5));
  CHECK(*r.metrics.cache_hit_rate == Approx(0.75));
  // 1000*3 + 500*15 + 3000*0.3 per million
  CHECK(*r.metrics.estimated_cost_usd == Approx((3000.0 + 7500.0 + 900.0) / 1e6));
  r.steps[0].model = "some-local-model";
  finalize(r);
  CHECK_FALSE(r.metrics.estimated_cost_usd);
  CHECK_FALSE(price_for("mystery"));
  CHECK(price_for("gpt-5.1-codex")->input == Approx(1.25));
}
