#include "engine/discovery/run_intel.h"

#include <catch2/catch.hpp>

#include "fixtures.h"

using namespace ot;
using namespace ot::discovery;

namespace {
std::map<std::string, int> counts(const std::vector<Signal>& v) {
  std::map<std::string, int> c;
  for (const auto& s : v) c[s.kind]++;
  return c;
}
const Signal* first(const std::vector<Signal>& v, const std::string& kind) {
  for (const auto& s : v)
    if (s.kind == kind) return &s;
  return nullptr;
}
}  // namespace

TEST_CASE("run-intel: the crafted session produces every signal at its step", "[discovery][run_intel]") {
  auto sig = run_intel(test::signals());
  auto c = counts(sig);
  CHECK(c["resteer"] == 1);
  CHECK(c["failure"] == 2);
  CHECK(c["recovery"] == 1);
  CHECK(c["loop"] == 1);

  const Signal* resteer = first(sig, "resteer");
  REQUIRE(resteer);
  CHECK(resteer->step_index == 8);
  CHECK(resteer->matched_text == "Actually");
  CHECK(resteer->severity == "medium");
  CHECK(resteer->node_id == "tu:c0ffee00-0000-4000-8000-000000000001:step:8");

  const Signal* failure = first(sig, "failure");
  REQUIRE(failure);
  CHECK(failure->step_index == 3);
  CHECK(failure->severity == "high");  // a structured error field

  const Signal* recovery = first(sig, "recovery");
  REQUIRE(recovery);
  CHECK(recovery->step_index == 6);
  CHECK(recovery->confidence == Approx(0.85));  // "1 passed": strong evidence

  const Signal* loop = first(sig, "loop");
  REQUIRE(loop);
  CHECK(loop->step_index == 6);  // anchored at the third run of the same command
  CHECK(loop->evidence["repeat_count"] == 4);
  CHECK(loop->evidence["first_step"] == 3);
  CHECK(loop->evidence["last_step"] == 60);

  // Sorted by (step, kind).
  for (size_t i = 1; i < sig.size(); ++i) CHECK(sig[i - 1].step_index <= sig[i].step_index);
}

TEST_CASE("run-intel: a clean session has no signal", "[discovery][run_intel]") {
  CHECK(run_intel(test::clean()).empty());
  json j = run_intel_json(test::clean(), {});
  CHECK(j["counts"] == json{{"resteer", 0}, {"recovery", 0}, {"loop", 0}, {"failure", 0}});
}

TEST_CASE("run-intel: real agent sessions", "[discovery][run_intel]") {
  auto bug = counts(run_intel(test::fixture("sessions/claude-code/cc-bugfix.jsonl")));
  CHECK(bug["failure"] == 1);
  CHECK(bug["recovery"] == 1);
  CHECK(bug["resteer"] == 1);  // "That's not what I asked"
  auto codex = counts(run_intel(test::fixture("sessions/codex/codex-bugfix.jsonl")));
  CHECK(codex["failure"] == 1);
  CHECK(codex["recovery"] == 1);
  CHECK(codex["resteer"] == 0);
  for (const char* resumed : {"sessions/claude-code/cc-calc.jsonl", "sessions/codex/codex-calc.jsonl", "sessions/pi/pi-calc.jsonl"}) {
    INFO(resumed);
    auto c = counts(run_intel(test::fixture(resumed)));
    CHECK(c["resteer"] == 1);
    CHECK(c["failure"] == 0);
  }
}

TEST_CASE("run-intel: triggers and correction phrases", "[discovery][run_intel]") {
  CHECK(is_trigger("ok"));
  CHECK(is_trigger("Yes, go"));
  CHECK(is_trigger("go ahead and commit it"));
  CHECK(is_trigger("[Image #1] ok"));
  CHECK_FALSE(is_trigger("ok but first rewrite the whole parser so that it handles quoted fields"));
  CHECK_FALSE(is_trigger(""));
  CHECK_FALSE(is_trigger("Add a parser"));
  CHECK(resteer_phrase("No, mul must also handle c") == "No");
  CHECK(resteer_phrase("That's not what I asked") == "That's not");
  CHECK(resteer_phrase("That\xE2\x80\x99s wrong") == "wrong");
  CHECK(resteer_phrase("try again with -v") == "try again");
  CHECK(resteer_phrase("Add a stats module").empty());
  CHECK(resteer_phrase("ok").empty());          // a trigger is never a resteer
  CHECK(resteer_phrase("nothing to fix").empty());  // "no" only as a leading word
}
