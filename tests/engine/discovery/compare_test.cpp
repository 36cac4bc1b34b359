#include "engine/discovery/compare.h"

#include <catch2/catch.hpp>

#include "fixtures.h"

using namespace ot;
using namespace ot::discovery;

TEST_CASE("compare: metrics, bursts and signal deltas (B - A)", "[discovery][compare]") {
  const auto& a = test::signals();
  const auto& b = test::clean();
  json d = compare_traces(a, b, {}, {}, {});
  CHECK(d["trace_a"] == a.trace_id);
  CHECK(d["trace_b"] == b.trace_id);
  CHECK(d["burst_gap"] == 35);
  CHECK(d["quality_included"] == false);
  const json& m = d["delta"]["metrics"];
  CHECK(m["total_steps"] == json{{"a", 63}, {"b", 4}, {"delta", -59}});
  CHECK(m["patches"]["delta"] == -3);
  CHECK(m["tool_errors"]["a"] == 2);
  CHECK(d["delta"]["bursts"]["count"] == json{{"a", 2}, {"b", 1}, {"delta", -1}});
  const json& s = d["delta"]["signals"];
  CHECK(s["resteer"]["delta"] == -1);
  CHECK(s["failure"]["a"] == 2);
  CHECK(s["large_output_count"]["delta"] == -1);
  CHECK(s["repeated_search_count"]["b"] == 0);
  json same = compare_traces(a, a, {}, {}, {});
  CHECK(same["delta"]["metrics"]["total_steps"]["delta"] == 0);
}
