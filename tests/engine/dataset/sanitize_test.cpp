// Dataset rows go through engine/security's sanitize(): the seeded corpus leaves no
// secret in a row; the ids rows legitimately carry (commit SHAs, patch ids, trace ids,
// UUIDs, sha256 digests) come out byte for byte; placeholders are per trace.
#include "engine/dataset/sanitize.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "engine/dataset/manifest.h"
#include "engine/security/sanitize.h"
#include "engine/util/fs.h"
#include "temp_home.h"

using namespace ot;
using namespace ot::dataset;
namespace fs = std::filesystem;

namespace {

struct Seeded {
  std::string type, value, sentence;
};

std::vector<Seeded> seeded() {
  std::vector<Seeded> out;
  std::ifstream in(fs::path(OT_FIXTURES_DIR) / "security" / "seeded-secrets.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    out.push_back({j["type"], j["value"], j["sentence"]});
  }
  return out;
}

// The machine config the corpus expects: its business term.
void write_config() {
  const char* home = std::getenv("OPENTRACES_HOME");
  REQUIRE(home);
  fs::create_directories(home);
  json c{{"security", {{"business_logic", {{"strings", {"Project Nightingale"}}, {"patterns", json::array()}}}}}};
  REQUIRE(write_file_atomic(fs::path(home) / "config.json", c.dump()).ok());
}

std::vector<std::string> floor_tools() { return effective_tools(default_manifest("d")); }

const std::string kSha1 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";
const std::string kSha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
const std::string kUuid = "3f2b8c1e-6d4a-4b7e-9a21-0c5d8e7f6a13";

}  // namespace

TEST_CASE("dataset rows: every seeded secret is redacted by the security module's tools") {
  test::TempOtHome home;
  write_config();
  auto items = seeded();
  REQUIRE(items.size() >= 40);
  json messages = json::array();
  std::string all;
  for (const auto& s : items) {
    messages.push_back({{"role", "user"}, {"content", s.sentence}});
    all += s.sentence + "\n";
  }
  json row{{"source_ref", kUuid + ":0-3"}, {"trace_id", kUuid}, {"intent_text", all}, {"messages", messages}};
  auto out = sanitize_row(row, floor_tools(), "medium", kUuid);
  REQUIRE(out.ok());
  const std::string text = canonical_json(out->row);
  for (const auto& s : items) {
    INFO(s.type << ": " << s.value);
    CHECK(text.find(s.value) == std::string::npos);
  }
  CHECK(out->tools_applied == std::vector<std::string>{"regex", "entropy", "business_logic", "path_anonymizer"});
  CHECK(out->redactions_applied >= 2 * static_cast<int64_t>(items.size()));  // each item sits in two fields
  CHECK(out->findings.empty());  // nothing a detector still sees after redaction
  CHECK(text.find("[REDACTED:aws_access_key]") != std::string::npos);
  CHECK(text.find("[USER:") != std::string::npos);
  CHECK(out->security_version == std::string(security::kBuiltinVersion));
  // The path key stays on this machine: neither the key file's hex nor a part of it reaches a row.
  auto key = read_file(fs::path(std::getenv("OPENTRACES_HOME")) / "security" / "path.key");
  REQUIRE(key.ok());
  std::string key_hex = *key;
  while (!key_hex.empty() && (key_hex.back() == '\n' || key_hex.back() == '\r')) key_hex.pop_back();
  REQUIRE(key_hex.size() == 64);
  for (size_t i = 0; i + 12 <= key_hex.size(); i += 12) CHECK(text.find(key_hex.substr(i, 12)) == std::string::npos);
}

