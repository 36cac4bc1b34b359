// Detection and robustness: every fixture is recognised; bad input gives a clear error
// or a record with a limitation, never a crash.
#include <catch2/catch.hpp>

#include <ctime>

#include "engine/parse/session.h"
#include "tests/engine/parse/fixture_util.h"

using namespace ot;
using ot::test::fixture;
using ot::test::TempDir;

TEST_CASE("detect_agent recognises every fixture", "[parse][session]") {
  using F = parse::AgentFormat;
  for (const char* f : {"claude-code/cc-calc.jsonl", "claude-code/cc-bugfix.jsonl", "claude-code/cc-subagent.jsonl",
                        "claude-code/cc-waste.jsonl"})
    CHECK(parse::detect_agent(fixture(f)).value() == F::claude_code);
  CHECK(parse::detect_agent(fixture("codex/codex-calc.jsonl")).value() == F::codex);
  CHECK(parse::detect_agent(fixture("codex/codex-bugfix.jsonl")).value() == F::codex);
  CHECK(parse::detect_agent(fixture("pi/pi-calc.jsonl")).value() == F::pi);
  CHECK(parse::agent_from_name("claude").value() == F::claude_code);
  CHECK(parse::agent_from_name("gemini").error().exit == ExitCode::kUsage);
}

TEST_CASE("truncated final line: parsed, provisional, limitation", "[parse][session][robust]") {
  TempDir t;
  std::string text = test::slurp(fixture("claude-code/cc-calc.jsonl"));
  // cut the last line in half (the agent is still writing it)
  size_t last_nl = text.rfind('\n', text.size() - 2);
  auto p = t.write("trunc.jsonl", text.substr(0, last_nl + 1 + (text.size() - last_nl) / 2));
  auto r = parse::parse_session_file(p);
  REQUIRE(r.ok());
  CHECK(r->steps.size() == 10);
  CHECK(r->lifecycle == "provisional");
  CHECK(test::has_limitation(*r, "truncated_final_line"));
}

TEST_CASE("garbage, blank and non-UTF-8 lines in the middle are skipped", "[parse][session][robust]") {
  TempDir t;
  std::string text = test::slurp(fixture("pi/pi-calc.jsonl"));
  size_t third = 0;
  for (int i = 0; i < 3; ++i) third = text.find('\n', third) + 1;
  std::string bad = text.substr(0, third) + "this is not json\n\n   \n{\"half\": \n" +
                    "{\"type\":\"mystery\",\"id\":\"zz\",\"parentId\":null}\n" + text.substr(third);
  // a user message with an invalid UTF-8 byte
  bad.insert(bad.find("Create calc.py"), "\xff\xfe");
  auto r = parse::parse_session_file(t.write("bad.jsonl", bad));
  REQUIRE(r.ok());
  CHECK(r->steps.size() == 10);
  CHECK(r->lifecycle == "final");
  CHECK(test::has_limitation(*r, "malformed_line"));
  CHECK(test::has_limitation(*r, "unknown_line_type"));
  CHECK(test::has_limitation(*r, "invalid_utf8_replaced"));
  CHECK(r->steps[0].content.find("\xEF\xBF\xBD") != std::string::npos);
  for (const auto& l : r->metadata["limitations"])
    if (l["code"] == "malformed_line") CHECK(l["count"] == 2);
}

TEST_CASE("empty, binary, missing, directory: clear errors with exit 2", "[parse][session][robust]") {
  TempDir t;
  auto empty = parse::parse_session_file(t.write("empty.jsonl", ""));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == "EMPTY_SESSION");
  CHECK(empty.error().exit == ExitCode::kUsage);
  CHECK(parse::parse_session_file(t.write("blank.jsonl", "\n\n  \n")).error().code == "EMPTY_SESSION");

  std::string bin;
  for (int i = 0; i < 4096; ++i) bin.push_back(static_cast<char>((i * 131 + 7) % 256));
  auto b = parse::parse_session_file(t.write("bin.jsonl", bin));
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().code == "NOT_A_SESSION");
  CHECK(b.error().exit == ExitCode::kUsage);
  for (auto f : {parse::AgentFormat::claude_code, parse::AgentFormat::codex, parse::AgentFormat::pi}) {
    auto forced = parse::parse_session_file(t.path / "bin.jsonl", f);
    REQUIRE_FALSE(forced.ok());
    CHECK(forced.error().code == "NOT_A_SESSION");
  }
  auto js = parse::parse_session_file(t.write("other.jsonl", "{\"a\":1}\n[1,2]\n"));
  REQUIRE_FALSE(js.ok());
  CHECK(js.error().code == "NOT_A_SESSION");

  auto missing = parse::parse_session_file(t.path / "nope.jsonl");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().exit == ExitCode::kUsage);
  auto dir = parse::parse_session_file(t.path);
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().exit == ExitCode::kUsage);
}

TEST_CASE("wrong agent forced: a clear NOT_A_SESSION error", "[parse][session][robust]") {
  using F = parse::AgentFormat;
  struct Case {
    const char* file;
    F wrong;
  } cases[] = {{"claude-code/cc-calc.jsonl", F::codex}, {"claude-code/cc-calc.jsonl", F::pi},
               {"codex/codex-calc.jsonl", F::claude_code}, {"codex/codex-calc.jsonl", F::pi},
               {"pi/pi-calc.jsonl", F::claude_code}, {"pi/pi-calc.jsonl", F::codex}};
  for (const auto& c : cases) {
    INFO(c.file << " as " << parse::agent_name(c.wrong));
    auto r = parse::parse_session_file(fixture(c.file), c.wrong);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "NOT_A_SESSION");
    CHECK(r.error().exit == ExitCode::kUsage);
  }
}

TEST_CASE("a large session parses completely", "[parse][session][large]") {
  // ~10 MB: the cc-waste transcript's message lines repeated with fresh message ids.
  // Speed is measured by `scripts/bench micro` (BM_ParseClaudeSession), not here.
  TempDir t;
  std::string base = test::slurp(fixture("claude-code/cc-waste.jsonl"));
  std::string big;
  big.reserve(11 << 20);
  int copies = 0;
  for (; big.size() < (10u << 20); ++copies) {
    std::string copy = base;
    for (size_t at = copy.find("msg_scripted_"); at != std::string::npos; at = copy.find("msg_scripted_", at + 1))
      copy.replace(at, 13, "msg_r" + std::to_string(copies) + "_");
    big += copy;
  }
  auto p = t.write("big.jsonl", big);
  auto one = parse::parse_session_file(fixture("claude-code/cc-waste.jsonl"));
  auto r = parse::parse_session_file(p);
  REQUIRE(one.ok());
  REQUIRE(r.ok());
  // Every copy's steps are kept: nothing is dropped or merged across message ids.
  CHECK(r->steps.size() == one->steps.size() * static_cast<size_t>(copies));
}

TEST_CASE("a timestamp that is not ISO-8601 is dropped with a limitation", "[parse][session][robust]") {
  // found by fuzz_claude_code / fuzz_pi
  TempDir t;
  auto p = t.write("ts.jsonl",
                   R"({"type":"session","version":3,"id":"p1","timestamp":"2026-01-01T00:00:00Z","cwd":"/r"})" "\n"
                   R"({"type":"message","id":"a","parentId":null,"timestamp":"yesterday-ish","message":{"role":"user","content":"hi"}})" "\n");
  auto r = parse::parse_session_file(p);
  REQUIRE(r.ok());
  CHECK(r->steps[0].timestamp.empty());
  CHECK(test::has_limitation(*r, "invalid_timestamp"));
}
