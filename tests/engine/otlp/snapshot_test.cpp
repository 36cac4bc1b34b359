// Per-session snapshots from the real Claude Code export bodies: merged, idempotent under
// exporter retries, continued across receiver restarts, prompt text only when sent.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "engine/otlp/snapshot.h"
#include "engine/util/fs.h"
#include "tests/engine/bucket/test_support.h"
#include "tests/engine/otlp/test_support.h"

using ot::json;
namespace fs = std::filesystem;
namespace otlp = ot::otlp;

namespace {

void feed(otlp::SnapshotStore& store, size_t from = 0, size_t to = 1000) {
  auto bodies = otlp::test::calc_bodies();
  for (size_t i = from; i < bodies.size() && i < to; ++i) {
    if (bodies[i].logs) store.ingest(*otlp::decode_logs(bodies[i].text));
    else store.ingest(*otlp::decode_metrics(bodies[i].text));
  }
}

json read(const fs::path& dir) {
  return json::parse(*ot::read_file(dir / (otlp::test::kSession + ".json")));
}

}  // namespace

TEST_CASE("otlp snapshot: the calc session's requests, tools, prompts and metrics", "[otlp]") {
  ot::bucket::test::TempDir tmp;
  otlp::SnapshotStore store(tmp.path);
  feed(store);
  auto w = store.write_dirty();
  REQUIRE(w.ok());
  CHECK(*w == 1);
  json s = read(tmp.path);
  CHECK(s["schema_version"] == "opentraces.otel_snapshot.v1");
  CHECK(s["session_id"] == otlp::test::kSession);
  CHECK(s["service"]["service.version"] == "2.1.197");
  REQUIRE(s["requests"].size() == 8);
  const json& r0 = s["requests"][0];
  CHECK(r0["request_id"] == "req_scripted_0002");
  CHECK(r0["prompt_tokens"] == 122 + 2200 + 40);
  CHECK(r0["output_tokens"] == 60);
  CHECK(r0["duration_ms"] == 265);
  for (size_t i = 1; i < s["requests"].size(); ++i) CHECK(s["requests"][i - 1]["time"] <= s["requests"][i]["time"]);
  CHECK(s["request_totals"]["input_tokens"] == 1027);
  CHECK(s["request_totals"]["cache_read_tokens"] == 22700);
  // Claude Code sent 0.0034600000000000004: USD figures are kept at six decimals, and the
  // total is the rounded sum, not 0.026985000000000003.
  CHECK(r0["cost_usd"].dump() == "0.00346");
  CHECK(s["request_totals"]["cost_usd"].dump() == "0.026985");
  // Metrics agree with the per-request events.
  CHECK(s["metrics"]["tokens.input"] == 1027);
  CHECK(s["metrics"]["tokens.cacheRead"] == 22700);
  CHECK(s["metrics"]["commits"] == 2);
  CHECK(s["metrics"]["sessions.fresh"] == 1);
  CHECK(s["metrics"]["sessions.resume"] == 1);
  // Tools: decision and result merged per tool_use_id; string numbers became numbers.
  REQUIRE(s["tools"].size() == 6);
  for (const auto& t : s["tools"]) {
    CHECK(t["success"] == true);
    CHECK(t["decision"] == "accept");
    CHECK(t["duration_ms"].is_number());
  }
  // The run had OTEL_LOG_USER_PROMPTS=1: the prompts are there; response text never is.
  REQUIRE(s["prompts"].size() == 2);
  CHECK(s["prompts"][1]["text"] == "Actually, add a docstring to add and commit again.");
  REQUIRE(s["responses"].size() == 3);
  CHECK_FALSE(s["responses"][0].contains("text"));
  CHECK_FALSE(s["responses"][0].contains("response"));
}

TEST_CASE("otlp snapshot: retries change nothing; a restarted receiver continues the file", "[otlp]") {
  ot::bucket::test::TempDir tmp;
  json once;
  {
    otlp::SnapshotStore store(tmp.path);
    feed(store);
    REQUIRE(store.write_dirty().ok());
    once = read(tmp.path);
    feed(store);  // every export sent again (the exporter retried)
    REQUIRE(store.write_dirty().ok());
    json twice = read(tmp.path);
    CHECK(twice["requests"] == once["requests"]);
    CHECK(twice["metrics"] == once["metrics"]);
    CHECK(twice["tools"] == once["tools"]);
    CHECK(twice["counts"]["duplicates"].get<int>() > 0);
  }
  // First half to one receiver, second half to a new one reading the same directory.
  ot::bucket::test::TempDir tmp2;
  {
    otlp::SnapshotStore a(tmp2.path);
    feed(a, 0, 6);
    REQUIRE(a.write_dirty().ok());
  }
  otlp::SnapshotStore b(tmp2.path);
  feed(b, 4);  // overlaps the first receiver's last two bodies
  REQUIRE(b.write_dirty().ok());
  json joined = read(tmp2.path);
  CHECK(joined["requests"] == once["requests"]);
  CHECK(joined["metrics"] == once["metrics"]);
  CHECK(joined["prompts"] == once["prompts"]);
}

TEST_CASE("otlp snapshot: redacted prompts, odd session ids, events without a session", "[otlp]") {
  ot::bucket::test::TempDir tmp;
  otlp::SnapshotStore store(tmp.path);
  auto ev = otlp::decode_logs(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"timeUnixNano":"1795642523242000000","attributes":[
        {"key":"session.id","value":{"stringValue":"../../etc/passwd"}},
        {"key":"event.name","value":{"stringValue":"user_prompt"}},
        {"key":"prompt.id","value":{"stringValue":"p1"}},
        {"key":"prompt_length","value":{"stringValue":"12"}},
        {"key":"prompt","value":{"stringValue":"<REDACTED>"}}]},
      {"timeUnixNano":"1795642523242000000","attributes":[
        {"key":"event.name","value":{"stringValue":"api_request"}}]}]}]}]})");
  REQUIRE(ev.ok());
  CHECK(store.ingest(*ev) == 1);
  CHECK(store.unattributed() == 1);
  REQUIRE(store.write_dirty().ok());
  std::string stem = otlp::session_file_stem("../../etc/passwd");
  CHECK(stem.rfind("session-", 0) == 0);
  CHECK(stem.find('/') == std::string::npos);
  json s = json::parse(*ot::read_file(tmp.path / (stem + ".json")));
  CHECK(s["session_id"] == "../../etc/passwd");
  REQUIRE(s["prompts"].size() == 1);
  CHECK(s["prompts"][0]["length"] == 12);
  CHECK(s["prompts"][0]["text"].is_null());
  CHECK(otlp::session_file_stem(otlp::test::kSession) == otlp::test::kSession);
}
