#include "engine/status/dashboard.h"

#include <catch2/catch.hpp>

using namespace ot;

TEST_CASE("an empty bucket has the empty verdict") {
  auto d = status::build_dashboard(json{{"trace_count", 0}}, 0, 0, std::nullopt);
  CHECK(d["safety"]["verdict"] == "empty");
  CHECK(d["ready"] == false);
  CHECK(status::short_line(d) == "status=empty traces=0 unscanned=0 not_cleared=0 stale=false");
}

TEST_CASE("unscanned traces block sync, in the fixed reason order") {
  json s = {{"trace_count", 5}, {"scanned_count", 3}, {"unscanned_count", 2}, {"syncable_count", 2},
            {"security_stale_count", 1}, {"projects", json::array()}};
  auto d = status::build_dashboard(s, 4, 0, std::nullopt);
  CHECK(d["safety"]["verdict"] == "not_cleared");
  CHECK(d["safety"]["not_cleared_count"] == 3);
  CHECK(d["sync"]["blocked_reasons"] ==
        json::array({"unfiltered_records", "security_version_stale", "unscanned_records", "read_model_stale"}));
  CHECK(d["sync"]["eligible"] == false);
  CHECK(d["freshness"]["stale"] == true);
}

TEST_CASE("a fully scanned, cleared bucket is ready") {
  json s = {{"trace_count", 2}, {"scanned_count", 2}, {"unscanned_count", 0}, {"syncable_count", 2}};
  auto d = status::build_dashboard(s, 0, 0, std::nullopt);
  CHECK(d["safety"]["verdict"] == "clear");
  CHECK(d["ready"] == true);
  CHECK(status::short_line(d).rfind("status=clean traces=2", 0) == 0);
}

TEST_CASE("the fleet keeps the 10 biggest projects and can be scoped") {
  json projects = json::array();
  for (int i = 0; i < 12; ++i) projects.push_back({{"project_slug", "p" + std::to_string(i)}, {"trace_count", i}});
  json s = {{"trace_count", 66}, {"projects", projects}};
  auto d = status::build_dashboard(s, 0, 0, std::nullopt);
  CHECK(d["fleet"]["by_project"].size() == 10);
  CHECK(d["fleet"]["by_project"][0]["project"] == "p11");
  CHECK(d["fleet"]["projects_omitted"] == 2);
  auto one = status::build_dashboard(s, 0, 0, std::string("p3"));
  CHECK(one["fleet"]["by_project"].size() == 1);
  CHECK(one["scope_project"] == "p3");
}
