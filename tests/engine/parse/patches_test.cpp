#include <catch2/catch.hpp>

#include <fstream>

#include "engine/parse/patches.h"

using ot::json;
using namespace ot::parse;

namespace {
PatchContext ctx(const std::string& call_id, const std::string& cwd = "/home/dev/src/calc") {
  return PatchContext{"session-1", cwd, 4, call_id, {"transcript"}};
}

// The JSON line of a fixture whose text contains `needle`.
json fixture_line(const std::string& rel, const std::string& needle) {
  std::ifstream in(std::string(OT_FIXTURES_DIR) + "/sessions/" + rel);
  std::string line;
  while (std::getline(in, line))
    if (line.find(needle) != std::string::npos) return json::parse(line);
  FAIL("no line with " << needle << " in " << rel);
  return {};
}
}  // namespace

TEST_CASE("normalize_file_path: relative under cwd, absolute outside", "[parse][patches]") {
  CHECK(normalize_file_path("/repo/src/./a.py", "/repo", "/repo") == "src/a.py");
  CHECK(normalize_file_path("./src/a.py", "/repo", "/repo") == "src/a.py");
  CHECK(normalize_file_path("src/../b.py", "/repo/sub", "/repo") == "sub/b.py");
  CHECK(normalize_file_path("/etc/hosts", "/repo", "/repo") == "/etc/hosts");
  CHECK(normalize_file_path("/repo-other/x", "/repo", "/repo") == "/repo-other/x");
  CHECK(normalize_file_path("../up.txt", "/repo", "/repo") == "/up.txt");
  CHECK(normalize_file_path("./a.py", "", "") == "a.py");
  CHECK(normalize_file_path("", "/repo", "/repo").empty());
}

TEST_CASE("Claude Code Write and Edit from the cc-calc fixture", "[parse][patches]") {
  json w = fixture_line("claude-code/cc-calc.jsonl", "\"toolu_0001\",\"name\":\"Write\"");
  json input = w["message"]["content"][0]["input"];
  auto ps = patches_from_tool_call("Write", input, ctx("toolu_0001"));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].file_path == "calc.py");
  CHECK(ps[0].operation == "create");
  CHECK(ps[0].authored_text == "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n");
  CHECK(ps[0].old_text.empty());
  CHECK(ps[0].step_index == 4);
  CHECK(ps[0].tool_name == "Write");
  CHECK(ps[0].capture_method == std::vector<std::string>{"transcript"});
  CHECK(ps[0].patch_id == ot::schema::make_patch_id("session-1", "toolu_0001", "calc.py", 0, ps[0].authored_text));

  json e = fixture_line("claude-code/cc-calc.jsonl", "\"toolu_0005\",\"name\":\"Edit\"");
  auto es = patches_from_tool_call("Edit", e["message"]["content"][0]["input"], ctx("toolu_0005"));
  REQUIRE(es.size() == 1);
  CHECK(es[0].authored_text == "    result = a * b\n    return result");
  CHECK(es[0].old_text == "    return a * b");
  CHECK(es[0].operation == "edit");
}

TEST_CASE("hook payload and transcript give the same patch id", "[parse][patches]") {
  json input = {{"file_path", "/home/dev/src/calc/calc.py"}, {"old_string", "a"}, {"new_string", "b"}};
  PatchContext hook{"session-1", "/home/dev/src/calc", 0, "toolu_9", {"hook_posttooluse"}};
  PatchContext transcript{"session-1", "/home/dev/src/calc/", 17, "toolu_9", {"transcript"}};
  auto a = patches_from_tool_call("Edit", input, hook);
  auto b = patches_from_tool_call("Edit", input, transcript);
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  REQUIRE(a[0].patch_id == b[0].patch_id);
  REQUIRE(a[0].step_index != b[0].step_index);
}

TEST_CASE("MultiEdit gives one patch per edit with distinct ids", "[parse][patches]") {
  json input = {{"file_path", "/home/dev/src/calc/a.py"},
                {"edits", {{{"old_string", "x"}, {"new_string", "y"}}, {{"old_string", "p"}, {"new_string", "y"}}}}};
  auto ps = patches_from_tool_call("MultiEdit", input, ctx("c1"));
  REQUIRE(ps.size() == 2);
  CHECK(ps[1].hunk_index == 1);
  CHECK(ps[1].old_text == "p");
  CHECK(ps[0].patch_id != ps[1].patch_id);
}

