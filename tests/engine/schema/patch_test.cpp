#include <catch2/catch.hpp>

#include "engine/schema/patch.h"

using ot::json;
using namespace ot::schema;

namespace {
Patch sample() {
  Patch p;
  p.file_path = "src/calc.py";
  p.step_index = 3;
  p.hunk_index = 1;
  p.tool_call_id = "toolu_0005";
  p.tool_name = "Edit";
  p.capture_method = {"transcript"};
  p.authored_text = "    result = a * b\n";
  p.old_text = "    return a * b\n";
  p.operation = "edit";
  p.patch_id = make_patch_id("t1", p.tool_call_id, p.file_path, p.hunk_index, p.authored_text);
  return p;
}
}  // namespace

TEST_CASE("patch id is the domain digest of the documented material", "[schema][patch]") {
  // material computed by hand: sha256("opentraces.trace_patch.v1\0" + canonical json)
  json material = json::parse(
      R"({"trace_id":"t1","tool_call_id":"c1","file_path":"a.py","hunk_index":0,"authored_text":"x\n"})");
  REQUIRE(make_patch_id("t1", "c1", "a.py", 0, "x\n") == ot::domain_digest("opentraces.trace_patch.v1", material));
  REQUIRE(make_patch_id("t1", "c1", "a.py", 0, "x\n").rfind("sha256:", 0) == 0);
  // every component changes the id
  REQUIRE(make_patch_id("t2", "c1", "a.py", 0, "x\n") != make_patch_id("t1", "c1", "a.py", 0, "x\n"));
  REQUIRE(make_patch_id("t1", "c1", "a.py", 1, "x\n") != make_patch_id("t1", "c1", "a.py", 0, "x\n"));
  REQUIRE(make_patch_id("t1", "c1", "a.py", 0, "y\n") != make_patch_id("t1", "c1", "a.py", 0, "x\n"));
}

TEST_CASE("patch JSON round-trips byte-identically and keeps unknown keys", "[schema][patch]") {
  Patch p = sample();
  GitAnchor a;
  a.found = true;
  a.commit_sha = "e0964ae";
  a.evidence_tier = "exact_range_hash";
  a.extra = {{"future_field", 7}};
  p.anchor = a;
  p.extra = {{"x_vendor", {{"k", "v"}}}};
  json j = to_json(p);
  REQUIRE(j["snapshot_before_id"].is_null());
  REQUIRE(j["anchor"]["blob_sha"].is_null());
  REQUIRE(j["x_vendor"]["k"] == "v");
  auto back = patch_from_json(j);
  REQUIRE(back.ok());
  REQUIRE(ot::canonical_json(to_json(*back)) == ot::canonical_json(j));
  REQUIRE(back->anchor->extra["future_field"] == 7);
  REQUIRE(back->step_index == 3);
  REQUIRE(back->capture_method == std::vector<std::string>{"transcript"});
}

TEST_CASE("patch_from_json reports precise paths", "[schema][patch]") {
  json j = to_json(sample());
  SECTION("wrong type") {
    j["step_index"] = "three";
    auto r = patch_from_json(j, "patches[2]");
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.error().message.find("patches[2].step_index") != std::string::npos);
    REQUIRE(r.error().exit == ot::ExitCode::kUsage);
  }
  SECTION("nested anchor") {
    j["anchor"] = {{"found", "yes"}};
    auto r = patch_from_json(j);
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.error().message.find("patch.anchor.found") != std::string::npos);
  }
  SECTION("list element") {
    j["capture_method"] = json::array({"transcript", 3});
    auto r = patch_from_json(j);
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.error().message.find("patch.capture_method[1]") != std::string::npos);
  }
  SECTION("missing id") {
    j.erase("patch_id");
    auto r = patch_from_json(j);
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.error().message.find("patch.patch_id") != std::string::npos);
  }
  SECTION("bad operation") {
    j["operation"] = "explode";
    REQUIRE_FALSE(patch_from_json(j).ok());
  }
  SECTION("not an object") { REQUIRE_FALSE(patch_from_json(json::array()).ok()); }
}
