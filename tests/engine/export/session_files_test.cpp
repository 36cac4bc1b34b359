// session_files() and placeholder_counts() (engine/export/export.h): the building blocks
// traces datasets share with `trace export`.
#include <catch2/catch.hpp>

#include "engine/export/export.h"
#include "engine/parse/session.h"
#include "engine/schema/record.h"

using namespace ot;

namespace {

json fixture_record(const std::string& rel) {
  auto r = parse::parse_session_file(std::filesystem::path(OT_FIXTURES_DIR) / "sessions" / rel);
  REQUIRE(r.ok());
  return schema::to_json(*r);
}

}  // namespace

TEST_CASE("placeholders are counted by kind", "[export]") {
  auto c = trace_export::placeholder_counts(
      "{\"a\":\"key [REDACTED:aws_access_key] and [REDACTED:aws_access_key]\",\"p\":\"/home/[USER:0a1b2c]/x\","
      "\"e\":\"[REDACTED:email]\",\"not\":\"[REDACTED:]\",\"half\":\"[REDACTED:oops\",\"other\":\"[x]\"}");
  CHECK(c == std::map<std::string, int64_t>{{"aws_access_key", 2}, {"email", 1}, {"home_path_user", 1}});
  CHECK(trace_export::placeholder_counts("").empty());
  CHECK(trace_export::placeholder_counts("[REDACTED:x").empty());
}

TEST_CASE("session files: agent directory, sub-agent files, home scrubbed, STS", "[export]") {
  json rec = fixture_record("claude-code/cc-subagent.jsonl");
  const std::string tid = rec["trace_id"];
  // A home directory in a prompt: scrubbed to ~ in every file.
  rec["steps"][0]["content"] = rec["steps"][0].value("content", "") + " see /home/tester/notes.txt";
  auto files = trace_export::session_files(rec, "native", "/home/tester");
  REQUIRE(files.ok());
  REQUIRE(files->size() == 2);
  CHECK((*files)[0].path == "claude-code/" + tid + ".jsonl");
  CHECK((*files)[1].path.rfind("claude-code/" + tid + "/subagents/agent-", 0) == 0);
  for (const auto& f : *files) CHECK(f.bytes.find("/home/tester") == std::string::npos);
  CHECK((*files)[0].bytes.find("~/notes.txt") != std::string::npos);

  auto sts = trace_export::session_files(rec, "sts", "");
  REQUIRE(sts.ok());
  REQUIRE(sts->size() == 1);
  CHECK((*sts)[0].path == "sts/" + tid + ".jsonl");

  auto bad = trace_export::session_files(rec, "yaml", "");
  REQUIRE(!bad.ok());
  CHECK(bad.error().code == "INVALID_FORMAT");
  rec["agent"]["name"] = "some-other-agent";
  auto unknown = trace_export::session_files(rec, "native", "");
  REQUIRE(!unknown.ok());
  CHECK(unknown.error().code == "NATIVE_FORMAT_UNKNOWN");
}

TEST_CASE("session files of every agent land in the agent's directory", "[export]") {
  for (const auto& [rel, dir] : std::vector<std::pair<std::string, std::string>>{
           {"codex/codex-calc.jsonl", "codex/rollout-"}, {"pi/pi-calc.jsonl", "pi/"}}) {
    auto files = trace_export::session_files(fixture_record(rel), "native", "");
    REQUIRE(files.ok());
    REQUIRE(files->size() == 1);
    CHECK((*files)[0].path.rfind(dir, 0) == 0);
  }
}
