#include "engine/workflow/process.h"

#include <catch2/catch.hpp>

#include "engine/util/fs.h"
#include "engine/workflow/names.h"

using namespace ot;
using namespace ot::workflow;

TEST_CASE("run_process captures output, exit status and extra environment") {
  ProcessSpec s;
  s.argv = {"/bin/sh", "-c", "echo out-$OT_X; echo err >&2; exit 3"};
  s.env = {{"OT_X", "42"}};
  auto r = run_process(s);
  REQUIRE(r.ok());
  CHECK(r->exit_code == 3);
  CHECK(r->stdout_tail == "out-42\n");
  CHECK(r->stderr_tail == "err\n");
  CHECK_FALSE(r->timed_out);
}

TEST_CASE("run_process passes arguments as argv, never through a shell") {
  ProcessSpec s;
  s.argv = {"/bin/echo", "a; touch /tmp/ot-should-not-exist-$$", "$(id)"};
  auto r = run_process(s);
  REQUIRE(r.ok());
  CHECK(r->stdout_tail == "a; touch /tmp/ot-should-not-exist-$$ $(id)\n");
}

TEST_CASE("run_process kills the process group at the timeout") {
  ProcessSpec s;
  s.argv = {"/bin/sh", "-c", "sleep 30 & sleep 30"};
  s.timeout_ms = 300;
  auto r = run_process(s);
  REQUIRE(r.ok());
  CHECK(r->timed_out);
  CHECK(r->duration_ms < 5000);
}

TEST_CASE("run_process reports a missing or non-executable program") {
  ProcessSpec s;
  s.argv = {"/nonexistent/build_rows"};
  auto r = run_process(s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "SPAWN_FAILED");
}

TEST_CASE("run_process keeps only the tail of a large output") {
  ProcessSpec s;
  s.argv = {"/bin/sh", "-c", "i=0; while [ $i -lt 5000 ]; do echo line$i; i=$((i+1)); done"};
  s.capture_limit = 100;
  auto r = run_process(s);
  REQUIRE(r.ok());
  CHECK(r->stdout_tail.size() == 100);
  CHECK(r->stdout_bytes > 30000);
  CHECK(tail_lines(r->stdout_tail, 1) == "line4999");
}

TEST_CASE("workflow names refuse traversal and metacharacters") {
  for (const char* bad : {"../etc", "a b", "x;y", "$(x)", "a/b", "..", "-rf", "a\tb", "a'b", "a\"b", "a*"})
    CHECK_FALSE(validate_name(bad, "workflow").ok());
  CHECK(validate_name("bursts-sft-v1", "workflow").ok());
}
