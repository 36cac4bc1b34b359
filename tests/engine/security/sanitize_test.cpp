#include "engine/security/sanitize.h"

#include <catch2/catch.hpp>

#include "engine/security/detectors.h"
#include "test_support.h"

using namespace ot;
using namespace ot::security;

namespace {
SanitizeOptions opts() { return {.scope = "trace-1", .path_key = test::key32()}; }
}  // namespace

TEST_CASE("sanitize: typed placeholders, whole secrets, findings without secrets", "[security][sanitize]") {
  Policy p = test::recommended();
  std::string key = "AKIA" + std::string("ABCDEFGHIJKLMNOP");
  auto r = sanitize(json{{"text", "id " + key + " end"}}, p, opts());
  REQUIRE(r.ok());
  CHECK(r->value["text"] == "id [REDACTED:aws_access_key] end");
  REQUIRE(r->findings.size() == 1);
  CHECK(r->findings[0].type == "aws_access_key");
  CHECK(r->findings[0].tool == "regex");
  CHECK(r->findings[0].path == "/text");
  CHECK(r->report().dump().find(key) == std::string::npos);
  CHECK(r->redactions == 1);
}

TEST_CASE("sanitize: overlapping detections merge, no fragment survives", "[security][sanitize]") {
  Policy p = test::recommended();
  // The env_secret and github_token spans overlap; entropy may see it too.
  std::string tok = "ghp_" + std::string("aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5");
  auto r = sanitize(json{{"text", "export GITHUB_TOKEN=" + tok}}, p, opts());
  REQUIRE(r.ok());
  std::string out = r->value["text"];
  CHECK(out == "export GITHUB_TOKEN=[REDACTED:github_token]");
  for (size_t i = 0; i + 6 <= tok.size(); ++i) CHECK(out.find(tok.substr(i, 6)) == std::string::npos);
}

TEST_CASE("sanitize: record paths, steps, object keys, nesting", "[security][sanitize]") {
  Policy p = test::recommended();
  json rec = {{"trace_id", "t1"},
              {"steps", json::array({{{"step_index", 4}, {"content", "mail bob.jones@acme-corp.io"}},
                                     {{"step_index", 7},
                                      {"tool_calls", json::array({{{"input", {{"command", "curl -u x:y https://u:Passw0rd99@h.io"}}}}})}}})},
              {"metadata", {{"env", {{"sk_live_" + std::string(24, 'a') + "1B", "v"}}}}}};
  auto r = sanitize(rec, p, opts());
  REQUIRE(r.ok());
  std::string dumped = r->value.dump();
  CHECK(dumped.find("bob.jones") == std::string::npos);
  CHECK(dumped.find("Passw0rd99") == std::string::npos);
  CHECK(dumped.find("sk_live_") == std::string::npos);
  bool email = false, url = false;
  for (const auto& f : r->findings) {
    if (f.type == "email") {
      email = true;
      CHECK(f.path == "/steps/0/content");
      CHECK(f.step == 4);
    }
    if (f.type == "url_credentials") {
      url = true;
      CHECK(f.path == "/steps/1/tool_calls/0/input/command");
      CHECK(f.step == 7);
    }
  }
  CHECK(email);
  CHECK(url);
}

TEST_CASE("sanitize: a second pass finds nothing new (idempotent)", "[security][sanitize]") {
  Policy p = test::recommended();
  std::string text;
  for (const auto& s : test::load_seeded()) text += s.sentence + "\n";
  auto first = sanitize(json{{"text", text}}, p, opts());
  REQUIRE(first.ok());
  CHECK(first->redactions >= 45);
  auto second = sanitize(first->value, p, opts());
  REQUIRE(second.ok());
  CHECK(second->value == first->value);
  int detections = 0;
  for (const auto& f : second->findings)
    if (f.tool != "classifier") ++detections;
  CHECK(detections == 0);
}

TEST_CASE("sanitize: tools off change nothing; tier low skips entropy", "[security][sanitize]") {
  Policy off;
  off.version = "v";
  json in = {{"text", "AKIAABCDEFGHIJKLMNOP"}};
  auto r = sanitize(in, off, opts());
  REQUIRE(r.ok());
  CHECK(r->value == in);
  CHECK(r->tools_applied.empty());

  Policy low = test::recommended(Tier::low);
  auto tools = low.effective_tools();
  CHECK(std::find(tools.begin(), tools.end(), "entropy") == tools.end());
  Policy none = test::recommended(Tier::off);
  CHECK(none.is_off());
}

TEST_CASE("sanitize: business terms and a broken pattern", "[security][sanitize]") {
  Policy p = test::recommended();
  p.business_patterns = {"ACME-\\d{4}"};
  auto r = sanitize(json{{"text", "ticket ACME-1234 for project nightingale"}}, p, opts());
  REQUIRE(r.ok());
  CHECK(r->value["text"] == "ticket [REDACTED:business_pattern] for [REDACTED:business_term]");
  p.business_patterns = {"(unclosed"};
  auto bad = sanitize(json{{"text", "x"}}, p, opts());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "INVALID_PATTERN");
  CHECK(bad.error().exit == ExitCode::kUsage);
}

TEST_CASE("sanitize: classifier verdict; high tier turns a high verdict into an open finding", "[security][sanitize]") {
  std::string text = "CONFIDENTIAL - internal only. The customer data export with salary columns. ";
  for (const auto& s : test::load_seeded()) text += s.sentence + "\n";
  auto med = sanitize(json{{"text", text}}, test::recommended(Tier::medium), opts());
  REQUIRE(med.ok());
  REQUIRE(med->verdicts.size() == 1);
  CHECK(med->verdicts[0]["decision"] == "high");
  CHECK(med->open_findings() == 0);
  auto high = sanitize(json{{"text", text}}, test::recommended(Tier::high), opts());
  REQUIRE(high.ok());
  CHECK(high->open_findings() == 1);
}

TEST_CASE("entropy: random tokens flagged, code-ish tokens not", "[security][entropy]") {
  std::vector<Span> spans;
  scan_entropy("./deploy --signing-secret Zq8fK2mXv7Lp3Rt9Wn4Yb6Hc1Jd5Gs0A --env prod", "", Tier::medium, spans);
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].type == "high_entropy");
  spans.clear();
  for (const char* clean : {"src/components/Button/ButtonGroup.test.tsx", "getUserAccountSettingsForCurrentTenant",
                            "0123456789abcdef0123456789abcdef01234567", "toolu_01A9xK2mQ8vB7nR4tY6wL3pJ",
                            "https://github.com/acme/platform-api/pull/1234/files"})
    scan_entropy(clean, "", Tier::medium, spans);
  CHECK(spans.empty());
  scan_entropy("Zq8fK2mXv7Lp3Rt9Wn4Yb6Hc1Jd5Gs0A", "tool_call_id", Tier::medium, spans);
  CHECK(spans.empty());  // id fields are ids
  CHECK(shannon_entropy("aaaa") == 0);
}
