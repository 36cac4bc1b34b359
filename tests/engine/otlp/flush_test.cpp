// Flush: the calc session's snapshot into a real bucket holding the same session's
// record (both recorded from one real Claude Code run), then the otel view beside it.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "engine/bucket/bucket.h"
#include "engine/otlp/flush.h"
#include "engine/otlp/snapshot.h"
#include "engine/parse/session.h"
#include "engine/schema/record.h"
#include "tests/engine/bucket/test_support.h"
#include "tests/engine/otlp/test_support.h"

using ot::json;
namespace fs = std::filesystem;
namespace otlp = ot::otlp;

namespace {

struct Home {
  ot::bucket::test::TempDir tmp;
  std::string old;
  Home() {
    if (const char* h = std::getenv("OPENTRACES_HOME")) old = h;
    setenv("OPENTRACES_HOME", (tmp.path / "ot").c_str(), 1);
  }
  ~Home() {
    if (old.empty()) unsetenv("OPENTRACES_HOME");
    else setenv("OPENTRACES_HOME", old.c_str(), 1);
  }
};

void write_snapshot() {
  otlp::SnapshotStore store;
  for (const auto& b : otlp::test::calc_bodies()) {
    if (b.logs) store.ingest(*otlp::decode_logs(b.text));
    else store.ingest(*otlp::decode_metrics(b.text));
  }
  REQUIRE(store.write_dirty().ok());
}

json calc_record() {
  auto r = ot::parse::parse_session_file(otlp::test::calc_dir() / "session.jsonl");
  REQUIRE(r.ok());
  return ot::schema::to_json(*r);
}

}  // namespace

TEST_CASE("otlp flush: requests become otel layers and nodes; the view matches them to steps", "[otlp]") {
  Home home;
  write_snapshot();
  auto b = ot::bucket::Bucket::open(home.tmp.path / "bucket");
  REQUIRE(b.ok());
  json rec = calc_record();
  REQUIRE(rec["trace_id"] == otlp::test::kSession);
  REQUIRE((*b)->put_record(rec).ok());

  auto r = otlp::flush(**b, {otlp::test::kSession, ""});
  REQUIRE(r.ok());
  CHECK((*r)["trace_id"] == otlp::test::kSession);
  CHECK((*r)["trace_stored"] == true);
  CHECK((*r)["nodes_appended"] == 8);
  CHECK((*r)["layers_appended"].get<int>() >= 9);  // one runtime layer (shared) + 8 messages layers

  auto evs = (*b)->events(otlp::test::kSession);
  REQUIRE(evs.ok());
  int nodes = 0;
  for (const auto& e : *evs) {
    if (e.value("type", "") == "context_layer_captured") {
      CHECK(e["layer"]["capture_method"] == "otel");
      CHECK(otlp::otel_layer_id(e["layer"]) == e["layer_id"]);
    }
    if (e.value("type", "") == "context_node_observed") ++nodes;
  }
  CHECK(nodes == 8);

  // Again: nothing new.
  auto again = otlp::flush(**b, {otlp::test::kSession, ""});
  REQUIRE(again.ok());
  CHECK((*again)["nodes_appended"] == 0);
  CHECK((*again)["layers_appended"] == 0);
  CHECK((*again)["requests_already_flushed"] == 8);

  auto v = otlp::otel_view(**b, otlp::test::kSession.substr(0, 8));
  REQUIRE(v.ok());
  CHECK((*v)["request_count"] == 8);
  CHECK((*v)["matched_count"] == 8);
  CHECK((*v)["agreeing_count"] == 8);
  CHECK((*v)["transcript_agent_steps"] == 8);
  CHECK((*v)["totals"]["otel"] == (*v)["totals"]["transcript"]);
  CHECK((*v)["limitations"].empty());
  int last = -1;
  for (const auto& q : (*v)["requests"]) {
    REQUIRE(q["step_index"].is_number());
    int si = q["step_index"].get<int>();
    CHECK(si > last);  // in step order, one step each
    last = si;
    CHECK(rec["steps"][si]["role"] == "agent");
    CHECK(q["otel"]["prompt"] == q["transcript"]["prompt"]);
  }
  // The first request asked for Write; its answer's tool is listed with it.
  REQUIRE((*v)["requests"][0]["tools"].size() == 1);
  CHECK((*v)["requests"][0]["tools"][0]["tool_name"] == "Write");

  // USD figures at six decimals (engine/util/usd.h): the raw 0.0034600000000000004 and
  // the sum of eight such prices print short.
  CHECK((*v)["requests"][0]["cost_usd"].dump() == "0.00346");
  CHECK((*v)["totals"]["otel_cost_usd"].dump() == "0.026985");
  json sum = otlp::otel_summary(**b, otlp::test::kSession);
  CHECK(sum["requests"] == 8);
  CHECK(sum["cost_usd"].dump() == "0.026985");
  CHECK(sum["prompt_tokens"] == 1027 + 22700 + 320);
  json step = otlp::otel_for_step(**b, otlp::test::kSession, (*v)["requests"][0]["step_index"].get<int>());
  CHECK(step["request_id"] == "req_scripted_0002");
}

TEST_CASE("otlp flush: no snapshot, unknown trace, and a trace not stored yet", "[otlp]") {
  Home home;
  auto b = ot::bucket::Bucket::open(home.tmp.path / "bucket");
  REQUIRE(b.ok());
  auto none = otlp::flush(**b, {"no-such-session", ""});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == "SNAPSHOT_NOT_FOUND");
  CHECK(none.error().exit == ot::ExitCode::kNoSnapshot);

  write_snapshot();
  auto missing = otlp::flush(**b, {otlp::test::kSession, "feedface"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "TRACE_NOT_FOUND");

  // Before the session is captured: the evidence waits under the session's trace id.
  auto early = otlp::flush(**b, {otlp::test::kSession, ""});
  REQUIRE(early.ok());
  CHECK((*early)["trace_stored"] == false);
  CHECK((*early)["nodes_appended"] == 8);
  REQUIRE((*b)->put_record(calc_record()).ok());
  auto v = otlp::otel_view(**b, otlp::test::kSession);
  REQUIRE(v.ok());
  CHECK((*v)["matched_count"] == 8);
}
