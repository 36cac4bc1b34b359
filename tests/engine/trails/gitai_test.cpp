#include "engine/trails/gitai.h"

#include <catch2/catch.hpp>

using namespace ot::trails;

namespace {
const char* kNote =
    "src/main.rs\n"
    "  s_0123456789abcd::t_abcdefabcdef01 1-10,15-20\n"
    "  h_ffffffffffffff 12\n"
    "\"dir with space/x.py\"\n"
    "  s_0123456789abcd 3-4\n"
    "---\n"
    "{\"schema_version\":\"authorship/3.0.0\",\"base_commit_sha\":\"abc\",\"prompts\":{},"
    "\"sessions\":{\"s_0123456789abcd\":{\"agent_id\":{\"tool\":\"claude\",\"id\":\"conv-1\",\"model\":\"claude-opus-4-5\"}}},"
    "\"humans\":{\"h_ffffffffffffff\":{\"author\":\"Ada <ada@example.com>\"}}}\n";
}

TEST_CASE("parse_gitai_note reads paths, keyed ranges and metadata", "[trails][gitai]") {
  auto n = parse_gitai_note(kNote);
  REQUIRE(n);
  CHECK(n->schema_version == "authorship/3.0.0");
  REQUIRE(n->files.size() == 2);
  CHECK(n->files[0].path == "src/main.rs");
  CHECK(n->files[1].path == "dir with space/x.py");
  REQUIRE(n->files[0].entries.size() == 2);
  CHECK(n->files[0].entries[0].ranges == std::vector<std::pair<int, int>>{{1, 10}, {15, 20}});
  CHECK(n->files[0].entries[1].ranges == std::vector<std::pair<int, int>>{{12, 12}});

  const GitAiEntry* e = n->entry_at("src/main.rs", 16);
  REQUIRE(e);
  GitAiAuthor a = n->resolve(e->key);
  CHECK_FALSE(a.human);
  CHECK(a.session == "s_0123456789abcd");
  CHECK(a.tool == "claude");
  CHECK(a.model == "claude-opus-4-5");
  CHECK(a.conversation == "conv-1");
  GitAiAuthor h = n->resolve(n->entry_at("src/main.rs", 12)->key);
  CHECK(h.human);
  CHECK(h.author == "Ada <ada@example.com>");
  CHECK(n->entry_at("src/main.rs", 11) == nullptr);
  CHECK(n->entry_at("other.rs", 1) == nullptr);
}

TEST_CASE("gitai_facts turns agent ranges into weak facts, skipping humans", "[trails][gitai]") {
  auto n = parse_gitai_note(kNote);
  REQUIRE(n);
  auto facts = gitai_facts(*n);
  REQUIRE(facts.size() == 3);
  CHECK(facts[0].agent == "claude-code (git-ai)");
  CHECK(facts[0].tier == kGitAiTier);
  CHECK(facts[0].start_line == 1);
  CHECK(facts[0].end_line == 10);
  CHECK(facts[2].file == "dir with space/x.py");
  CHECK(tier_rank(kGitAiTier) > tier_rank("structural_symbol"));
}

TEST_CASE("parse_gitai_note is lenient: legacy prompt keys, bad JSON, garbage", "[trails][gitai]") {
  auto legacy = parse_gitai_note("a.py\n  0123456789abcdef 2-3\n---\n{\"prompts\":{\"0123456789abcdef\":{\"agent_id\":{\"tool\":\"cursor\",\"model\":\"gpt-5\"}}}}");
  REQUIRE(legacy);
  GitAiAuthor a = legacy->resolve(legacy->entry_at("a.py", 2)->key);
  CHECK(a.tool == "cursor");
  CHECK(gitai_agent_name(a.tool) == "cursor");
  auto broken = parse_gitai_note("a.py\n  s_1 1-2\n---\n{not json");
  REQUIRE(broken);
  CHECK(broken->metadata.empty());
  CHECK(broken->resolve("s_1").tool.empty());
  CHECK_FALSE(parse_gitai_note(""));
  CHECK(parse_gitai_ranges("5-3,x,7,9-12,") == std::vector<std::pair<int, int>>{{7, 7}, {9, 12}});
}
