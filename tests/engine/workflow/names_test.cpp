#include "engine/workflow/names.h"

#include <catch2/catch.hpp>

using namespace ot;
using namespace ot::workflow;

TEST_CASE("workflow names refuse traversal and metacharacters") {
  for (const char* bad : {"../etc", "a b", "x;y", "$(x)", "a/b", "..", "-rf", "a\tb", "a'b", "a\"b", "a*", "", ".x"})
    CHECK_FALSE(validate_name(bad, "workflow").ok());
  CHECK(validate_name("bursts-sft-v1", "workflow").ok());
  CHECK(validate_name(std::string(64, 'a'), "workflow").ok());
  CHECK_FALSE(validate_name(std::string(65, 'a'), "workflow").ok());
  CHECK(validate_name("a b", "dataset").error().exit == ExitCode::kUsage);
}
