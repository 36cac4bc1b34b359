#include <catch2/catch.hpp>

#include "engine/util/time.h"

TEST_CASE("ISO timestamps round-trip through epoch milliseconds", "[util][time]") {
  auto ms = ot::ms_from_iso("2026-11-24T15:15:01.614Z");
  REQUIRE(ms.has_value());
  REQUIRE(*ms == 1795533301614LL);
  REQUIRE(ot::iso_from_ms(*ms) == "2026-11-24T15:15:01.614Z");
  REQUIRE(ot::ms_from_iso("2026-11-24T16:15:01.614+01:00") == ms);
  REQUIRE(ot::ms_from_iso("2026-11-24") == 1795478400000LL);
  REQUIRE_FALSE(ot::ms_from_iso("yesterday").has_value());
}

TEST_CASE("parse_since accepts durations and dates", "[util][time]") {
  const int64_t now = 1795533301614LL;
  REQUIRE(ot::parse_since("7d", now).value() == now - 7 * 86400000LL);
  REQUIRE(ot::parse_since("12h", now).value() == now - 12 * 3600000LL);
  REQUIRE(ot::parse_since("30m", now).value() == now - 30 * 60000LL);
  REQUIRE(ot::parse_since("2026-11-24", now).value() == 1795478400000LL);
  auto bad = ot::parse_since("soon", now);
  REQUIRE_FALSE(bad.ok());
  REQUIRE(bad.error().code == "INVALID_SINCE");
}
