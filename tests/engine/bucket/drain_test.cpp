#include <catch2/catch.hpp>
#include <fstream>

#include "engine/bucket/bucket.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/spool.h"
#include "engine/util/fs.h"
#include "engine/util/time.h"
#include "test_support.h"

using namespace ot;
using namespace ot::bucket;

namespace {

json hook_item(const std::string& session, const std::string& event, int n) {
  return {{"kind", "hook_event"},
          {"agent", "claude-code"},
          {"event", event},
          {"session_id", session},
          {"received_at", iso_from_ms(now_ms())},
          {"cwd", "/home/dev/src/calc"},
          {"payload", {{"n", n}}}};
}

size_t count_files(const std::filesystem::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file()) ++n;
  return n;
}

}  // namespace

TEST_CASE("drain: hook and trail events land in order and the spool empties", "[bucket][drain]") {
  test::TempDir tmp;
  auto spool = tmp.path / "spool";
  for (int i = 0; i < 5; ++i) REQUIRE(spool_append(hook_item("sess-1", "PostToolUse", i), spool).ok());
  REQUIRE(spool_append(json{{"kind", "trail_event"}, {"trace_id", "sess-1"}, {"event", {{"event_type", "git_anchor_created"}}}}, spool).ok());
  REQUIRE(spool_append(hook_item("sess-2", "SessionStart", 0), spool).ok());

  auto b = open_and_drain(tmp.path / "bucket", spool);
  REQUIRE(b.ok());
  const DrainReport& rep = (*b)->last_drain();
  CHECK(rep.applied == 7);
  CHECK(rep.events_appended == 7);
  CHECK(rep.quarantined == 0);
  CHECK(count_files(spool) == 0);

  auto ev = (*b)->events("sess-1");
  REQUIRE(ev->size() == 6);
  for (int i = 0; i < 5; ++i) {
    CHECK((*ev)[i]["event_type"] == "hook_event");
    CHECK((*ev)[i]["payload"]["n"] == i);
    CHECK((*ev)[i]["seq"] == i + 1);
    CHECK_FALSE((*ev)[i].contains("kind"));
  }
  CHECK((*ev)[5]["event_type"] == "git_anchor_created");

  auto active = (*b)->traces_active_since(now_ms() - 60000);
  REQUIRE(active->size() == 2);
  CHECK((*active)[0].agent == "claude-code");
  CHECK((*active)[0].cwd == "/home/dev/src/calc");
  // A trace seen only through hooks resolves too.
  CHECK(*(*b)->resolve_prefix("sess-2") == "sess-2");
}

TEST_CASE("drain: an item whose effect is committed but whose file survived is not applied twice", "[bucket][drain]") {
  test::TempDir tmp;
  auto spool = tmp.path / "spool";
  auto item = spool_append(hook_item("sess-c", "PostToolUse", 1), spool);
  REQUIRE(item.ok());
  std::string bytes = *read_file(*item);
  {
    auto b = open_and_drain(tmp.path / "bucket", spool);
    REQUIRE(b.ok());
    CHECK((*b)->events("sess-c")->size() == 1);
    // Simulate a crash after the commit but before the unlink: file back, marker back.
    REQUIRE(write_file_atomic(*item, bytes).ok());
    REQUIRE((*b)->debug_put_raw(keys::spool_done(item->filename().string()), std::string("\0" "1", 2)).ok());
  }
  auto b = open_and_drain(tmp.path / "bucket", spool);
  REQUIRE(b.ok());
  CHECK((*b)->last_drain().already_applied == 1);
  CHECK((*b)->events("sess-c")->size() == 1);
  CHECK(count_files(spool) == 0);
  // Draining an empty spool changes nothing.
  std::string digest = (*(*b)->status())["bucket_digest"];
  REQUIRE((*b)->drain_spool(spool).ok());
  CHECK((*(*b)->status())["bucket_digest"] == digest);
}

