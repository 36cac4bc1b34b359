// Expected values from reading pi-calc.jsonl: message entries by role, usage and
// cost per assistant message, toolCall blocks.
#include <catch2/catch.hpp>

#include <sstream>

#include "engine/parse/session.h"
#include "tests/engine/parse/fixture_util.h"

using namespace ot;
using ot::test::fixture;

TEST_CASE("pi-calc: header, model change, tool calls, reported cost", "[parse][pi]") {
  auto r = parse::parse_session_file(fixture("pi/pi-calc.jsonl"));
  REQUIRE(r.ok());
  CHECK(r->trace_id == "01a20e1f-e76d-70c2-81bc-dd8bde57bed9");
  CHECK(r->agent.name == "pi");
  CHECK(r->agent.model == "claude-scripted-1");
  CHECK(r->metadata["cwd"] == "/home/dev/src/calc");
  CHECK(r->steps.size() == 10);  // 2 user + 8 assistant messages
  CHECK(test::count_role(*r, "user") == 2);
  CHECK(test::count_calls(*r) == 6);
  CHECK(test::count_errors(*r) == 0);
  CHECK(r->steps[1].reasoning_content == "One file, two functions.");
  CHECK(r->steps[1].content == "Writing calc.py.");
  CHECK(r->metrics.total_input_tokens == 1027);
  CHECK(r->metrics.total_output_tokens == 340);
  CHECK(r->metrics.total_cache_read_tokens == 22700);
  CHECK(r->metrics.total_cache_creation_tokens == 320);
  REQUIRE(r->metrics.estimated_cost_usd);
  CHECK(*r->metrics.estimated_cost_usd == Approx(0.016191));
  CHECK(r->metadata["pi"]["thinking_levels"] == json::array({"medium"}));
  CHECK(r->metadata["pi"]["abandoned_entry_count"] == 0);
  REQUIRE(r->patches.size() == 3);
  CHECK(r->patches[0].operation == "create");
  CHECK(r->patches[2].authored_text == "def mul(a, b, c=1):\n    result = a * b * c");
  CHECK(r->steps[6].content == "No, mul must also handle a third optional argument c=1. Fix and commit.");
}

TEST_CASE("pi: the active branch is the trajectory, abandoned entries are counted", "[parse][pi]") {
  std::stringstream in(
      R"({"type":"session","version":3,"id":"p1","timestamp":"2026-01-01T00:00:00Z","cwd":"/r"})" "\n"
      R"({"type":"message","id":"a","parentId":null,"timestamp":"2026-01-01T00:00:01Z","message":{"role":"user","content":"first"}})" "\n"
      R"({"type":"message","id":"b","parentId":"a","timestamp":"2026-01-01T00:00:02Z","message":{"role":"assistant","content":[{"type":"text","text":"abandoned answer"}]}})" "\n"
      R"({"type":"message","id":"c","parentId":"a","timestamp":"2026-01-01T00:00:03Z","message":{"role":"assistant","content":[{"type":"toolCall","id":"t1","name":"edit","arguments":{"path":"/r/x.py","edits":[{"oldText":"a","newText":"b"},{"oldText":"c","newText":"d"}]}}]}})" "\n"
      R"({"type":"message","id":"d","parentId":"c","timestamp":"2026-01-01T00:00:04Z","message":{"role":"toolResult","toolCallId":"t1","toolName":"edit","content":[{"type":"text","text":"no match"}],"isError":true}})" "\n");
  auto r = parse::parse_pi(in, "");
  REQUIRE(r.ok());
  REQUIRE(r->steps.size() == 2);
  CHECK(r->steps[1].tool_calls.size() == 1);
  CHECK(r->metadata["pi"]["abandoned_entry_count"] == 1);
  CHECK(r->metadata["pi"]["abandoned_branch_roots"] == json::array({"b"}));
  CHECK(test::count_errors(*r) == 1);
  REQUIRE(r->patches.size() == 2);  // one per edit
  CHECK(r->patches[1].old_text == "c");
  CHECK_FALSE(r->metrics.estimated_cost_usd);  // no usage, no model price: unknown, not zero
}
