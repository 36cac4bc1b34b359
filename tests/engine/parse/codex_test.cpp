// Expected values from reading the Codex fixtures: user prompts that are not harness
// context, response ids of token_usage_record lines, function_call lines, the last
// thread_token_usage (input includes cached input; we store it without).
#include <catch2/catch.hpp>

#include <sstream>

#include "engine/parse/session.h"
#include "tests/engine/parse/fixture_util.h"

using namespace ot;
using ot::test::fixture;

TEST_CASE("codex-calc: responses as agent steps, apply_patch patches, tokens", "[parse][codex]") {
  auto r = parse::parse_session_file(fixture("codex/codex-calc.jsonl"));
  REQUIRE(r.ok());
  CHECK(r->trace_id == "01a20e20-09ec-7242-ae12-9ecb9e6eb138");
  CHECK(r->agent.name == "codex");
  CHECK(r->agent.version == "0.169.0");
  CHECK(r->agent.model == "gpt-5.1-codex");
  CHECK(r->metadata["cwd"] == "/home/dev/src/calc");
  CHECK(test::count_role(*r, "user") == 2);
  CHECK(test::count_role(*r, "agent") == 8);  // 8 response ids
  CHECK(test::count_calls(*r) == 6);
  CHECK(test::count_errors(*r) == 0);
  CHECK(r->steps[0].content == "Create calc.py with add and mul, make mul use a temporary variable, then commit.");
  CHECK(r->steps[1].reasoning_content == "Add the file with apply_patch, then refine mul.");
  CHECK(r->steps[1].content == "Adding calc.py.");
  CHECK(r->metrics.total_input_tokens == 22313 - 21300);
  CHECK(r->metrics.total_cache_read_tokens == 21300);
  CHECK(r->metrics.total_output_tokens == 320);
  CHECK_FALSE(r->system_prompts.empty());
  CHECK_FALSE(r->steps[1].system_prompt_hash.empty());
  CHECK(r->system_prompts.contains(r->steps[1].system_prompt_hash));
  REQUIRE(r->patches.size() == 3);
  CHECK(r->patches[0].operation == "create");
  CHECK(r->patches[0].file_path == "calc.py");
  CHECK(r->patches[0].tool_call_id == "toolu_0002");
  CHECK(r->patches[2].authored_text == "    \"\"\"Return the sum of a and b.\"\"\"\n");
  CHECK(r->outcome.terminal_state == "task_complete");
}

TEST_CASE("codex-bugfix: failing command is an error; git base commit", "[parse][codex]") {
  auto r = parse::parse_session_file(fixture("codex/codex-bugfix.jsonl"));
  REQUIRE(r.ok());
  CHECK(r->steps.size() == 8);  // 1 prompt + 7 responses
  CHECK(test::count_calls(*r) == 6);
  CHECK(test::count_errors(*r) == 1);
  const auto* o = test::observation(*r, "toolu_0006");
  REQUIRE(o);
  CHECK(o->error.rfind("exit code 1", 0) == 0);
  CHECK(test::observation(*r, "toolu_0010")->error.empty());
  REQUIRE(r->environment.vcs);
  CHECK(r->environment.vcs->base_commit == "534415601e48b6cb0dcab538b61c3dd5211c8b7a");
  CHECK(r->task.base_commit == "534415601e48b6cb0dcab538b61c3dd5211c8b7a");
  CHECK(r->metrics.total_input_tokens == 19082 - 18200);
  CHECK(r->metrics.total_output_tokens == 280);
  REQUIRE(r->patches.size() == 3);
  CHECK(r->patches[2].old_text == "    return sum(xs) / (len(xs) - 1)\n");
  CHECK(r->patches[2].authored_text == "    return sum(xs) / len(xs)\n");
}

TEST_CASE("codex: token_count events are used when no token_usage_record exists", "[parse][codex]") {
  std::stringstream in(
      R"({"timestamp":"2026-01-01T00:00:00Z","type":"session_meta","payload":{"id":"s1","cwd":"/r"}})" "\n"
      R"({"timestamp":"2026-01-01T00:00:01Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}})" "\n"
      R"({"timestamp":"2026-01-01T00:00:02Z","type":"response_item","payload":{"type":"custom_tool_call","name":"apply_patch","call_id":"c1","input":"*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch"}})" "\n"
      R"({"timestamp":"2026-01-01T00:00:02Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"total_tokens":15},"last_token_usage":{"input_tokens":10,"cached_input_tokens":4,"output_tokens":5}}}})" "\n"
      R"({"timestamp":"2026-01-01T00:00:02Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"total_tokens":15},"last_token_usage":{"input_tokens":10,"cached_input_tokens":4,"output_tokens":5}}}})" "\n"
      R"({"timestamp":"2026-01-01T00:00:03Z","type":"response_item","payload":{"type":"custom_tool_call_output","call_id":"c1","output":"{\"output\":\"boom\",\"metadata\":{\"exit_code\":2}}"}})" "\n");
  auto r = parse::parse_codex(in, "rollout-x.jsonl");
  REQUIRE(r.ok());
  CHECK(r->trace_id == "s1");
  CHECK(r->metrics.total_input_tokens == 6);
  CHECK(r->metrics.total_cache_read_tokens == 4);
  CHECK(r->metrics.total_output_tokens == 5);  // the duplicate event is not counted twice
  REQUIRE(r->patches.size() == 1);
  CHECK(r->patches[0].file_path == "a.txt");
  CHECK(r->patches[0].limitations == std::vector<std::string>{"tool_result_error"});
  CHECK(test::observation(*r, "c1")->content == "boom");
}
