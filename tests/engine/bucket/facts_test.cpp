#include "engine/bucket/facts.h"

#include <catch2/catch.hpp>

#include "test_support.h"

using namespace ot;
using namespace ot::bucket;

TEST_CASE("facts: index fields come from the wire JSON", "[bucket][facts]") {
  json r = test::make_record("70046dd8-3748-42a5-91a4-9d14297adea1");
  r["steps"][0]["tool_calls"].push_back({{"tool_name", "Skill"}, {"input", {{"skill", "pdf"}}}});
  auto f = extract_facts(r);
  REQUIRE(f.ok());
  CHECK(f->trace_id == "70046dd8-3748-42a5-91a4-9d14297adea1");
  CHECK(f->agent == "claude-code");
  CHECK(f->model == "claude-sonnet-4");
  CHECK(f->project == "calc-1a2b3c4d");
  CHECK(f->cwd == "/home/dev/src/calc");
  CHECK(f->step_count == 2);
  CHECK(f->patch_count == 1);
  CHECK(f->files == std::set<std::string>{"calc.py"});
  CHECK(f->tools == std::set<std::string>{"Edit", "Skill"});
  CHECK(f->skills == std::set<std::string>{"pdf"});
  CHECK(f->commits.size() == 1);
  CHECK(f->start_ms.has_value());
  CHECK_FALSE(f->scanned);

  auto keys = index_keys(*f, 0);
  CHECK(std::find(keys.begin(), keys.end(), "x/file/calc.py/70046dd8-3748-42a5-91a4-9d14297adea1") != keys.end());
  CHECK(std::find(keys.begin(), keys.end(), "x/agent/claude-code/70046dd8-3748-42a5-91a4-9d14297adea1") != keys.end());
}

TEST_CASE("facts: bad records and ids are refused", "[bucket][facts]") {
  CHECK(extract_facts(json::array()).error().code == "INVALID_RECORD");
  CHECK(extract_facts(json{{"steps", json::array()}}).error().code == "INVALID_RECORD");
  CHECK(extract_facts(json{{"trace_id", "../etc"}}).error().code == "INVALID_TRACE_ID");
  CHECK(extract_facts(json{{"trace_id", "a/b"}}).error().exit == ExitCode::kUsage);
  CHECK(validate_trace_id("claude-code_70046dd8-3748").ok());
  CHECK_FALSE(validate_trace_id("").ok());
  CHECK_FALSE(validate_trace_id(std::string(201, 'a')).ok());
}

TEST_CASE("facts: project slugs are safe path components", "[bucket][facts]") {
  CHECK(sanitize_project("My Repo/../x") == "my-repo-..-x");
  CHECK(sanitize_project("") == "_unassigned");
  CHECK(sanitize_project("...") == "_unassigned");
  CHECK(sanitize_project("calc-1a2b3c4d") == "calc-1a2b3c4d");
}
