#include "engine/discovery/waste.h"

#include <catch2/catch.hpp>

#include "fixtures.h"

using namespace ot;
using namespace ot::discovery;

namespace {
std::vector<const WasteFinding*> of(const WasteReport& r, const std::string& pattern) {
  std::vector<const WasteFinding*> out;
  for (const auto& f : r.findings)
    if (f.pattern == pattern) out.push_back(&f);
  return out;
}
}  // namespace

TEST_CASE("waste: the crafted session produces each pattern once, at its step", "[discovery][waste]") {
  auto r = context_waste(test::signals());
  auto large = of(r, "large_output");
  REQUIRE(large.size() == 1);
  CHECK(large[0]->step_index == 17);
  CHECK(large[0]->evidence["output_chars"] == 16010);
  CHECK(large[0]->evidence["tool_name"] == "Bash");
  CHECK(large[0]->severity == "medium");

  auto reads = of(r, "repeated_file_read");
  REQUIRE(reads.size() == 1);
  CHECK(reads[0]->step_index == 11);
  CHECK(reads[0]->evidence["file_path"] == "parser.py");
  CHECK(reads[0]->evidence["read_count"] == 3);

  auto searches = of(r, "repeated_search");
  REQUIRE(searches.size() == 1);
  CHECK(searches[0]->step_index == 16);
  CHECK(searches[0]->evidence["search_count"] == 5);
  CHECK(searches[0]->evidence["command_family"] == "grep");
  CHECK(searches[0]->finding_id.size() == 16);
  CHECK(r.limitations.empty());

  json j = context_waste_json(test::signals(), {}, r);
  CHECK(j["summary"]["context_waste_count"] == 3);
  CHECK(j["fidelity"] == "record");
  CHECK(j["thresholds"]["large_output_chars"] == 12000);
}

TEST_CASE("waste: a clean session has no finding", "[discovery][waste]") {
  CHECK(context_waste(test::clean()).findings.empty());
}

TEST_CASE("waste: thresholds are flags", "[discovery][waste]") {
  WasteThresholds t;
  t.large_output_chars = 20000;
  t.search_repeat_threshold = 6;
  t.file_read_repeat_threshold = 2;
  auto r = context_waste(test::signals(), t);
  CHECK(of(r, "large_output").empty());
  CHECK(of(r, "repeated_search").empty());
  CHECK(of(r, "repeated_file_read").size() == 2);  // the 2nd and 3rd read
  t = WasteThresholds{};
  t.file_read_window_minutes = 0;  // reads 4 s apart fall outside a zero window
  CHECK(of(context_waste(test::signals(), t), "repeated_file_read").empty());
}

TEST_CASE("waste: the real waste session (a persisted 35 KB output counts)", "[discovery][waste]") {
  auto r = context_waste(test::fixture("sessions/claude-code/cc-waste.jsonl"));
  auto large = of(r, "large_output");
  REQUIRE(large.size() == 1);
  CHECK(large[0]->evidence["persisted_by_agent"] == true);
  CHECK(large[0]->evidence["output_chars"].get<int64_t>() > 35000);
  auto reads = of(r, "repeated_file_read");
  REQUIRE(reads.size() == 1);
  CHECK(reads[0]->evidence["file_path"] == "app/core.py");
  CHECK(of(r, "repeated_search").size() == 1);
  CHECK(is_search_command("grep -rn helper app || true"));
  CHECK(is_search_command("cd src && rg foo"));
  CHECK_FALSE(is_search_command("git grepper"));
  CHECK_FALSE(is_search_command("python3 finder.py"));
}