TEST_CASE("NotebookEdit and unknown tools", "[parse][patches]") {
  auto nb = patches_from_tool_call("NotebookEdit",
                                   {{"notebook_path", "/home/dev/src/calc/n.ipynb"}, {"new_source", "print(1)"}},
                                   ctx("c1"));
  REQUIRE(nb.size() == 1);
  CHECK(nb[0].file_path == "n.ipynb");
  CHECK(patches_from_tool_call("Read", {{"file_path", "/x"}}, ctx("c1")).empty());
  CHECK(patches_from_tool_call("Bash", {{"command", "apply_patch <<EOF\n*** Begin Patch\n*** Add File: a\n+1\n*** End Patch\nEOF"}},
                               ctx("c1")).empty());
  CHECK(patches_from_tool_call("Edit", json::array(), ctx("c1")).empty());
  CHECK(patches_from_tool_call("Edit", json("not json"), ctx("c1")).empty());
  CHECK(patches_from_tool_call("Write", json::object(), ctx("c1")).empty());
}

TEST_CASE("Codex exec_command apply_patch heredoc from the codex-calc fixture", "[parse][patches]") {
  json add = fixture_line("codex/codex-calc.jsonl", "\"call_id\":\"toolu_0002\"");
  std::string args = add["payload"]["arguments"];
  // arguments is a JSON string, as in the rollout file
  auto ps = patches_from_tool_call("exec_command", json(args), ctx("toolu_0002"));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].file_path == "calc.py");
  CHECK(ps[0].operation == "create");
  CHECK(ps[0].authored_text == "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n");

  json upd = fixture_line("codex/codex-calc.jsonl", "\"call_id\":\"toolu_0011\"");
  auto us = patches_from_tool_call("exec_command", json::parse(upd["payload"]["arguments"].get<std::string>()),
                                   ctx("toolu_0011"));
  REQUIRE(us.size() == 1);
  CHECK(us[0].operation == "edit");
  CHECK(us[0].authored_text == "    \"\"\"Return the sum of a and b.\"\"\"\n");
  CHECK(us[0].old_text.empty());
}

TEST_CASE("Codex workdir resolves relative patch paths; plain shell is ignored", "[parse][patches]") {
  json input = {{"cmd", "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: m.py\n@@\n-a\n+b\n*** End Patch\nEOF"},
                {"workdir", "/home/dev/src/calc/pkg"}};
  auto ps = patches_from_tool_call("exec_command", input, ctx("c1"));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].file_path == "pkg/m.py");
  CHECK(patches_from_tool_call("exec_command", {{"cmd", "ls -la"}}, ctx("c1")).empty());
  json argv = {{"command", {"bash", "-lc", "apply_patch <<'EOF'\n*** Begin Patch\n*** Delete File: z.py\n*** End Patch\nEOF"}}};
  auto ds = patches_from_tool_call("shell", argv, ctx("c1"));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].operation == "delete");
  auto raw = patches_from_tool_call("apply_patch", json("*** Begin Patch\n*** Add File: q.txt\n+q\n*** End Patch\n"), ctx("c1"));
  REQUIRE(raw.size() == 1);
  CHECK(raw[0].file_path == "q.txt");
}

TEST_CASE("Pi write and edit from the pi-calc fixture", "[parse][patches]") {
  json w = fixture_line("pi/pi-calc.jsonl", "\"id\":\"toolu_0001\"");
  auto ws = patches_from_tool_call("write", w["message"]["content"][2]["arguments"], ctx("toolu_0001"));
  REQUIRE(ws.size() == 1);
  CHECK(ws[0].file_path == "calc.py");
  CHECK(ws[0].operation == "create");
  json e = fixture_line("pi/pi-calc.jsonl", "\"id\":\"toolu_0010\"");
  auto es = patches_from_tool_call("edit", e["message"]["content"][0]["arguments"], ctx("toolu_0010"));
  REQUIRE(es.size() == 1);
  CHECK(es[0].old_text == "def mul(a, b):\n    result = a * b");
  CHECK(es[0].authored_text == "def mul(a, b, c=1):\n    result = a * b * c");
}

TEST_CASE("apply_patch sections without a path give no patch", "[parse][patches]") {
  auto ps = patches_from_tool_call("apply_patch", json("*** Begin Patch\n*** Add File:\n+x\n*** End Patch\n"), ctx("c1"));
  CHECK(ps.empty());
}
