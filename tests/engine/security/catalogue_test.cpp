// The regex catalogue and the seeded corpus, item by item: every fake secret is found
// with its expected type and no byte of it survives redaction.
#include <catch2/catch.hpp>
#include <map>

#include "engine/security/detectors.h"
#include "engine/security/sanitize.h"
#include "test_support.h"

using namespace ot;
using namespace ot::security;

TEST_CASE("catalogue: every pattern compiles", "[security][catalogue]") {
  REQUIRE(catalogue().size() >= 40);
  for (const auto& e : catalogue()) {
    INFO(e.type);
    CHECK(Pattern::compile(e.pattern, e.caseless, e.type).ok());
  }
}

TEST_CASE("corpus: each seeded secret is found by type and fully redacted", "[security][catalogue]") {
  auto seeded = test::load_seeded();
  REQUIRE(seeded.size() >= 40);
  Policy p = test::recommended();
  int by_type = 0;
  std::map<std::string, int> kinds;
  for (const auto& s : seeded) {
    INFO(s.type << ": " << s.sentence);
    auto r = sanitize(json{{"text", s.sentence}}, p, {.scope = "t", .path_key = test::key32()});
    REQUIRE(r.ok());
    std::string out = r->value["text"];
    CHECK(out.find(s.value) == std::string::npos);
    bool typed = false;
    for (const auto& f : r->findings) {
      if (f.type == s.type) typed = true;
      CHECK(f.to_json().dump().find(s.value) == std::string::npos);  // findings never carry the secret
    }
    CHECK(typed);
    if (typed) ++by_type;
    kinds[s.type]++;
  }
  CHECK(kinds.size() >= 30);  // many different kinds, not one pattern repeated
  CHECK(by_type * 100 >= 95 * static_cast<int>(seeded.size()));
}

TEST_CASE("catalogue: look-alikes that are not secrets stay", "[security][catalogue]") {
  Policy p = test::recommended();
  for (const char* clean : {
           "Co-Authored-By: Claude <noreply@anthropic.com>",
           "git@github.com:acme/api.git",
           "see docs at https://example.com/user@example.com",
           "version 1.2.3-4 released 2026-11-25",
           "password = getpass.getpass()",
           "api_key = os.environ[\"OPENAI_API_KEY\"]",
           "token: ${{ secrets.GITHUB_TOKEN }}",
           "DB_PASSWORD=$(cat /run/secrets/db)",
           "commit 0123456789abcdef0123456789abcdef01234567",
           "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
           "call toolu_01A9xK2mQ8vB7nR4tY6wL3pJ in msg_01XyZ4kP9qR2sT7uV1wX3yZ5",
           "icon@2x.png and logo@3x.webp",
           "uuid 8f14e45f-ceea-467a-9af8-2bd5c6a4c3e1",
           "sk-ant-... (your key here)",
       }) {
    INFO(clean);
    auto r = sanitize(json{{"text", clean}}, p, {.scope = "t", .path_key = test::key32()});
    REQUIRE(r.ok());
    int detections = 0;
    for (const auto& f : r->findings)
      if (f.tool != "classifier") ++detections;
    CHECK(detections == 0);
    CHECK(r->value["text"] == clean);
  }
}
