// Context tree shape and per-step messages, checked against hand-derived expectations
// for crafted transcripts (tests/fixtures/ctx/) and the real fixture sessions.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/ctx/tree.h"
#include "engine/parse/session.h"
#include "engine/schema/record.h"
#include "engine/util/hash.h"

namespace fs = std::filesystem;
using ot::json;

namespace {

json parse_fixture(const fs::path& p) {
  auto r = ot::parse::parse_session_file(p);
  REQUIRE(r.ok());
  return ot::schema::to_json(*r);
}

fs::path ctx_fixture(const std::string& name) { return fs::path(OT_FIXTURES_DIR) / "ctx" / name; }
fs::path session_fixture(const std::string& name) { return fs::path(OT_FIXTURES_DIR) / "sessions" / name; }

// The messages of a chain head, oldest first, from the built blobs.
std::vector<json> messages_of(const ot::ctx::Built& b, const json& head) {
  std::vector<json> out;
  std::string cur = head.is_string() ? head.get<std::string>() : "";
  while (!cur.empty()) {
    json link = json::parse(b.blobs.at(cur));
    out.insert(out.begin(), json::parse(b.blobs.at(link["msg"].get<std::string>())));
    cur = link["prev"].is_string() ? link["prev"].get<std::string>() : "";
  }
  return out;
}

std::vector<json> context_at(const ot::ctx::Built& b, int step) {
  const json& node = b.tree["nodes"][static_cast<size_t>(step)];
  std::string id = node["messages_layer_id"].get<std::string>().substr(7);
  json layer = json::parse(b.blobs.at(id));
  auto msgs = messages_of(b, layer["content"]["chain"]);
  REQUIRE(static_cast<int64_t>(msgs.size()) == layer["content"]["count"].get<int64_t>());
  return msgs;
}

// "role:first 12 chars of content" for compact expectations.
std::vector<std::string> brief(const std::vector<json>& msgs) {
  std::vector<std::string> out;
  for (const auto& m : msgs) {
    std::string c = m["content"].is_string() ? m["content"].get<std::string>().substr(0, 12) : "";
    out.push_back(m["role"].get<std::string>() + ":" + c);
  }
  return out;
}

std::string branch(const json& tree, int step) { return tree["nodes"][static_cast<size_t>(step)]["branch_type"]; }
bool orphan(const json& tree, int step) { return tree["nodes"][static_cast<size_t>(step)]["x"]["orphan"]; }
std::string parent_step_of(const json& tree, int step) {
  const json& p = tree["nodes"][static_cast<size_t>(step)]["parent_node_id"];
  if (p.is_null()) return "none";
  for (const auto& n : tree["nodes"])
    if (n["node_id"] == p) return std::to_string(n["step_index"].get<int>());
  return "?";
}

}  // namespace