TEST_CASE("drain: bad items go to quarantine, good ones still apply", "[bucket][drain]") {
  test::TempDir tmp;
  auto spool = tmp.path / "spool";
  std::filesystem::create_directories(spool);
  REQUIRE(spool_append(hook_item("sess-q", "PostToolUse", 1), spool).ok());
  REQUIRE(write_file_atomic(spool / "0000000000001-1-0-000000.json", "{not json").ok());
  REQUIRE(spool_append(json{{"kind", "mystery"}}, spool).ok());
  REQUIRE(spool_append(json{{"kind", "hook_event"}, {"event", "Stop"}}, spool).ok());  // no session
  REQUIRE(spool_append(json{{"kind", "trail_event"}, {"trace_id", "bad/id"}, {"event", json::object()}}, spool).ok());
  REQUIRE(spool_append(hook_item("sess-q", "PostToolUse", 2), spool).ok());

  auto b = open_and_drain(tmp.path / "bucket", spool);
  REQUIRE(b.ok());
  const auto& rep = (*b)->last_drain();
  CHECK(rep.applied == 2);
  CHECK(rep.quarantined == 4);
  CHECK(count_files(spool) == 0);
  CHECK(count_files(spool / "quarantine") == 4);
  CHECK((*b)->events("sess-q")->size() == 2);
}

TEST_CASE("drain: session ingests wait for a parser; record files are stored", "[bucket][drain]") {
  test::TempDir tmp;
  auto spool = tmp.path / "spool";
  std::string session = std::string(OT_FIXTURES_DIR) + "/sessions/claude-code/cc-calc.jsonl";
  json rec = test::make_record("t-ingest");
  auto rec_file = tmp.path / "record.json";
  REQUIRE(write_file_atomic(rec_file, pretty_json(rec)).ok());
  REQUIRE(spool_append(json{{"kind", "ingest_session"}, {"agent", "claude-code"}, {"path", rec_file.string()}}, spool).ok());
  REQUIRE(spool_append(json{{"kind", "ingest_session"}, {"agent", "claude-code"}, {"path", (tmp.path / "gone.jsonl").string()}}, spool).ok());

  auto b = open_and_drain(tmp.path / "bucket", spool);
  REQUIRE(b.ok());
  const auto& rep = (*b)->last_drain();
  CHECK(rep.records_stored == 1);
  CHECK(rep.quarantined == 1);  // the missing file
  CHECK(*(*b)->get_record("t-ingest") == rec);
  CHECK((*(*b)->row("t-ingest"))["project_slug"] == "calc-1a2b3c4d");

  // A real session file goes through the parser.
  auto pending = spool_append(json{{"kind", "ingest_session"}, {"agent", "claude-code"}, {"path", session}}, spool);
  REQUIRE(pending.ok());
  auto rep2 = (*b)->drain_spool(spool);
  REQUIRE(rep2.ok());
  CHECK(rep2->records_stored == 1);
  CHECK_FALSE(std::filesystem::exists(*pending));
  CHECK((*b)->get_record("70046dd8-3748-42a5-91a4-9d14297adea1").ok());
}

TEST_CASE("drain: every fixture session ingests; re-ingesting is a no-op", "[bucket][drain]") {
  test::TempDir tmp;
  auto spool = tmp.path / "spool";
  std::vector<std::string> files = {"claude-code/cc-calc.jsonl", "claude-code/cc-bugfix.jsonl", "claude-code/cc-subagent.jsonl",
                                    "claude-code/cc-waste.jsonl", "codex/codex-calc.jsonl", "codex/codex-bugfix.jsonl",
                                    "pi/pi-calc.jsonl"};
  for (const auto& f : files)
    REQUIRE(spool_append(json{{"kind", "ingest_session"}, {"path", std::string(OT_FIXTURES_DIR) + "/sessions/" + f}}, spool).ok());
  auto b = open_and_drain(tmp.path / "bucket", spool);
  REQUIRE(b.ok());
  CHECK((*b)->last_drain().records_stored == 7);
  CHECK((*b)->last_drain().quarantined == 0);
  auto st = *(*b)->status();
  CHECK(st["trace_count"] == 7);
  ListOptions codex;
  codex.agent = "codex";
  CHECK((*b)->list(codex)->total == 2);
  ListOptions pi;
  pi.agent = "pi";
  CHECK((*b)->list(pi)->total == 1);
  for (const auto& f : files)
    REQUIRE(spool_append(json{{"kind", "ingest_session"}, {"path", std::string(OT_FIXTURES_DIR) + "/sessions/" + f}}, spool).ok());
  auto again = (*b)->drain_spool(spool);
  REQUIRE(again.ok());
  CHECK(again->applied == 7);
  CHECK(again->records_stored == 0);
  CHECK((*(*b)->status())["bucket_digest"] == st["bucket_digest"]);
}

