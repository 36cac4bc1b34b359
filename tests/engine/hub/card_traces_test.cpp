// The card of a traces dataset (render_traces_card): trace-viewer tags, one config per
// session directory (the first the default) plus the index, redactions counted by kind.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include "engine/hub/publish.h"

using namespace ot;

namespace {

YAML::Node front_matter(const std::string& card) {
  REQUIRE(card.rfind("---\n", 0) == 0);
  auto end = card.find("\n---\n", 4);
  REQUIRE(end != std::string::npos);
  return YAML::Load(card.substr(4, end - 4));
}

json traces_manifest(bool allow_findings) {
  return json{{"name", "sessions"},
              {"description", "Redacted sessions."},
              {"workflow", {{"skill", "traces"}, {"source_type", "traces"},
                            {"config", {{"format", "native"}, {"allow_findings", allow_findings}}}}},
              {"security", {{"privacy_tier", "high"}, {"enabled_tools", json::array()}}},
              {"discoverability", {{"license", "cc-by-4.0"}, {"tags", {"opentraces", "mine"}}}}};
}

json session(const std::string& agent, json by_kind) {
  long long total = 0;
  for (auto& [k, v] : by_kind.items()) total += v.get<long long>();
  return json{{"agent", agent}, {"format", "native"}, {"redactions", {{"total", total}, {"by_kind", by_kind}}}};
}

}  // namespace

TEST_CASE("a traces card marks the repo for the trace viewer", "[hub][card]") {
  json contract{{"kind", "traces"},
                {"row_count", 3},
                {"shards", json::array({{{"path", "data/rows_20261125T000000Z_0000abcd.jsonl"}, {"row_count", 3},
                                         {"run_id", "pub_x"}, {"published_at", "2026-11-25T00:00:00Z"}}})},
                {"sessions",
                 {{"sessions/codex/rollout-2026-11-24T15-15-10-01a2.jsonl", session("codex", {{"email", 1}})},
                  {"sessions/claude-code/8a26.jsonl", session("claude-code", {{"aws_access_key", 2}, {"home_path_user", 3}})},
                  {"sessions/claude-code/7004.jsonl", session("claude-code", {{"aws_access_key", 1}})}}}};
  std::string card = hub::render_card(traces_manifest(false), json::object(), contract, "alice/sessions");
  auto fm = front_matter(card);
  CHECK(fm["license"].as<std::string>() == "cc-by-4.0");
  std::vector<std::string> tags = fm["tags"].as<std::vector<std::string>>();
  for (const char* t : {"opentraces", "agent-traces", "traces", "format:agent-traces", "claude-code", "codex", "mine"})
    CHECK(std::find(tags.begin(), tags.end(), t) != tags.end());
  CHECK(std::find(tags.begin(), tags.end(), "sts") == tags.end());
  REQUIRE(fm["configs"].size() == 3);
  CHECK(fm["configs"][0]["config_name"].as<std::string>() == "claude-code");
  CHECK(fm["configs"][0]["default"].as<bool>());
  CHECK(fm["configs"][0]["data_files"][0]["path"].as<std::string>() == "sessions/claude-code/*.jsonl");
  CHECK(fm["configs"][1]["config_name"].as<std::string>() == "codex");
  CHECK(!fm["configs"][1]["default"]);
  CHECK(fm["configs"][2]["config_name"].as<std::string>() == "index");
  CHECK(fm["configs"][2]["data_files"][0]["path"].as<std::string>() == "data/*.jsonl");
  CHECK(fm["size_categories"][0].as<std::string>() == "n<1K");
  // What was redacted: summed over the sessions, by kind.
  CHECK(card.find("## What was redacted") != std::string::npos);
  CHECK(card.find("(7 in all)") != std::string::npos);
  CHECK(card.find("| `aws_access_key` | 3 |") != std::string::npos);
  CHECK(card.find("| `home_path_user` | 3 |") != std::string::npos);
  CHECK(card.find("| `email` | 1 |") != std::string::npos);
  CHECK(card.find("privacy tier `high`") != std::string::npos);
  CHECK(card.find("| `sessions/claude-code/` | 2 |") != std::string::npos);
  CHECK(card.find("--allow-findings") == std::string::npos);
  CHECK(hub::render_card(traces_manifest(true), json::object(), contract, "alice/sessions").find("--allow-findings") !=
        std::string::npos);
}

TEST_CASE("a traces card with STS sessions and no redaction", "[hub][card]") {
  json contract{{"sessions", {{"sessions/sts/abc.jsonl", session("pi", json::object())}}}};
  std::string card = hub::render_card(traces_manifest(false), json::object(), contract, "alice/sts");
  auto fm = front_matter(card);
  CHECK(fm["configs"][0]["config_name"].as<std::string>() == "sts");
  CHECK(fm["configs"][0]["data_files"][0]["path"].as<std::string>() == "sessions/sts/*.jsonl");
  CHECK(card.find("No placeholder appears") != std::string::npos);
}
