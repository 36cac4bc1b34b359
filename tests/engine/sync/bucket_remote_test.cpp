#include <catch2/catch.hpp>

#include "engine/sync/bucket_remote.h"

using ot::sync::classify;

TEST_CASE("sync state classification follows the three digests", "[sync]") {
  // classify(local, remote, last_sync, remote_missing)
  CHECK(classify("L", "", "", true) == "missing");
  CHECK(classify("L", "", "L", true) == "missing");
  CHECK(classify("A", "A", "", false) == "current");
  CHECK(classify("A", "A", "old", false) == "current");
  CHECK(classify("L", "R", "", false) == "different");
  CHECK(classify("L2", "R", "R", false) == "local_ahead");
  CHECK(classify("L", "R2", "L", false) == "remote_ahead");
  CHECK(classify("L2", "R2", "S", false) == "diverged");
}
