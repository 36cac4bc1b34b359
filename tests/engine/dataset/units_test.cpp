#include "engine/dataset/units.h"

#include <catch2/catch.hpp>

#include "engine/dataset/builtin.h"

using namespace ot;
using namespace ot::dataset;

namespace {

json step(int i, const std::string& role, const std::string& content = "", json calls = json::array()) {
  return json{{"step_index", i}, {"role", role}, {"content", content.empty() ? json() : json(content)},
              {"tool_calls", calls}, {"observations", json::array()}};
}

json patch(const std::string& id, int step_index, const std::string& file, const std::string& sha = "") {
  json p{{"patch_id", id}, {"step_index", step_index}, {"hunk_index", 0}, {"file_path", file},
         {"operation", "edit"}, {"authored_text", "new " + id}, {"old_text", "old " + id}};
  if (!sha.empty()) p["anchor"] = json{{"found", true}, {"commit_sha", sha}, {"evidence_tier", "exact_range_hash"}};
  return p;
}

}  // namespace

TEST_CASE("trigger detection: acknowledgements and go-aheads, not instructions") {
  CHECK(is_trigger("ok"));
  CHECK(is_trigger("Yes, do that"));
  CHECK(is_trigger("  go ahead  "));
  CHECK(is_trigger("let's commit this now"));
  CHECK(is_trigger("[Image #1] ok"));
  CHECK_FALSE(is_trigger(""));
  CHECK_FALSE(is_trigger("okapi habitats are shrinking"));  // "ok" must be a whole word
  CHECK_FALSE(is_trigger("Add a mul function to calc.py that multiplies two numbers"));
  CHECK_FALSE(is_trigger("ok " + std::string(40, 'x')));  // acknowledgement with a long remainder
  CHECK_FALSE(is_trigger(std::string(130, 'a')));
}

TEST_CASE("change bursts split on step gaps over 35 and take the latest substantive intent") {
  json steps = json::array();
  steps.push_back(step(0, "user", "Write calc.py with add and mul"));
  for (int i = 1; i < 60; ++i) steps.push_back(step(i, "agent", "working"));
  steps[45] = step(45, "user", "Now add a README explaining usage");
  steps[46] = step(46, "user", "ok go ahead");
  json record{{"trace_id", "t1"},
              {"steps", steps},
              {"patches", json::array({patch("p1", 2, "calc.py", "aaa111"), patch("p2", 5, "calc.py", "aaa111"),
                                       patch("p3", 6, "test.py", "bbb222"), patch("p4", 50, "README.md")})}};
  json b = change_bursts(record);
  REQUIRE(b.size() == 2);
  CHECK(b[0]["unit_id"] == "tu:t1:burst:0");
  CHECK(b[0]["step_range"] == json::array({2, 6}));
  CHECK(b[0]["patch_ids"] == json::array({"p1", "p2", "p3"}));
  CHECK(b[0]["burst_commit_sha"] == "aaa111");  // most common anchored commit
  CHECK(b[0]["intent_text"] == "Write calc.py with add and mul");
  CHECK(b[0]["intent_user_step"] == 0);
  CHECK(b[1]["step_range"] == json::array({50, 50}));
  CHECK(b[1]["intent_text"] == "Now add a README explaining usage");  // the trigger after it is skipped
  CHECK(b[1]["trigger_text"] == "ok go ahead");
  CHECK(b[1]["burst_commit_sha"].is_null());
}

TEST_CASE("a trace with no patches has no bursts; a lone trigger becomes the intent") {
  CHECK(change_bursts(json{{"trace_id", "t"}, {"steps", json::array()}, {"patches", json::array()}}).empty());
  json record{{"trace_id", "t"},
              {"steps", json::array({step(0, "user", "yes"), step(1, "agent", "x")})},
              {"patches", json::array({patch("p", 1, "a.txt")})}};
  json b = change_bursts(record);
  REQUIRE(b.size() == 1);
  CHECK(b[0]["intent_text"] == "yes");
}

TEST_CASE("skill episodes run from the Skill call to the step before the next user message") {
  json skill_call = json::array({json{{"tool_name", "Skill"}, {"input", {{"skill", "tdd"}, {"args", "calc"}}}}});
  json record{{"trace_id", "t2"},
              {"steps", json::array({step(0, "user", "use tdd"), step(1, "agent", "", skill_call), step(2, "agent", "x"),
                                     step(3, "user", "thanks"), step(4, "agent", "", skill_call)})}};
  json e = skill_episodes(record);
  REQUIRE(e.size() == 2);
  CHECK(e[0]["skill"] == "tdd");
  CHECK(e[0]["args"] == "calc");
  CHECK(e[0]["step_range"] == json::array({1, 2}));
  CHECK(e[0]["trigger_text"] == "use tdd");
  CHECK(e[1]["step_range"] == json::array({4, 4}));
  CHECK(e[1]["trigger_text"] == "thanks");
}

TEST_CASE("built-in bursts-sft-v1 rows cite their patches and render the SFT pair") {
  json record{{"trace_id", "t1"},
              {"agent", {{"name", "codex"}, {"model", "gpt"}}},
              {"steps", json::array({step(0, "user", "fix it"), step(1, "agent", "x")})},
              {"patches", json::array({patch("p1", 1, "a.py", "abc1234")})}};
  json cand{{"trace_id", "t1"}, {"units", change_bursts(record)}};
  auto rows = builtin_rows("bursts-sft-v1", json::object(), cand, record);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  const json& r = (*rows)[0];
  CHECK(r["source_ref"] == "t1:1-1");
  CHECK(r["patches"][0]["commit_sha"] == "abc1234");
  CHECK(r["messages"][0]["content"] == "fix it");
  CHECK(r["messages"][1]["content"] == "*** edit a.py\nnew p1");
  CHECK_FALSE(has_builtin("nope"));
  CHECK_FALSE(builtin_rows("nope", json::object(), cand, record).ok());
}
