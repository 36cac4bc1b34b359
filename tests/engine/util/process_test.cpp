#include <catch2/catch.hpp>

#include <chrono>

#include "engine/util/process.h"

using namespace ot;

TEST_CASE("process: argv, stdin, separate stdout/stderr, exit code") {
  ProcessOptions o;
  o.stdin_data = "hello world\n";
  auto r = run_process({"sh", "-c", "tr a-z A-Z; echo oops >&2; exit 3", "ignored; rm -rf /"}, o);
  REQUIRE(r.ok());
  CHECK(r->out == "HELLO WORLD\n");
  CHECK(r->err == "oops\n");
  CHECK(r->exit_code == 3);
  CHECK_FALSE(r->timed_out);
}

TEST_CASE("process: arguments are never shell-interpreted") {
  auto r = run_process({"printf", "%s|", "$(echo no)", "a b;c"});
  REQUIRE(r.ok());
  CHECK(r->out == "$(echo no)|a b;c|");
}

TEST_CASE("process: a timeout kills the program and its children") {
  ProcessOptions o;
  o.timeout_ms = 200;
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_process({"sh", "-c", "sleep 5 & sleep 5"}, o);
  auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE(r.ok());
  CHECK(r->timed_out);
  CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("process: large stdin to a program that reads it all, and one that reads none") {
  ProcessOptions o;
  o.stdin_data.assign(1 << 20, 'x');
  auto r = run_process({"wc", "-c"}, o);
  REQUIRE(r.ok());
  CHECK(r->out.find("1048576") != std::string::npos);
  auto none = run_process({"true"}, o);
  REQUIRE(none.ok());
  CHECK(none->exit_code == 0);
}

TEST_CASE("process: a missing program is a clear error") {
  auto r = run_process({"ot-no-such-program-xyz"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "PROGRAM_NOT_FOUND");
  CHECK_FALSE(program_on_path("ot-no-such-program-xyz"));
  CHECK(program_on_path("sh"));
}
