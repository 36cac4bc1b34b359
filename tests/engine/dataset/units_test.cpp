#include "engine/dataset/units.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "engine/dataset/builtin.h"
#include "engine/discovery/bursts.h"
#include "engine/discovery/map.h"
#include "engine/parse/session.h"
#include "engine/schema/record.h"

using namespace ot;
using namespace ot::dataset;

namespace {

json step(int i, const std::string& role, const std::string& content = "", json calls = json::array()) {
  return json{{"step_index", i}, {"role", role}, {"content", content.empty() ? json() : json(content)},
              {"tool_calls", calls}, {"observations", json::array()}};
}

}  // namespace

namespace {

json fixture_record(const std::string& rel) {
  auto r = parse::parse_session_file(std::filesystem::path(OT_FIXTURES_DIR) / "sessions" / rel);
  REQUIRE(r.ok());
  return schema::to_json(*r);
}

}  // namespace

TEST_CASE("bursts units are discovery's compute_bursts, unit for unit, on the real fixtures") {
  int total = 0;
  for (const char* f : {"claude-code/cc-calc.jsonl", "claude-code/cc-bugfix.jsonl", "claude-code/cc-waste.jsonl",
                        "codex/codex-calc.jsonl", "codex/codex-bugfix.jsonl", "pi/pi-calc.jsonl"}) {
    INFO(f);
    json record = fixture_record(f);
    auto rec = schema::record_from_json(record);
    REQUIRE(rec.ok());
    discovery::BurstContext ctx;
    auto want = discovery::compute_bursts(*rec, discovery::build_map(*rec), ctx, {});
    auto units = change_bursts(record, ctx);
    REQUIRE(units.ok());
    REQUIRE(units->size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const json& u = (*units)[i];
      const json w = want[i].to_json();
      CHECK(u["unit_id"] == "tu:" + rec->trace_id + ":burst:" + std::to_string(i));
      CHECK(u["kind"] == "change_burst");
      CHECK(u["step_range"] == w["step_range"]);
      CHECK(u["intent_text"] == w["intent_text"]);
      CHECK(u["intent_user_step"] == w["intent_user_step"]);
      CHECK(u["burst_commit_sha"] == w["burst_commit_sha"]);
      json ids = json::array();
      for (const auto& p : w["patches"]) ids.push_back(p["patch_id"]);
      CHECK(u["patch_ids"] == ids);
    }
    total += static_cast<int>(want.size());
  }
  CHECK(total >= 5);
}

TEST_CASE("a record with no patches has no bursts; a record that does not parse is an error") {
  json record = fixture_record("claude-code/cc-calc.jsonl");
  record["patches"] = json::array();
  for (auto& s : record["steps"]) s["tool_calls"] = json::array();
  auto b = change_bursts(record);
  REQUIRE(b.ok());
  CHECK(b->empty());
  auto bad = change_bursts(json{{"trace_id", "t"}});  // no schema_version, no agent
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "RECORD_INVALID");
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
  json record = fixture_record("claude-code/cc-calc.jsonl");
  const std::string tid = record["trace_id"];
  auto units = change_bursts(record);
  REQUIRE(units.ok());
  REQUIRE_FALSE(units->empty());
  json cand{{"trace_id", tid}, {"units", *units}};
  auto rows = builtin_rows("bursts-sft-v1", json::object(), cand, record);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == units->size());
  std::map<std::string, json> by_id;
  for (const auto& p : record["patches"]) by_id[p["patch_id"]] = p;
  for (const auto& r : *rows) {
    int a = r["step_range"][0], b = r["step_range"][1];
    CHECK(r["source_ref"] == tid + ":" + std::to_string(a) + "-" + std::to_string(b));
    REQUIRE_FALSE(r["patches"].empty());
    std::string rendered;
    for (const auto& p : r["patches"]) {
      REQUIRE(by_id.count(p["patch_id"]));
      const json& src = by_id[p["patch_id"]];
      CHECK(p["step_index"] == src["step_index"]);
      CHECK(p["step_index"].get<int>() >= a);
      CHECK(p["step_index"].get<int>() <= b);
      CHECK(p["new_text"] == src["authored_text"]);
      if (!rendered.empty()) rendered += "\n";
      rendered += "*** " + p["operation"].get<std::string>() + " " + p["file_path"].get<std::string>() + "\n" +
                  p["new_text"].get<std::string>();
    }
    CHECK(r["messages"][0]["role"] == "user");
    CHECK(r["messages"][1]["content"] == rendered);
  }
  CHECK_FALSE(has_builtin("nope"));
  CHECK_FALSE(builtin_rows("nope", json::object(), cand, record).ok());
}