TEST_CASE("dataset rows: ids and digests rows carry are never rewritten by the entropy tool") {
  test::TempOtHome home;
  write_config();
  const std::string patch_id = "sha256:" + kSha256;
  json row{{"source_ref", kUuid + ":3-7"},
           {"trace_id", kUuid},
           {"unit_id", "tu:" + kUuid + ":burst:0"},
           {"commit_sha", kSha1},
           {"files", {"src/auth/token_refresh.py"}},
           {"patches", {{{"patch_id", patch_id}, {"commit_sha", kSha1}, {"file_path", "src/auth/token_refresh.py"},
                         {"new_text", "EXPECTED_DIGEST = \"" + kSha256 + "\"\nREQUEST_ID = \"" + kUuid + "\"\n"}}}},
           {"messages",
            {{{"role", "user"}, {"content", "Fix the auth token refresh; it broke in " + kSha1 + " (short 9f86d08)"}},
             {{"role", "assistant"},
              {"content", "Secret rotation landed as commit " + kSha1 + "; trace " + kUuid + ", patch " + patch_id +
                              ", artefact sha256 " + kSha256 + ", token cache key v2"}}}},
           {"notes", kSha1 + " " + kSha256 + " " + kUuid + " sha256:" + kSha256}};
  auto out = sanitize_row(row, floor_tools(), "high", kUuid);  // high: the entropy tool at its most eager
  REQUIRE(out.ok());
  CHECK(out->row == row);
  CHECK(out->redactions_applied == 0);
  CHECK(out->findings.empty());
  // ...while hex that is plainly the value of a secret is still caught.
  // (the entropy tool alone: the regex catalogue would name these itself)
  auto secret = sanitize_row(json{{"text", "export API_KEY=" + kSha1}, {"cfg", "password: \"" + kSha256 + "\""},
                                  {"say", "the refresh token " + kUuid}},
                             {"entropy"}, "medium", kUuid);
  REQUIRE(secret.ok());
  CHECK(secret->row["text"] == "export API_KEY=[REDACTED:high_entropy]");
  CHECK(secret->row["cfg"] == "password: \"[REDACTED:high_entropy]\"");
  CHECK(secret->row["say"] == "the refresh token [REDACTED:high_entropy]");
}

TEST_CASE("dataset rows: home paths get one placeholder per trace, reversible only with the local key") {
  test::TempOtHome home;
  write_config();
  json row{{"a", "log at /home/rvasquez/work/app.log"}, {"b", {"cd /home/rvasquez/src && make"}}};
  auto t1 = sanitize_row(row, floor_tools(), "medium", "trace-1");
  auto t1b = sanitize_row(row, floor_tools(), "medium", "trace-1");
  auto t2 = sanitize_row(row, floor_tools(), "medium", "trace-2");
  REQUIRE(t1.ok());
  REQUIRE(t1b.ok());
  REQUIRE(t2.ok());
  const std::string a = t1->row["a"], b = t1->row["b"][0];
  CHECK(a.find("rvasquez") == std::string::npos);
  const std::string tok = a.substr(a.find("[USER:"), a.find(']', a.find("[USER:")) - a.find("[USER:") + 1);
  CHECK(b.find(tok) != std::string::npos);           // same path, same placeholder within a trace
  CHECK(t1b->row == t1->row);                         // deterministic
  CHECK(canonical_json(t2->row).find(tok) == std::string::npos);  // another trace, another placeholder
  auto back = security::reveal_paths(a, "trace-1");
  REQUIRE(back.ok());
  CHECK(*back == "log at /home/rvasquez/work/app.log");
  auto other_key = security::reveal_paths(a, "trace-1", std::string(32, 'z'));
  REQUIRE(other_key.ok());
  CHECK(*other_key == a);
  auto other_scope = security::reveal_paths(a, "trace-2");
  REQUIRE(other_scope.ok());
  CHECK(*other_scope == a);
}

TEST_CASE("dataset rows: tiers and tools the security module does not know") {
  test::TempOtHome home;
  write_config();
  auto tools = floor_tools();
  tools.push_back("privacy_filter");  // a reference tool we do not ship: not applied, not an error
  auto low = sanitize_row(json{{"q", "x"}}, tools, "low", "t");
  REQUIRE(low.ok());
  CHECK(low->tools_applied == std::vector<std::string>{"regex", "business_logic", "path_anonymizer"});  // no entropy at low
  auto off = sanitize_row(json{{"q", "mail maria@acme-corp.io"}}, tools, "off", "t");
  REQUIRE(off.ok());
  CHECK(off->tools_applied.empty());
  CHECK(off->row["q"] == "mail maria@acme-corp.io");
  auto bad = sanitize_row(json{{"q", "x"}}, tools, "extreme", "t");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "INVALID_PRIVACY_TIER");
}
