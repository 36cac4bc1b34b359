// Expected values come from reading the fixtures (see tests/fixtures/MANIFEST.md):
// counts of prompts, distinct assistant message ids, tool_use blocks, usage per
// message id, is_error results.
#include <catch2/catch.hpp>

#include "engine/parse/session.h"
#include "tests/engine/parse/fixture_util.h"

using namespace ot;
using ot::test::fixture;

TEST_CASE("cc-calc: steps, merged message lines, tokens once per message id", "[parse][claude]") {
  auto r = parse::parse_session_file(fixture("claude-code/cc-calc.jsonl"));
  REQUIRE(r.ok());
  CHECK(r->trace_id == "70046dd8-3748-42a5-91a4-9d14297adea1");
  CHECK(r->session_id == r->trace_id);
  CHECK(r->agent.name == "claude-code");
  CHECK(r->agent.version == "2.1.197");
  CHECK(r->agent.model == "claude-opus-4-8");
  CHECK(r->metadata["cwd"] == "/home/dev/src/calc");
  REQUIRE(r->environment.vcs);
  CHECK(r->environment.vcs->branch == "master");
  // 2 prompts + 8 distinct assistant message ids
  CHECK(r->steps.size() == 10);
  CHECK(test::count_role(*r, "user") == 2);
  CHECK(test::count_calls(*r) == 6);
  CHECK(test::count_errors(*r) == 0);
  CHECK(r->task.description == "Create calc.py with add and mul, make mul use a temporary variable, then commit.");
  CHECK(r->steps[0].role == "user");
  // msg_scripted_0002 spans three lines: thinking, text, tool_use
  const auto& s1 = r->steps[1];
  CHECK(s1.role == "agent");
  CHECK(s1.reasoning_content == "Start with a new file holding both functions.");
  CHECK(s1.content == "I'll create calc.py.");
  REQUIRE(s1.tool_calls.size() == 1);
  CHECK(s1.tool_calls[0].tool_name == "Write");
  CHECK(s1.tool_calls[0].tool_call_id == "toolu_0001");
  REQUIRE(s1.observations.size() == 1);
  CHECK(s1.observations[0].source_call_id == "toolu_0001");
  REQUIRE(s1.token_usage);
  CHECK(s1.token_usage->input_tokens == 122);
  CHECK(s1.token_usage->cache_read_tokens == 2200);
  CHECK(r->metrics.total_input_tokens == 1027);
  CHECK(r->metrics.total_output_tokens == 340);
  CHECK(r->metrics.total_cache_read_tokens == 22700);
  CHECK(r->metrics.total_cache_creation_tokens == 320);
  CHECK(r->metrics.total_steps == 10);
  CHECK(r->steps[6].content == "Actually, add a docstring to add and commit again.");
  REQUIRE(r->patches.size() == 3);
  CHECK(r->patches[0].operation == "create");
  CHECK(r->patches[0].file_path == "calc.py");
  CHECK(r->patches[0].step_index == 1);
  CHECK(r->patches[1].old_text == "    return a * b");
  CHECK(r->patches[2].tool_call_id == "toolu_0010");
  CHECK(r->timestamp_start == "2026-11-24T15:16:35.307Z");
  CHECK(r->lifecycle == "final");
  CHECK(r->metadata["limitations"].empty());
}

TEST_CASE("cc-bugfix: failing Bash is an error observation, Skill is visible", "[parse][claude]") {
  auto r = parse::parse_session_file(fixture("claude-code/cc-bugfix.jsonl"));
  REQUIRE(r.ok());
  CHECK(r->steps.size() == 16);  // 2 prompts + 14 message ids
  CHECK(test::count_calls(*r) == 12);
  CHECK(test::count_errors(*r) == 1);
  const auto* o = test::observation(*r, "toolu_0005");
  REQUIRE(o);
  CHECK(o->error.rfind("Exit code 1", 0) == 0);
  CHECK(r->metadata["skills_invoked"].size() == 1);
  CHECK(r->metadata["skills_invoked"][0]["name"] == "release-notes");
  // the skill's injected instructions stay with the Skill call, not as a user step
  const auto* skill = test::observation(*r, "toolu_0020");
  REQUIRE(skill);
  CHECK(skill->content.find("Summarise the latest commit") != std::string::npos);
  CHECK(test::count_role(*r, "user") == 2);
  CHECK(r->metrics.total_input_tokens == 1881);
  CHECK(r->metrics.total_output_tokens == 590);
  CHECK(r->patches.size() == 6);  // Write, Write, Edit, Edit, Edit, Write
  for (const auto& p : r->patches) CHECK(p.limitations.empty());
}

TEST_CASE("cc-subagent: sub-agent transcript merged as subagent steps with its patch", "[parse][claude]") {
  auto r = parse::parse_session_file(fixture("claude-code/cc-subagent.jsonl"));
  REQUIRE(r.ok());
  // main: 1 prompt + 4 message ids; sub-agent: 1 prompt + 3 message ids
  CHECK(r->steps.size() == 9);
  size_t sub = 0;
  for (const auto& s : r->steps)
    if (s.call_type == "subagent") {
      ++sub;
      REQUIRE(s.parent_step);
      const auto& parent = r->steps[static_cast<size_t>(*s.parent_step)];
      REQUIRE(parent.tool_calls.size() == 1);
      CHECK(parent.tool_calls[0].tool_name == "Agent");
      CHECK(s.agent_role == "general-purpose");
    }
  CHECK(sub == 4);
  CHECK(test::count_calls(*r) == 5);  // Write, Agent, Bash + Read, Edit
  REQUIRE(r->patches.size() == 2);
  CHECK(r->patches[1].file_path == "README.md");
  CHECK(r->steps[static_cast<size_t>(r->patches[1].step_index)].call_type == "subagent");
  CHECK(r->metrics.total_input_tokens == 509 + 383);
  CHECK(r->metrics.total_output_tokens == 160 + 120);
  CHECK(r->metadata["subagents"].size() == 1);
  CHECK(r->metadata["subagents"][0]["agent_id"] == "a969c1d0cd0610601");
}

TEST_CASE("cc-waste: failed Edit keeps its patch with a limitation; big output kept", "[parse][claude]") {
  auto r = parse::parse_session_file(fixture("claude-code/cc-waste.jsonl"));
  REQUIRE(r.ok());
  CHECK(r->steps.size() == 14);
  CHECK(test::count_calls(*r) == 12);
  CHECK(test::count_errors(*r) == 1);
  REQUIRE(r->patches.size() == 2);
  CHECK(r->patches[0].file_path == "app/core.py");
  CHECK(r->patches[0].limitations.empty());
  CHECK(r->patches[1].file_path == "app/cli.py");
  CHECK(r->patches[1].limitations == std::vector<std::string>{"tool_result_error"});
  const auto* big = test::observation(*r, "toolu_0005");
  REQUIRE(big);
  CHECK(big->content.find("Output too large") != std::string::npos);
}
