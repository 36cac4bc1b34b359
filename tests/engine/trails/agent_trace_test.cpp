#include "engine/trails/agent_trace.h"

#include <catch2/catch.hpp>
#include <regex>

using namespace ot::trails;

TEST_CASE("agent_trace_model_id writes provider/model", "[trails][agent_trace]") {
  CHECK(agent_trace_model_id("claude-code", "claude-sonnet-4") == "anthropic/claude-sonnet-4");
  CHECK(agent_trace_model_id("pi", "gpt-5-codex") == "openai/gpt-5-codex");
  CHECK(agent_trace_model_id("pi", "gemini-2.5-pro") == "google/gemini-2.5-pro");
  CHECK(agent_trace_model_id("codex", "my-finetune") == "openai/my-finetune");
  CHECK(agent_trace_model_id("pi", "local-llama") == "unknown/local-llama");
  CHECK(agent_trace_model_id("pi", "openrouter/qwen3") == "openrouter/qwen3");
  CHECK(agent_trace_model_id("claude-code", "").empty());
}

TEST_CASE("agent_trace_record_id is a stable v5-layout UUID per commit", "[trails][agent_trace]") {
  std::string a = agent_trace_record_id("0123456789abcdef0123456789abcdef01234567");
  CHECK(a == agent_trace_record_id("0123456789abcdef0123456789abcdef01234567"));
  CHECK(a != agent_trace_record_id("1123456789abcdef0123456789abcdef01234567"));
  CHECK(std::regex_match(a, std::regex("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")));
}

TEST_CASE("agent_trace_record groups ranges per file and trace", "[trails][agent_trace]") {
  ot::git::CommitInfo c;
  c.sha = "0123456789abcdef0123456789abcdef01234567";
  c.time_ms = 1795622029000;
  c.subject = "calc";
  auto mk = [](std::string trace, std::string file, int s, int e) {
    Fact f;
    f.trace_id = std::move(trace);
    f.agent = "claude-code";
    f.model = "claude-sonnet-4";
    f.file = std::move(file);
    f.start_line = s;
    f.end_line = e;
    f.tier = "exact_range_hash";
    f.range_hash = "sha256:abc";
    return f;
  };
  auto rec = agent_trace_record(c, {mk("t1", "b.py", 5, 6), mk("t1", "b.py", 1, 2), mk("t2", "a.py", 3, 3)}, "0.1.0");
  CHECK(rec["version"] == "0.1.0");
  CHECK(rec["vcs"]["revision"] == c.sha);
  CHECK(rec["timestamp"].get<std::string>().rfind("2026-", 0) == 0);
  REQUIRE(rec["files"].size() == 2);
  CHECK(rec["files"][0]["path"] == "a.py");
  const auto& conv = rec["files"][1]["conversations"][0];
  CHECK(conv["url"] == "opentraces://trace/t1");
  CHECK(conv["contributor"]["type"] == "ai");
  CHECK(conv["contributor"]["model_id"] == "anthropic/claude-sonnet-4");
  REQUIRE(conv["ranges"].size() == 2);
  CHECK(conv["ranges"][0]["start_line"] == 1);  // sorted
  CHECK(conv["ranges"][1]["content_hash"] == "sha256:abc");
  CHECK(rec["metadata"]["dev.opentraces.traces"]["t2"]["agent"] == "claude-code");
}

#include "engine/util/json_schema.h"

TEST_CASE("agent_trace_record validates against the Agent Trace 0.1.0 schema; broken records do not",
          "[trails][agent_trace]") {
  auto schema = ot::JsonSchema::load(std::string(OT_FIXTURES_DIR) + "/../schemas/agent-trace-0.1.0.schema.json");
  REQUIRE(schema.ok());
  ot::git::CommitInfo c;
  c.sha = "0123456789abcdef0123456789abcdef01234567";
  c.time_ms = 1795622029000;
  Fact f;
  f.trace_id = "t1";
  f.agent = "claude-code";
  f.model = "claude-sonnet-4";
  f.file = "a.py";
  f.start_line = 1;
  f.end_line = 3;
  f.range_hash = "sha256:00";
  Fact nomodel = f;
  nomodel.trace_id = "t2";
  nomodel.model.clear();
  ot::json rec = ot::json::parse(agent_trace_record(c, {f, nomodel}, "0.1.0").dump());
  INFO(ot::JsonSchema::summarize(schema->validate(rec)));
  CHECK(schema->accepts(rec));
  ot::json bad = rec;
  bad["version"] = "1.0";  // what the spec's reference implementation writes: not semver
  CHECK_FALSE(schema->accepts(bad));
  bad = rec;
  bad["files"][0]["conversations"][0]["ranges"][0]["start_line"] = 0;
  CHECK_FALSE(schema->accepts(bad));
  bad = rec;
  bad["files"][0]["conversations"][0]["contributor"]["model_id"] = "no-provider";
  CHECK_FALSE(schema->accepts(bad));
  bad = rec;
  bad["vcs"]["type"] = "cvs";
  CHECK_FALSE(schema->accepts(bad));
  bad = rec;
  bad["extra"] = 1;
  CHECK_FALSE(schema->accepts(bad));
}
