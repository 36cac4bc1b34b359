#include "engine/capture/hook_event.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "engine/util/fs.h"
#include "engine/util/hash.h"

using ot::json;
namespace fs = std::filesystem;
namespace cap = ot::capture;

namespace {

// The recorded payloads of one agent run, with __CWD__ / __HOME__ substituted.
std::vector<json> recorded(const std::string& name, const fs::path& cwd) {
  std::ifstream in(fs::path(OT_FIXTURES_DIR) / "hooks" / name);
  REQUIRE(in.good());
  std::vector<json> out;
  std::string line;
  while (std::getline(in, line)) {
    for (auto [from, to] : {std::pair<std::string, std::string>{"__CWD__", cwd.string()}, {"__HOME__", "/home/dev"}})
      for (size_t p = line.find(from); p != std::string::npos; p = line.find(from, p + to.size()))
        line.replace(p, from.size(), to);
    out.push_back(json::parse(line));
  }
  return out;
}

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("ot-hook-event-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(std::rand()));
  fs::create_directories(d);
  return d;
}

cap::HookCall call_of(const json& rec, const fs::path& cwd) {
  cap::HookCall c;
  c.agent = rec["agent"];
  c.event = rec["event"];
  c.payload = rec["payload"];
  c.received_at = "2026-11-25T00:00:00Z";
  c.cwd = cwd;
  c.project_id = "p1";
  return c;
}

}  // namespace

TEST_CASE("locate_text: one hit is high, several pick the hint, none is low", "[capture]") {
  auto r = cap::locate_text("a\nb\nc\n", "b\nc\n");
  CHECK(r.start_line == 2);
  CHECK(r.end_line == 3);
  CHECK(r.confidence == "high");

  r = cap::locate_text("x\ny\nx\ny\nx\n", "x\n", 5);
  CHECK(r.start_line == 5);
  CHECK(r.end_line == 5);
  CHECK(r.confidence == "medium");

  r = cap::locate_text("x\ny\nx\n", "x", 0);
  CHECK(r.start_line == 1);  // no hint: the first
  CHECK(r.confidence == "medium");

  r = cap::locate_text("abc", "zzz");
  CHECK(r.confidence == "low");
  CHECK(r.limitation == "posttooluse_no_file_range");
  CHECK(cap::locate_text("abc", "").confidence == "low");
}

TEST_CASE("session end: Claude Stop/SessionEnd, Codex Stop, Pi agent_end/session_shutdown", "[capture]") {
  CHECK(cap::is_session_end("claude-code", "Stop"));
  CHECK(cap::is_session_end("claude-code", "SessionEnd"));
  CHECK_FALSE(cap::is_session_end("claude-code", "PostToolUse"));
  CHECK(cap::is_session_end("codex", "Stop"));
  CHECK(cap::is_session_end("pi", "agent_end"));
  CHECK(cap::is_session_end("pi", "session_shutdown"));
  CHECK_FALSE(cap::is_session_end("pi", "tool_result"));
}

TEST_CASE("recorded Claude Code payloads: edits get ranges matching the file, ends queue ingest", "[capture]") {
  fs::path cwd = temp_dir();
  auto events = recorded("claude-code-calc.jsonl", cwd);
  REQUIRE(events.size() == 20);
  int ingests = 0, ranged = 0;
  for (const auto& rec : events) {
    const json& p = rec["payload"];
    // Replay the tool's effect on disk before its PostToolUse, as the agent did.
    if (rec["event"] == "PostToolUse" && p["tool_name"] == "Write")
      REQUIRE(ot::write_file_atomic(p["tool_input"]["file_path"].get<std::string>(),
                                    p["tool_input"]["content"].get<std::string>())
                  .ok());
    if (rec["event"] == "PostToolUse" && p["tool_name"] == "Edit") {
      fs::path f = p["tool_input"]["file_path"].get<std::string>();
      std::string text = *ot::read_file(f);
      std::string olds = p["tool_input"]["old_string"], news = p["tool_input"]["new_string"];
      text.replace(text.find(olds), olds.size(), news);
      REQUIRE(ot::write_file_atomic(f, text).ok());
    }
    auto items = cap::spool_items_for(call_of(rec, cwd));
    REQUIRE(!items.empty());
    CHECK(items[0]["kind"] == "hook_event");
    CHECK(items[0]["agent"] == "claude-code");
    CHECK(items[0]["session_id"] == "e215bead-b5e7-4e38-8ae1-3709336348d6");
    CHECK(items[0]["payload"] == p);
    if (items.size() == 2) {
      ++ingests;
      CHECK(items[1]["kind"] == "ingest_session");
      CHECK(items[1]["path"] == p["transcript_path"]);
      CHECK(items[1]["project_dir"] == cwd.string());
    }
    if (rec["event"] == "PostToolUse" && items[0].contains("patches")) {
      for (const auto& patch : items[0]["patches"]) {
        std::string text = *ot::read_file(cwd / patch["file_path"].get<std::string>());
        std::istringstream lines(text);
        std::string line, got;
        for (int n = 1; std::getline(lines, line); ++n)
          if (n >= patch["start_line"].get<int>() && n <= patch["end_line"].get<int>()) got += line + "\n";
        std::string authored = patch["authored_text"];
        if (authored.back() != '\n') authored += "\n";
        CHECK(got == authored);
        CHECK(patch["confidence"] == "high");
        CHECK(patch["content_hash"] == ot::murmur3_content_hash(patch["authored_text"].get<std::string>()));
        CHECK(patch["file_path"] == "calc.py");
        ++ranged;
      }
    }
  }
  CHECK(ingests == 4);  // Stop and SessionEnd of each of the two prompts
  CHECK(ranged == 3);   // Write, Edit, Edit
  fs::remove_all(cwd);
}