TEST_CASE("ctx: crafted session with a rewind, a compaction and a sub-agent", "[ctx]") {
  json rec = parse_fixture(ctx_fixture("cc-branchy.jsonl"));
  // Steps (file order, the sub-agent spliced after the step that started it):
  // 0 U0 prompt, 1 A1 Read, 2 A2 answer, 3 U3 "delete", 4 A4, 5 U5 (rewind to after 2),
  // 6 A6, 7 U7 (after the compaction), 8 A8 Agent, 9-11 sub-agent, 12 A9.
  REQUIRE(rec["steps"].size() == 13);
  auto b = ot::ctx::build_tree(rec);
  const json& t = b.tree;
  REQUIRE(t["nodes"].size() == 13);

  CHECK(t["branch_counts"]["root"] == 1);
  CHECK(t["branch_counts"]["linear"] == 9);
  CHECK(t["branch_counts"]["rewind_branch"] == 1);
  CHECK(t["branch_counts"]["compaction_fork"] == 1);
  CHECK(t["branch_counts"]["subagent_fork"] == 1);
  CHECK(t["branch_counts"]["manual_branch"] == 0);

  CHECK(branch(t, 0) == "root");
  CHECK(branch(t, 5) == "rewind_branch");
  CHECK(parent_step_of(t, 5) == "2");
  CHECK(branch(t, 7) == "compaction_fork");
  CHECK(parent_step_of(t, 7) == "6");  // across the boundary by logicalParentUuid
  CHECK(branch(t, 9) == "subagent_fork");
  CHECK(parent_step_of(t, 9) == "8");
  CHECK(t["nodes"][9]["subagent_session_id"] == "sub1");
  CHECK(parent_step_of(t, 12) == "8");  // the main track continues after the sub-agent
  CHECK(parent_step_of(t, 10) == "9");

  // Active leaf: the last main step; the rewound turn (3, 4) is the one orphan branch.
  CHECK(t["active_leaf_id"] == t["nodes"][12]["node_id"]);
  CHECK(t["root_node_id"] == t["nodes"][0]["node_id"]);
  for (int i = 0; i < 13; ++i) CHECK(orphan(t, i) == (i == 3 || i == 4));
  REQUIRE(t["orphan_branch_roots"].size() == 1);
  CHECK(t["orphan_branch_roots"][0] == t["nodes"][3]["node_id"]);
  CHECK(t["subagent_session_ids"] == json::array({"sub1"}));

  // What the model had when each step began.
  using V = std::vector<std::string>;
  CHECK(brief(context_at(b, 0)).empty());
  CHECK(brief(context_at(b, 1)) == V{"user:Read notes.t"});
  CHECK(brief(context_at(b, 2)) == V{"user:Read notes.t", "assistant:Reading it.", "tool:1\tbuy milk\n2"});
  CHECK(brief(context_at(b, 4)) ==
        V{"user:Read notes.t", "assistant:Reading it.", "tool:1\tbuy milk\n2", "assistant:It lists two", "user:Now delete t"});
  // After the rewind the deleted-file turn is gone.
  CHECK(brief(context_at(b, 6)) ==
        V{"user:Read notes.t", "assistant:Reading it.", "tool:1\tbuy milk\n2", "assistant:It lists two", "user:Instead, add"});
  // After the compaction: only the summary.
  CHECK(brief(context_at(b, 7)) == V{"user:This session"});
  CHECK(brief(context_at(b, 12)) == V{"user:This session", "user:Have a helpe", "assistant:", "tool:README.md wr"});
  // The sub-agent starts from its own prompt.
  CHECK(brief(context_at(b, 9)).empty());
  CHECK(brief(context_at(b, 11)) == V{"user:SUBTASK: wri", "assistant:", "tool:File created"});
  // Tool calls ride on the assistant message.
  CHECK(context_at(b, 12)[2]["tool_calls"][0]["name"] == "Agent");

  // The compaction record: what it dropped.
  REQUIRE(t["compactions"].size() == 1);
  const json& c = t["compactions"][0];
  CHECK(c["pre_node_id"] == t["nodes"][6]["node_id"]);
  CHECK(c["post_node_id"] == t["nodes"][7]["node_id"]);
  CHECK(c["removed_message_count"] == 6);
  CHECK(c["removed_message_uuids"] == json::array({"u0", "a1", "a2", "u5", "a6"}));
  CHECK(c["trigger"] == "manual");
  CHECK(c["pre_tokens"] == 1234);

  // Limitations of transcript reconstruction.
  CHECK(t["limitations"] == json::array({"builtin_tool_schemas_inferred", "static_system_prompt_core_unknown"}));
}

TEST_CASE("ctx: ids are content addresses and deterministic", "[ctx]") {
  json rec = parse_fixture(ctx_fixture("cc-branchy.jsonl"));
  auto a = ot::ctx::build_tree(rec);
  auto b = ot::ctx::build_tree(rec);
  CHECK(a.tree == b.tree);
  // Every blob is stored under the sha256 of its bytes.
  for (const auto& [hex, bytes] : a.blobs) REQUIRE(ot::sha256_hex(bytes) == hex);
  // Identical layers dedupe: every node shares the one tool registry and system stub.
  std::set<std::string> tools, systems;
  for (const auto& n : a.tree["nodes"]) {
    tools.insert(n["tool_registry_layer_id"].get<std::string>());
    systems.insert(n["system_layer_id"].get<std::string>());
  }
  CHECK(tools.size() == 1);
  CHECK(systems.size() == 1);
  // The rewound branch and the active one share the common prefix: node 3 and node 5
  // see the same conversation, so the same messages layer.
  CHECK(a.tree["nodes"][3]["messages_layer_id"] == a.tree["nodes"][5]["messages_layer_id"]);
  // A node id changes when anything about it changes (here: the trace id).
  json other = rec;
  other["trace_id"] = "another";
  auto c = ot::ctx::build_tree(other);
  CHECK(c.tree["nodes"][0]["node_id"] != a.tree["nodes"][0]["node_id"]);
  CHECK(c.tree["nodes"][4]["messages_layer_id"] == a.tree["nodes"][4]["messages_layer_id"]);
}

