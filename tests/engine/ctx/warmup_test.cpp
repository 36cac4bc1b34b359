#include <catch2/catch.hpp>


#include "engine/bucket/bucket.h"
#include "engine/ctx/warmup.h"
#include "tests/engine/security/test_support.h"

using namespace ot;

TEST_CASE("estimate_tokens is ceil(bytes / 4)") {
  CHECK(ctx::estimate_tokens("") == 0);
  CHECK(ctx::estimate_tokens("abc") == 1);
  CHECK(ctx::estimate_tokens("abcd") == 1);
  CHECK(ctx::estimate_tokens("abcde") == 2);
  CHECK(ctx::estimate_tokens("é") == 1);  // 2 bytes
}

TEST_CASE("warmup refuses a budget outside 200..200000 and pages an empty bucket") {
  security::test::TempHome home;  // private OPENTRACES_HOME and HOME, restored after
  auto b = bucket::Bucket::open(bucket_dir());
  REQUIRE(b.ok());
  ctx::WarmupOptions o;
  o.budget_tokens = 199;
  auto bad = ctx::warmup(**b, o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "BUDGET_TOO_SMALL");
  o.budget_tokens = 500;
  auto r = ctx::warmup(**b, o);
  REQUIRE(r.ok());
  CHECK((*r)["page"]["total"] == 0);
  CHECK((*r)["page"]["has_more"] == false);
  CHECK((*r)["estimated_tokens"].get<int64_t>() <= 500);
  CHECK((*r)["text"].get<std::string>().find("No captured traces") != std::string::npos);
  // The remembered cursor round-trips per scope key.
  std::string key = ctx::warmup_scope_key(o);
  REQUIRE(ctx::save_warmup_cursor(key, "trace-1").ok());
  CHECK(ctx::load_warmup_cursor(key) == std::optional<std::string>("trace-1"));
  o.cwd_prefix = "/elsewhere";
  CHECK(ctx::warmup_scope_key(o) != key);
  b->reset();
}