TEST_CASE("recorded Codex payloads: apply_patch is seen at PreToolUse only, without a range", "[capture]") {
  fs::path cwd = temp_dir();
  auto events = recorded("codex-calc.jsonl", cwd);
  int patched = 0, ingests = 0;
  for (const auto& rec : events) {
    auto items = cap::spool_items_for(call_of(rec, cwd));
    if (items.size() == 2) ++ingests;
    if (!items[0].contains("patches")) continue;
    CHECK(rec["event"] == "PreToolUse");
    for (const auto& patch : items[0]["patches"]) {
      CHECK(patch["file_path"] == "calc.py");
      CHECK_FALSE(patch.contains("start_line"));
      CHECK(patch["limitations"] == json::array({"codex_no_posttooluse"}));
      ++patched;
    }
  }
  CHECK(patched == 3);  // add file, update mul, update add
  CHECK(ingests == 2);  // one Stop per turn
  fs::remove_all(cwd);
}

TEST_CASE("Pi tool_result edits are located; a missing file gives a low-confidence range", "[capture]") {
  fs::path cwd = temp_dir();
  REQUIRE(ot::write_file_atomic(cwd / "calc.py", "def mul(a, b):\n    result = a * b\n    return result\n").ok());
  cap::HookCall c;
  c.agent = "pi";
  c.event = "tool_result";
  c.cwd = cwd;
  c.payload = {{"event", "tool_result"},
               {"session_id", "s1"},
               {"session_file", "/home/dev/.pi/agent/sessions/x.jsonl"},
               {"cwd", cwd.string()},
               {"tool_name", "edit"},
               {"tool_call_id", "toolu_1"},
               {"tool_input",
                {{"path", (cwd / "calc.py").string()},
                 {"edits", json::array({{{"oldText", "    return a * b"}, {"newText", "    result = a * b\n    return result"}}})}}}};
  auto items = cap::spool_items_for(c);
  REQUIRE(items.size() == 1);
  REQUIRE(items[0]["patches"].size() == 1);
  CHECK(items[0]["patches"][0]["start_line"] == 2);
  CHECK(items[0]["patches"][0]["end_line"] == 3);
  CHECK(items[0]["session_file"] == "/home/dev/.pi/agent/sessions/x.jsonl");

  c.payload["tool_input"]["path"] = (cwd / "gone.py").string();
  items = cap::spool_items_for(c);
  CHECK(items[0]["patches"][0]["confidence"] == "low");
  CHECK(items[0]["patches"][0]["limitations"] == json::array({"posttooluse_no_file_range"}));

  c.event = "agent_end";
  items = cap::spool_items_for(c);
  REQUIRE(items.size() == 2);
  CHECK(items[1]["path"] == "/home/dev/.pi/agent/sessions/x.jsonl");
  fs::remove_all(cwd);
}

TEST_CASE("recorded Pi extension payloads: tool calls carry patches, agent_end queues the session file", "[capture]") {
  fs::path cwd = temp_dir();
  auto events = recorded("pi-calc.jsonl", cwd);
  REQUIRE(events.size() == 20);
  int pre = 0, ingests = 0;
  for (const auto& rec : events) {
    auto items = cap::spool_items_for(call_of(rec, cwd));
    CHECK_FALSE(items[0]["session_id"].get<std::string>().empty());
    if (items.size() == 2) {
      ++ingests;
      CHECK(items[1]["path"].get<std::string>().find("/.pi/agent/sessions/") != std::string::npos);
    }
    if (rec["event"] == "tool_call" && items[0].contains("patches")) {
      CHECK(items[0]["patches"][0]["file_path"] == "calc.py");
      ++pre;
    }
  }
  CHECK(pre == 3);      // write, edit, edit
  CHECK(ingests == 4);  // agent_end and session_shutdown of each prompt
  fs::remove_all(cwd);
}

TEST_CASE("huge strings in a tool response are clipped in the spool item; tool_input and patches stay whole", "[capture]") {
  fs::path cwd = temp_dir();
  std::string big(300 * 1024, 'x');
  REQUIRE(ot::write_file_atomic(cwd / "big.txt", big).ok());
  cap::HookCall c;
  c.agent = "claude-code";
  c.event = "PostToolUse";
  c.cwd = cwd;
  c.payload = {{"session_id", "s"},
               {"tool_name", "Write"},
               {"tool_use_id", "t1"},
               {"tool_input", {{"file_path", (cwd / "big.txt").string()}, {"content", big}}},
               {"tool_response", {{"type", "create"}, {"content", big}}}};
  auto items = cap::spool_items_for(c);
  REQUIRE(items.size() == 1);
  CHECK(items[0]["payload_clipped_strings"] == 1);
  CHECK(items[0]["payload"]["tool_input"]["content"].get<std::string>().size() == big.size());
  std::string kept = items[0]["payload"]["tool_response"]["content"];
  CHECK(kept.size() < 20 * 1024);
  CHECK(kept.find("[clipped by git-opentraces: 307200 bytes, sha256 ") != std::string::npos);
  CHECK(items[0]["patches"][0]["authored_text"].get<std::string>().size() == big.size());
  CHECK(items[0]["patches"][0]["confidence"] == "high");
  fs::remove_all(cwd);
}
