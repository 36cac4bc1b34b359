#include <catch2/catch.hpp>

#include "engine/util/exit_codes.h"

using namespace ot;

// The numbers are a public contract (docs/commands.md, upstream reference 1.5 and 6.5):
// a renumbering must fail here, not in a user's script.
TEST_CASE("exit codes: the one table keeps the documented numbers", "[util]") {
  CHECK(to_int(ExitCode::kOk) == 0);
  CHECK(to_int(ExitCode::kUsage) == 2);
  CHECK(to_int(ExitCode::kResource) == 3);
  CHECK(to_int(ExitCode::kNotFound) == 6);
  CHECK(to_int(ExitCode::kWithheld) == 9);
  CHECK(to_int(ExitCode::kNotImplemented) == 10);
  CHECK(to_int(ExitCode::kInternal) == 70);
  // capture-otlp's names for shared numbers
  CHECK(to_int(ExitCode::kAlreadyRunning) == 4);
  CHECK(to_int(ExitCode::kStartFailed) == 6);
  CHECK(to_int(ExitCode::kFlushFailed) == 8);
}