TEST_CASE("drain: a PostToolUse of an edit tool also records its trace patches", "[bucket][drain]") {
  test::TempDir tmp;
  auto spool = tmp.path / "spool";
  json item = hook_item("sess-edit", "PostToolUse", 0);
  item["payload"] = {{"tool_name", "Edit"},
                     {"tool_use_id", "toolu_01"},
                     {"cwd", "/home/dev/src/calc"},
                     {"tool_input", {{"file_path", "/home/dev/src/calc/calc.py"}, {"old_string", "a"}, {"new_string", "b\nc"}}}};
  REQUIRE(spool_append(item, spool).ok());
  json read = hook_item("sess-edit", "PostToolUse", 1);
  read["payload"] = {{"tool_name", "Read"}, {"tool_use_id", "toolu_02"}, {"tool_input", {{"file_path", "/x"}}}};
  REQUIRE(spool_append(read, spool).ok());
  auto b = open_and_drain(tmp.path / "bucket", spool);
  REQUIRE(b.ok());
  auto ev = *(*b)->events("sess-edit");
  REQUIRE(ev.size() == 3);
  CHECK(ev[0]["event_type"] == "hook_event");
  CHECK(ev[1]["event_type"] == "trace_patch_created");
  CHECK(ev[1]["patch"]["file_path"] == "calc.py");
  CHECK(ev[1]["patch"]["tool_call_id"] == "toolu_01");
  CHECK(ev[2]["event_type"] == "hook_event");
}

TEST_CASE("drain: patches the hook computed become one trace_patch_created per patch id", "[bucket][drain]") {
  test::TempDir tmp;
  auto spool = tmp.path / "spool";
  json patch = {{"patch_id", "sha256:1111"}, {"file_path", "calc.py"}, {"start_line", 3}, {"end_line", 4}};
  json pre = hook_item("sess-p", "PreToolUse", 0);
  pre["patches"] = json::array({patch});
  json post = hook_item("sess-p", "PostToolUse", 1);
  post["patches"] = json::array({patch});
  json again = post;  // the same tool call reported twice
  json codex_pre = hook_item("sess-x", "PreToolUse", 0);
  codex_pre["agent"] = "codex";
  codex_pre["patches"] = json::array({{{"patch_id", "sha256:2222"}, {"file_path", "a.py"}}});
  for (const auto& i : {pre, post, again, codex_pre}) REQUIRE(spool_append(i, spool).ok());
  auto b = open_and_drain(tmp.path / "bucket", spool);
  REQUIRE(b.ok());
  auto ev = *(*b)->events("sess-p");
  std::vector<json> patches;
  for (const auto& e : ev)
    if (e["event_type"] == "trace_patch_created") patches.push_back(e["patch"]);
  REQUIRE(patches.size() == 1);
  CHECK(patches[0]["start_line"] == 3);  // from the PostToolUse, not the range-less PreToolUse
  CHECK(ev.size() == 4);
  auto cx = *(*b)->events("sess-x");
  REQUIRE(cx.size() == 2);
  CHECK(cx[1]["patch"]["patch_id"] == "sha256:2222");
}

TEST_CASE("drain: many items are committed in batches without losing any", "[bucket][drain]") {
  test::TempDir tmp;
  auto spool = tmp.path / "spool";
  for (int i = 0; i < 600; ++i) REQUIRE(spool_append(hook_item("sess-" + std::to_string(i % 7), "PostToolUse", i), spool).ok());
  auto b = open_and_drain(tmp.path / "bucket", spool);
  REQUIRE(b.ok());
  CHECK((*b)->last_drain().applied == 600);
  CHECK((*(*b)->status())["event_count"] == 600);
  size_t total = 0;
  for (int s = 0; s < 7; ++s) {
    auto ev = (*b)->events("sess-" + std::to_string(s));
    for (size_t i = 1; i < ev->size(); ++i) CHECK((*ev)[i]["payload"]["n"] > (*ev)[i - 1]["payload"]["n"]);
    total += ev->size();
  }
  CHECK(total == 600);
}
