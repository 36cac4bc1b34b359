#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include "engine/hub/publish.h"

using namespace ot;

namespace {

// The YAML front matter of a card (between the first two `---` lines), parsed.
YAML::Node front_matter(const std::string& card) {
  REQUIRE(card.rfind("---\n", 0) == 0);
  auto end = card.find("\n---\n", 4);
  REQUIRE(end != std::string::npos);
  return YAML::Load(card.substr(4, end - 4));
}

json manifest_with(json discoverability) {
  return json{{"name", "demo"}, {"description", "Rows for tests."}, {"workflow", {{"skill", "default"}}},
              {"discoverability", std::move(discoverability)}};
}

json contract_with(long long rows) {
  return json{{"row_count", rows},
              {"shards", json::array({{{"path", "data/rows_20261125T000000Z_0000abcd.jsonl"},
                                       {"run_id", "pub_20261125T000000Z_0000abcd"},
                                       {"row_count", rows},
                                       {"published_at", "2026-11-25T00:00:00Z"}}})}};
}

}  // namespace

TEST_CASE("size categories follow the Hub's buckets", "[hub][card]") {
  CHECK(hub::size_category(0) == "n<1K");
  CHECK(hub::size_category(999) == "n<1K");
  CHECK(hub::size_category(1000) == "1K<n<10K");
  CHECK(hub::size_category(99999) == "10K<n<100K");
  CHECK(hub::size_category(100000) == "100K<n<1M");
  CHECK(hub::size_category(5000000000LL) == "100M<n<1B");
}

TEST_CASE("the card's front matter is YAML the Hub can read", "[hub][card]") {
  json schema = {{"title", "default row"},
                 {"required", {"trace_id"}},
                 {"properties", {{"trace_id", {{"type", "string"}, {"description", "the source | trace"}}},
                                 {"task", {{"type", {"string", "null"}}}}}}};
  // A pretty name with YAML specials, and a manifest tag repeating a default one.
  std::string card = hub::render_card(
      manifest_with({{"pretty_name", "Agent rows: #1 - \"quoted\""}, {"license", "cc-by-4.0"},
                     {"tags", {"agent-traces", "sft"}}, {"task_categories", {"text-generation"}}}),
      schema, contract_with(1500), "alice/agent-rows");
  YAML::Node y = front_matter(card);
  CHECK(y["license"].as<std::string>() == "cc-by-4.0");
  CHECK(y["pretty_name"].as<std::string>() == "Agent rows: #1 - \"quoted\"");
  auto tags = y["tags"].as<std::vector<std::string>>();
  CHECK(tags == std::vector<std::string>{"opentraces", "agent-traces", "sft"});
  CHECK(y["task_categories"][0].as<std::string>() == "text-generation");
  CHECK(y["size_categories"][0].as<std::string>() == "1K<n<10K");
  CHECK(y["configs"][0]["config_name"].as<std::string>() == "default");
  CHECK(y["configs"][0]["data_files"][0]["split"].as<std::string>() == "train");
  CHECK(y["configs"][0]["data_files"][0]["path"].as<std::string>() == "data/*.jsonl");

  // The body: schema table (a `|` in a description cannot break the table), provenance, loading.
  CHECK(card.find("| `trace_id` | string | yes | the source / trace |") != std::string::npos);
  CHECK(card.find("| `task` | string / null |") != std::string::npos);
  CHECK(card.find("## Provenance") != std::string::npos);
  CHECK(card.find("pub_20261125T000000Z_0000abcd") != std::string::npos);
  CHECK(card.find("load_dataset(\"alice/agent-rows\"") != std::string::npos);
}

TEST_CASE("a bare manifest still gives a complete card", "[hub][card]") {
  std::string card = hub::render_card(json{{"name", "bare"}}, json::object(), contract_with(3), "bob/bare");
  YAML::Node y = front_matter(card);
  CHECK(y["license"].as<std::string>() == "other");
  CHECK(y["pretty_name"].as<std::string>() == "bare");
  CHECK(y["tags"].as<std::vector<std::string>>() == std::vector<std::string>{"opentraces", "agent-traces"});
  CHECK(y["task_categories"][0].as<std::string>() == "text-generation");
  CHECK(y["size_categories"][0].as<std::string>() == "n<1K");
  CHECK(card.find("opentraces/row.schema.json") != std::string::npos);
}