TEST_CASE("ctx: real sub-agent session and linear agents", "[ctx]") {
  json rec = parse_fixture(session_fixture("claude-code/cc-subagent.jsonl"));
  auto b = ot::ctx::build_tree(rec);
  const json& t = b.tree;
  size_t n = rec["steps"].size();
  REQUIRE(t["nodes"].size() == n);
  CHECK(t["branch_counts"]["subagent_fork"] == 1);
  CHECK(t["branch_counts"]["root"] == 1);
  CHECK(t["branch_counts"]["rewind_branch"] == 0);
  CHECK(t["orphan_branch_roots"].empty());
  CHECK(t["subagent_session_ids"] == json::array({"a969c1d0cd0610601"}));

  // The calc session was resumed with a second prompt: still one linear chain.
  json calc = parse_fixture(session_fixture("claude-code/cc-calc.jsonl"));
  auto cb = ot::ctx::build_tree(calc);
  CHECK(cb.tree["branch_counts"]["root"] == 1);
  CHECK(cb.tree["branch_counts"]["linear"] == calc["steps"].size() - 1);

  // Codex and Pi (no transcript graph in the record): linear in step order.
  for (const char* f : {"codex/codex-calc.jsonl", "pi/pi-calc.jsonl"}) {
    json r = parse_fixture(session_fixture(f));
    auto x = ot::ctx::build_tree(r);
    CHECK(x.tree["branch_counts"]["root"] == 1);
    CHECK(x.tree["branch_counts"]["linear"] == r["steps"].size() - 1);
    // The last step saw every earlier step's messages.
    json last = x.tree["nodes"].back();
    int64_t expect = 0;
    for (size_t i = 0; i + 1 < r["steps"].size(); ++i) expect += static_cast<int64_t>(ot::ctx::step_messages(r["steps"][i]).size());
    CHECK(last["x"]["message_count"] == expect);
  }
  // Codex records carry their system prompt: a full system layer.
  json codex = parse_fixture(session_fixture("codex/codex-calc.jsonl"));
  auto cx = ot::ctx::build_tree(codex);
  std::string sys = cx.tree["nodes"][1]["system_layer_id"].get<std::string>().substr(7);
  CHECK(json::parse(cx.blobs.at(sys))["completeness"] != "stub");
}

TEST_CASE("ctx: Codex compaction forks the tree at the step after it", "[ctx]") {
  json rec = {{"trace_id", "cx-1"},
              {"agent", {{"name", "codex"}}},
              {"metadata", {{"compactions", json::array({{{"summary", "S"}, {"before_step", 2}}})}}},
              {"steps", json::array({{{"role", "user"}, {"content", "a"}},
                                     {{"role", "agent"}, {"content", "b"}},
                                     {{"role", "user"}, {"content", "c"}},
                                     {{"role", "agent"}, {"content", "d"}}})}};
  auto b = ot::ctx::build_tree(rec);
  CHECK(branch(b.tree, 2) == "compaction_fork");
  CHECK(parent_step_of(b.tree, 2) == "1");
  CHECK(brief(context_at(b, 3)) == std::vector<std::string>{"user:S", "user:c"});
  CHECK(b.tree["compactions"][0]["removed_message_count"] == 2);
}

TEST_CASE("ctx: messages are stored once, not once per step", "[ctx][storage]") {
  // A long Claude Code session: 250 turns of prompt → tool call → result → answer.
  std::ostringstream s;
  std::string parent = "null";
  auto line = [&](const std::string& uuid, const std::string& type, const std::string& msg, const std::string& extra = "") {
    s << "{\"type\":\"" << type << "\",\"uuid\":\"" << uuid << "\",\"parentUuid\":" << parent
      << ",\"sessionId\":\"long-1\",\"cwd\":\"/w\",\"timestamp\":\"2026-03-01T10:00:00.000Z\"" << extra
      << ",\"message\":" << msg << "}\n";
    parent = "\"" + uuid + "\"";
  };
  std::string filler(600, 'x');
  for (int i = 0; i < 250; ++i) {
    std::string k = std::to_string(i);
    line("u" + k, "user", "{\"role\":\"user\",\"content\":\"prompt " + k + " " + filler + "\"}");
    line("a" + k, "assistant",
         "{\"id\":\"m" + k + "\",\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t" + k +
             "\",\"name\":\"Read\",\"input\":{\"file_path\":\"/w/f" + k + "\"}}]}");
    line("r" + k, "user",
         "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t" + k + "\",\"content\":\"" + filler +
             k + "\"}]}");
    line("b" + k, "assistant", "{\"id\":\"n" + k + "\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"done " + k + "\"}]}");
  }
  std::string text = s.str();
  std::istringstream in(text);
  auto r = ot::parse::parse_claude_code(in, {});
  REQUIRE(r.ok());
  json rec = ot::schema::to_json(*r);
  REQUIRE(rec["steps"].size() == 750);
  auto b = ot::ctx::build_tree(rec);
  // Everything the context tree stores in c/ (layers, chain links, messages) for 750
  // steps, against the session file: a prefix copy per step would be ~250x.
  size_t stored = 0;
  for (const auto& [hex, bytes] : b.blobs) stored += bytes.size() + hex.size() + 2;
  INFO("stored " << stored << " bytes for a " << text.size() << " byte session");
  CHECK(stored <= 3 * text.size());
  // And the last step still sees the whole conversation.
  CHECK(b.tree["nodes"].back()["x"]["message_count"] == 999);
}
