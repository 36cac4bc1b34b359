#include <catch2/catch.hpp>

#include "engine/ctx/ref.h"

TEST_CASE("ctx refs: trace, step, last; spans and :origin refused", "[ctx]") {
  auto r = ot::ctx::parse_ref("abc");
  REQUIRE(r.ok());
  CHECK(r->trace == "abc");
  CHECK_FALSE(r->step);
  r = ot::ctx::parse_ref("abc:12");
  REQUIRE(r.ok());
  CHECK(*r->step == 12);
  r = ot::ctx::parse_ref("t:abc:last");
  REQUIRE(r.ok());
  CHECK(r->trace == "abc");
  CHECK(r->last);
  r = ot::ctx::parse_ref("abc:");
  REQUIRE(r.ok());
  CHECK(r->trace == "abc");
  r = ot::ctx::parse_ref("legacy:id");  // not a selector: part of the id
  REQUIRE(r.ok());
  CHECK(r->trace == "legacy:id");
  for (const char* bad : {"abc:1-3", "abc:origin", "abc:1x", ":4"}) {
    INFO(bad);
    auto e = ot::ctx::parse_ref(bad);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().exit == ot::ExitCode::kUsage);
  }
}
