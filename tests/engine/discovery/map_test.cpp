#include "engine/discovery/map.h"

#include <catch2/catch.hpp>
#include <set>

#include "engine/discovery/slice.h"
#include "fixtures.h"

using namespace ot;
using namespace ot::discovery;

namespace {
int count_type(const TraceMap& m, const std::string& type) {
  int n = 0;
  for (const auto& x : m.nodes) n += x.action_type == type;
  return n;
}
}  // namespace

TEST_CASE("map: the bugfix session as typed actions", "[discovery][map]") {
  const auto& r = test::fixture("sessions/claude-code/cc-bugfix.jsonl");
  TraceMap m = build_map(r);
  CHECK(count_type(m, "user_instruction") == 2);
  CHECK(m.root_node_ids.size() == 2);
  CHECK(count_type(m, "test_run") == 3);        // python3 test_stats.py, three times
  CHECK(count_type(m, "error_signal") == 1);    // the first run failed
  CHECK(count_type(m, "skill_invocation") == 1);
  CHECK(count_type(m, "git_anchor") == 2);      // two `git commit`s
  CHECK(count_type(m, "patch_created") == static_cast<int>(r.patches.size()));
  CHECK(count_type(m, "file_edit") == 6);
  CHECK(count_type(m, "final_response") == 1);
  CHECK(m.nodes.back().action_type == "final_response");

  const MapNode* err = nullptr;
  for (const auto& n : m.nodes)
    if (n.action_type == "error_signal") err = &n;
  REQUIRE(err);
  CHECK(err->step_index == 3);
  CHECK(err->node_id == "tmn:" + r.trace_id + ":step:3:1");
  // The git_anchor of the first commit carries the short sha from the commit output.
  for (const auto& n : m.nodes)
    if (n.action_type == "git_anchor") {
      CHECK(n.anchor_refs.size() == 1);
      break;
    }
  // Every consecutive pair is chained.
  for (size_t i = 1; i < m.nodes.size(); ++i) CHECK(m.nodes[i].previous_node_id == m.nodes[i - 1].node_id);
  CHECK(m.first_of_step(3)->action_type == "test_run");
  CHECK(m.first_of_step(999) == nullptr);
}

TEST_CASE("map: overview facets, sections, landmarks and the handoff", "[discovery][map]") {
  const auto& r = test::fixture("sessions/claude-code/cc-bugfix.jsonl");
  TraceMap m = build_map(r);
  ordered_json ov = map_overview(r, m, 0, static_cast<int>(r.steps.size()) - 1);
  CHECK(ov["scope"]["node_count"] == m.nodes.size());
  CHECK(ov["section_total"] == 2);
  CHECK(ov["sections"][1]["step"] == 8);
  CHECK(ov["facets"]["type"]["user_instruction"] == 2);
  CHECK(ov["facets"]["file"]["stats.py"].get<int>() >= 3);
  // Type facet: by count, descending.
  int prev = 1 << 30;
  for (auto it = ov["facets"]["type"].begin(); it != ov["facets"]["type"].end(); ++it) {
    CHECK(it.value().get<int>() <= prev);
    prev = it.value().get<int>();
  }
  CHECK(ov["landmark_total"] == 6);  // 1 error, 2 commits, 1 final answer, 2 instructions
  CHECK(ov["landmarks"][0]["type"] == "user_instruction");
  CHECK(ov["handoff"]["command"] == "git opentraces trace slice " + r.trace_id + " --from-step 0 --to-step 15");
  ordered_json part = map_overview(r, m, 8, 15);
  CHECK(part["section_total"] == 1);
}

TEST_CASE("map: around a node and walks", "[discovery][map]") {
  const auto& r = test::fixture("sessions/claude-code/cc-bugfix.jsonl");
  TraceMap m = build_map(r);
  std::string err = "tmn:" + r.trace_id + ":step:3:1";
  auto around = map_around(m, err, 1);
  REQUIRE(around.ok());
  std::set<std::string> ids;
  for (const MapNode* n : *around) ids.insert(n->node_id);
  CHECK(ids.count(err));
  CHECK(ids.count("tmn:" + r.trace_id + ":step:3:0"));  // the test run it observes
  CHECK(ids.count(m.root_node_ids[0]));                // and its instruction
  auto fwd = map_walk(m, m.root_node_ids[0], true, {"test_run"}, 40);
  REQUIRE(fwd.ok());
  CHECK(fwd->back()->action_type == "test_run");
  CHECK(fwd->front()->node_id == m.root_node_ids[0]);
  auto back = map_walk(m, err, false, {}, 3);
  REQUIRE(back.ok());
  CHECK(back->size() == 3);
  CHECK(back->back()->node_id == err);
  auto missing = map_around(m, "tmn:nope", 1);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().exit == ExitCode::kNotFound);
}

TEST_CASE("slice: nodes and patch refs of a window, stable ids", "[discovery][slice]") {
  const auto& r = test::fixture("sessions/claude-code/cc-bugfix.jsonl");
  TraceMap m = build_map(r);
  json s = make_slice(r, m, "manual_step_range", 1, 4);
  CHECK(s["start_step_index"] == 1);
  CHECK(s["end_step_index"] == 4);
  CHECK(s["patch_count"] == 3);  // Write, Write, Edit
  CHECK(s["trace_patch_refs"][0]["ref"].get<std::string>().rfind("ot://trace/" + r.trace_id + "/patches/sha256:", 0) == 0);
  for (const auto& n : s["map"]["nodes"]) {
    CHECK(n["step_index"].get<int>() >= 1);
    CHECK(n["step_index"].get<int>() <= 4);
  }
  CHECK(s["slice_id"].get<std::string>().size() == 3 + 16);
  CHECK(make_slice(r, m, "manual_step_range", 1, 4)["slice_id"] == s["slice_id"]);
  CHECK(make_slice(r, m, "around_step", 1, 4)["slice_id"] != s["slice_id"]);
  CHECK(is_test_command("python3 -m pytest -q"));
  CHECK(is_test_command("cd build && ctest -j2"));
  CHECK(is_test_command("npm test"));
  CHECK_FALSE(is_test_command("git commit -m 'add tests'"));
}
