#include "engine/discovery/skills.h"

#include <catch2/catch.hpp>

#include "../bucket/test_support.h"
#include "fixtures.h"

using namespace ot;
using namespace ot::discovery;

TEST_CASE("skills: Skill calls, slash commands and Pi skills, each use once", "[discovery][skills]") {
  auto bug = skills_in(test::fixture("sessions/claude-code/cc-bugfix.jsonl"));
  REQUIRE(bug.size() == 1);  // the Skill call is also in metadata.skills_invoked: still one use
  CHECK(bug[0].skill == "release-notes");
  CHECK(bug[0].source == "skill_tool");
  CHECK(bug[0].step_index == 12);

  auto crafted = skills_in(test::signals());
  REQUIRE(crafted.size() == 2);
  CHECK(crafted[0].skill == "lint-rules");
  CHECK(crafted[1].skill == "deploy-check");
  CHECK(crafted[1].source == "slash_command");
  CHECK(skills_in(test::clean()).empty());

  schema::TraceRecord pi;
  pi.trace_id = "pi-1";
  schema::Step s;
  s.role = "user";
  s.content = "/skill:refactor the parser";
  pi.steps.push_back(s);
  s.step_index = 1;
  s.content = "<skill name=\"refactor\" location=\"/x\">...</skill>\n<command-name>/clear</command-name>";
  pi.steps.push_back(s);
  auto p = skills_in(pi);
  REQUIRE(p.size() == 2);  // two uses; the built-in /clear is no skill
  CHECK(p[0].skill == "refactor");
  CHECK(p[0].source == "pi_skill");
}

TEST_CASE("skills: ranked across the bucket by invocations", "[discovery][skills]") {
  bucket::test::TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  for (const char* f : {"sessions/claude-code/cc-bugfix.jsonl", "crafted/cc-signals.jsonl", "crafted/cc-clean.jsonl"})
    REQUIRE((*b)->put_record(schema::to_json(test::fixture(f))).ok());
  auto ranked = rank_skills(**b, {});
  REQUIRE(ranked.ok());
  CHECK((*ranked)["traces_scanned"] == 3);
  CHECK((*ranked)["total_skills"] == 3);
  CHECK((*ranked)["total_invocations"] == 3);
  bool release = false;
  for (const auto& s : (*ranked)["skills"])
    if (s["skill"] == "release-notes") {
      release = true;
      CHECK(s["invocations"] == 1);
      CHECK(s["traces"] == 1);
    }
  CHECK(release);
  SkillOptions only;
  only.skill = "lint-rules";
  CHECK((*rank_skills(**b, only))["skills"].size() == 1);
  SkillOptions one;
  one.limit = 1;
  auto top = rank_skills(**b, one);
  CHECK((*top)["skills"].size() == 1);
  CHECK((*top)["has_more"] == true);
}
