#include <catch2/catch.hpp>

#include "engine/util/json.h"

using ot::json;

TEST_CASE("canonical_json sorts keys, drops whitespace, keeps UTF-8", "[util][json]") {
  json v = json::parse(R"({"b": 1, "a": {"z": [1, 2], "y": "é"}})");
  REQUIRE(ot::canonical_json(v) == "{\"a\":{\"y\":\"é\",\"z\":[1,2]},\"b\":1}");
}

TEST_CASE("json_digest is sha256 of canonical bytes", "[util][json]") {
  // sha256("{}") computed independently: printf '{}' | sha256sum
  REQUIRE(ot::json_digest(json::object()) ==
          "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST_CASE("parse_json names the source on error", "[util][json]") {
  auto r = ot::parse_json("{nope", "/tmp/x.json");
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.error().message.find("/tmp/x.json") != std::string::npos);
}
