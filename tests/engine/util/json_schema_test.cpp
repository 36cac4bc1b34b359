#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "engine/util/json_schema.h"

using ot::json;
using ot::JsonSchema;

TEST_CASE("json schema: accepts conforming documents and names the failing path") {
  auto schema = JsonSchema::parse(json::parse(R"({
    "type": "object", "required": ["schema_version", "rows"],
    "properties": {
      "schema_version": {"const": "x.v1"},
      "rows": {"type": "array", "items": {"type": "object", "required": ["score"],
               "properties": {"score": {"type": "number", "minimum": 0}}}}}})"),
                                  "inline");
  REQUIRE(schema.ok());
  CHECK(schema->accepts(json::parse(R"({"schema_version":"x.v1","rows":[{"score":1.5}]})")));
  auto v = schema->validate(json::parse(R"({"schema_version":"x.v1","rows":[{"score":1},{"score":-2}]})"));
  REQUIRE_FALSE(v.empty());
  bool found = false;
  for (const auto& e : v) found = found || e.path.find("/rows/1") == 0;
  CHECK(found);
  CHECK_FALSE(schema->accepts(json::parse(R"({"schema_version":"x.v2","rows":[]})")));
  CHECK_FALSE(schema->accepts(json::parse(R"({"rows":[]})")));
}

TEST_CASE("json schema: draft-04 files, relative $ref to a sibling file, unusable schemas") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("ot-schema-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "item.json") << R"({"type": "string", "minLength": 2})";
  std::ofstream(dir / "main.json")
      << R"({"$schema": "http://json-schema.org/draft-04/schema#", "type": "array", "items": {"$ref": "item.json"}})";
  std::ofstream(dir / "broken.json") << R"({"type": 12})";
  auto s = JsonSchema::load(dir / "main.json");
  REQUIRE(s.ok());
  CHECK(s->accepts(json::parse(R"(["ab","cd"])")));
  CHECK_FALSE(s->accepts(json::parse(R"(["ab","c"])")));
  auto broken = JsonSchema::load(dir / "broken.json");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code == "SCHEMA_INVALID");
  CHECK_FALSE(JsonSchema::load(dir / "missing.json").ok());
  fs::remove_all(dir);
}
