#include "engine/discovery/bursts.h"

#include <catch2/catch.hpp>

#include "../../notes/temp_repo.h"
#include "../bucket/test_support.h"
#include "engine/trails/fact.h"
#include "fixtures.h"

using namespace ot;
using namespace ot::discovery;
namespace dt = ot::discovery::test;

namespace {

std::vector<Burst> bursts_of(const schema::TraceRecord& r, int gap, const BurstContext& ctx = {}) {
  BurstOptions o;
  o.gap = gap;
  return compute_bursts(r, build_map(r), ctx, o);
}

std::string call_at(const schema::TraceRecord& r, int step) { return r.steps.at(static_cast<size_t>(step)).tool_calls.at(0).tool_call_id; }

}  // namespace

TEST_CASE("bursts: edits split where the step gap exceeds --burst-gap", "[discovery][bursts]") {
  const auto& r = dt::signals();  // patches at steps 1, 2, 5 and 59
  auto two = bursts_of(r, 35);
  REQUIRE(two.size() == 2);
  CHECK(two[0].from_step == 1);
  CHECK(two[0].to_step == 5);
  CHECK(two[0].unique_files == std::map<std::string, int>{{"parser.py", 2}, {"test_parser.py", 1}});
  CHECK(two[0].patches.size() == 3);
  CHECK(two[1].from_step == 59);
  CHECK(two[1].to_step == 59);
  CHECK(bursts_of(r, 54).size() == 1);   // 59 - 5 = 54 is not more than 54
  CHECK(bursts_of(r, 53).size() == 2);
  CHECK(bursts_of(r, 2).size() == 3);    // 5 - 2 = 3 > 2
  CHECK(bursts_of(r, 0).size() == 3);    // the gap is at least 1

  // Intent: the burst's prompt; the second burst follows the user's correction.
  CHECK(two[0].intent_user_step == 0);
  CHECK(two[0].intent_text.rfind("Add a parse_row function", 0) == 0);
  CHECK(two[1].intent_user_step == 8);
  CHECK(two[1].intent["trigger"].is_null());
  // Without hooks, notes or git: the agent's own `git commit` output is the last resort; there is none here.
  CHECK(two[0].commit_sha.empty());
  CHECK(bursts_of(dt::clean(), 35).size() == 1);
}

TEST_CASE("bursts: the commit comes from the Trails notes, else from the HEAD the hooks saw", "[discovery][bursts]") {
  ot::test::TempRepo repo;
  bucket::test::TempDir tmp;
  auto opened = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(opened.ok());
  auto& b = **opened;

  schema::TraceRecord r = dt::signals();
  r.metadata["cwd"] = repo.dir().string();
  REQUIRE(b.put_record(schema::to_json(r)).ok());

  repo.write("README.md", "x\n");
  std::string base = repo.commit("human start");
  repo.write("parser.py", "def parse_row(line):\n    return line.split(',')\n");
  repo.write("test_parser.py", "from parser import parse_row\n\nassert parse_row('a,b') == ['a', 'b']\n");
  std::string c1 = repo.commit("Add parse_row");
  repo.write("parser.py", "import csv\n\n\ndef parse_row(line):\n    return next(csv.reader([line]))\n");
  std::string c2 = repo.commit("Use csv");

  // Notes on c1 for the first burst's patches (as post-commit / trail attach write them).
  std::vector<trails::Fact> facts;
  for (const auto& p : r.patches) {
    if (p.step_index > 5) continue;
    trails::Fact f;
    f.trace_id = r.trace_id;
    f.agent = "claude-code";
    f.patch_id = p.patch_id;
    f.step_index = p.step_index;
    f.file = p.file_path;
    f.start_line = 1;
    f.end_line = 2;
    f.tier = "exact_range_hash";
    f.firmness = "firm";
    f.anchor_id = trails::anchor_id_for(f, c1);
    facts.push_back(f);
  }
  repo.write("note.txt", trails::render_note(facts));
  repo.git("notes --ref=opentraces add -F note.txt " + c1);
  std::remove((repo.dir() / "note.txt").c_str());

  // Hook events: HEAD was c1 before the second burst's edit and c2 after the test run.
  REQUIRE(b.append_events(r.trace_id, {
      json{{"event_type", "hook_event"}, {"event", "PreToolUse"}, {"git", {{"head", c1}}},
           {"payload", {{"tool_use_id", call_at(r, 58)}}}},
      json{{"event_type", "hook_event"}, {"event", "PreToolUse"}, {"git", {{"head", c1}}},
           {"payload", {{"tool_use_id", call_at(r, 59)}}}},
      json{{"event_type", "hook_event"}, {"event", "PostToolUse"}, {"git", {{"head", c2}}},
           {"payload", {{"tool_use_id", call_at(r, 60)}}}}}).ok());

  auto ctx = burst_context(b, r, true);
  REQUIRE(ctx.ok());
  CHECK(ctx->patch_anchors.size() == 3);
  auto bursts = bursts_of(r, 35, *ctx);
  REQUIRE(bursts.size() == 2);

  CHECK(bursts[0].commit_sha == c1);
  CHECK(bursts[0].commit_source == "notes");
  CHECK(bursts[0].commit_subject == "Add parse_row");
  // The step-5 edit refines the step-1 write (its old text lies in the new text): one patch per file.
  REQUIRE(bursts[0].patches.size() == 2);
  CHECK(bursts[0].patches[0]["file_path"] == "parser.py");
  CHECK(bursts[0].patches[0]["commit_sha"] == c1);
  CHECK(bursts[0].patches[0]["git_anchor_id"].get<std::string>().rfind("gitanchor-sha256:", 0) == 0);
  CHECK(bursts[0].patches[1]["file_path"] == "test_parser.py");
  CHECK(bursts[0].to_json()["has_git_anchor"] == true);

  CHECK(bursts[1].commit_sha == c2);
  CHECK(bursts[1].commit_source == "git_head");
  CHECK(bursts[1].commit_step == 60);
  CHECK(bursts[1].commit_subject == "Use csv");

  // No lookups: the commit is still named, the patches stay as recorded.
  BurstOptions no_lookup;
  no_lookup.commit_lookup = false;
  auto raw = compute_bursts(r, build_map(r), *ctx, no_lookup);
  CHECK(raw[0].commit_sha == c1);
  CHECK(raw[0].patches.size() == 3);
  CHECK(raw[0].commit_subject.empty());
  (void)base;
}

TEST_CASE("bursts: as map nodes chained in order", "[discovery][bursts]") {
  const auto& r = dt::signals();
  json m = bursts_as_map(r.trace_id, bursts_of(r, 35));
  REQUIRE(m["nodes"].size() == 2);
  CHECK(m["nodes"][0]["node_id"] == "tmn:" + r.trace_id + ":burst:0");
  CHECK(m["nodes"][0]["action_type"] == "change_burst");
  REQUIRE(m["edges"].size() == 1);
  CHECK(m["edges"][0]["source_node_id"] == m["nodes"][0]["node_id"]);
  CHECK(m["edges"][0]["target_node_id"] == m["nodes"][1]["node_id"]);
}
