#include "engine/discovery/address.h"

#include <catch2/catch.hpp>

#include "../bucket/test_support.h"

using namespace ot;
using namespace ot::discovery;

namespace {

struct Fixture {
  bucket::test::TempDir tmp;
  std::unique_ptr<bucket::Bucket> b;
  Fixture() {
    auto opened = bucket::Bucket::open(tmp.path / "bucket");
    REQUIRE(opened.ok());
    b = std::move(opened).value();
    // Two traces sharing the prefix "abc12", one unique ("fff9...").
    REQUIRE(b->put_record(bucket::test::make_record("abc12345-0000-4000-8000-000000000001", 5)).ok());
    REQUIRE(b->put_record(bucket::test::make_record("abc12999-0000-4000-8000-000000000002", 3)).ok());
    REQUIRE(b->put_record(bucket::test::make_record("fff98765-0000-4000-8000-000000000003", 4)).ok());
  }
};

const char* kA = "abc12345-0000-4000-8000-000000000001";
const char* kF = "fff98765-0000-4000-8000-000000000003";

}  // namespace

TEST_CASE("address: parse every form", "[discovery][address]") {
  auto whole = parse_address("abc");
  REQUIRE(whole.ok());
  CHECK(whole->kind == AddressKind::kTrace);
  CHECK(whole->trace_ref == "abc");

  auto colon = parse_address("abc:");
  REQUIRE(colon.ok());
  CHECK(colon->kind == AddressKind::kTrace);
  CHECK(colon->trace_ref == "abc");

  auto step = parse_address("abc:7");
  REQUIRE(step.ok());
  CHECK(step->kind == AddressKind::kStep);
  CHECK(*step->from_step == 7);
  CHECK(*step->to_step == 7);

  auto last = parse_address("abc:last");
  REQUIRE(last.ok());
  CHECK(last->kind == AddressKind::kStep);
  CHECK(last->from_last);

  auto bare_last = parse_address(":last");
  REQUIRE(bare_last.ok());
  CHECK(bare_last->trace_ref.empty());
  CHECK(bare_last->from_last);

  auto span = parse_address("abc:2-4");
  REQUIRE(span.ok());
  CHECK(span->kind == AddressKind::kSpan);
  CHECK(*span->from_step == 2);
  CHECK(*span->to_step == 4);

  auto span_last = parse_address("abc:2-last");
  REQUIRE(span_last.ok());
  CHECK(span_last->to_last);

  auto t = parse_address("t:abc:3");
  REQUIRE(t.ok());
  CHECK(t->trace_ref == "abc");
  CHECK(*t->from_step == 3);

  auto uri = parse_address("ot://trace/abc/steps/3");
  REQUIRE(uri.ok());
  CHECK(uri->trace_ref == "abc");
  CHECK(uri->kind == AddressKind::kStep);
  CHECK(*uri->from_step == 3);
  CHECK(parse_address("ot://trace/abc")->kind == AddressKind::kTrace);
  CHECK(parse_address("ot://trace/abc/map")->view == "map");
  CHECK(parse_address("ot://trace/abc/card")->view == "card");
  CHECK(parse_address("ot://trace/a%3Ab")->trace_ref == "a:b");
  auto patch = parse_address("ot://trace/abc/patches/sha256:ff/trail");
  REQUIRE(patch.ok());
  CHECK(patch->view == "patch");
  CHECK(patch->view_id == "sha256:ff");

  auto unit = parse_address("tu:abc:step:4");
  REQUIRE(unit.ok());
  CHECK(unit->trace_ref == "abc");
  CHECK(*unit->from_step == 4);
  auto node = parse_address("tmn:abc:step:4:tool:0");
  REQUIRE(node.ok());
  CHECK(node->view == "map_node");
  CHECK(*node->from_step == 4);

  // A colon followed by something that is no selector belongs to the id.
  auto legacy = parse_address("claude-code:xyz");
  REQUIRE(legacy.ok());
  CHECK(legacy->trace_ref == "claude-code:xyz");
  CHECK(legacy->kind == AddressKind::kTrace);
}

TEST_CASE("address: malformed or reserved forms are usage errors (exit 2)", "[discovery][address]") {
  for (const char* bad : {"", "   ", "abc:4-2", "abc:-3", "abc:3-", "abc:last-3", ":", ":4", "ot://commit/abc",
                          "ot://trace/", "ot://trace/abc/steps/x", "ot://trace/abc/bogus", "tu:nosegment"}) {
    auto r = parse_address(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().exit == ExitCode::kUsage);
    CHECK(r.error().code == "INVALID_ADDRESS");
  }
  auto origin = parse_address("abc:origin");
  REQUIRE_FALSE(origin.ok());
  CHECK(origin.error().code == "UNSUPPORTED_ADDRESS");
  CHECK(origin.error().exit == ExitCode::kUsage);
}

TEST_CASE("address: resolve against the bucket", "[discovery][address]") {
  Fixture f;
  auto whole = resolve_address(*f.b, kA);
  REQUIRE(whole.ok());
  CHECK(whole->trace_id == kA);
  CHECK(whole->whole_trace());
  CHECK(whole->from_step == 0);
  CHECK(whole->to_step == 4);
  CHECK(whole->step_count == 5);

  auto prefix = resolve_address(*f.b, "fff9:2");
  REQUIRE(prefix.ok());
  CHECK(prefix->trace_id == kF);
  CHECK(prefix->kind == AddressKind::kStep);
  CHECK(prefix->from_step == 2);

  auto last = resolve_address(*f.b, std::string(kA) + ":last");
  REQUIRE(last.ok());
  CHECK(last->from_step == 4);
  CHECK(last->to_step == 4);

  auto span = resolve_address(*f.b, "abc12345:1-last");
  REQUIRE(span.ok());
  CHECK(span->kind == AddressKind::kSpan);
  CHECK(span->from_step == 1);
  CHECK(span->to_step == 4);

  auto uri = resolve_address(*f.b, std::string("ot://trace/") + kF + "/steps/3");
  REQUIRE(uri.ok());
  CHECK(uri->trace_id == kF);
  CHECK(uri->from_step == 3);

  auto newest = resolve_address(*f.b, ":last");
  REQUIRE(newest.ok());
  CHECK(newest->kind == AddressKind::kStep);
  CHECK(newest->from_step == newest->step_count - 1);
}

TEST_CASE("address: ambiguous prefix lists the matches (exit 2)", "[discovery][address]") {
  Fixture f;
  auto r = resolve_address(*f.b, "abc12:1");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().exit == ExitCode::kUsage);
  CHECK(r.error().code == "AMBIGUOUS_TRACE_PREFIX");
  CHECK(r.error().message.find("abc12345-0000-4000-8000-000000000001") != std::string::npos);
  CHECK(r.error().message.find("abc12999-0000-4000-8000-000000000002") != std::string::npos);
}

TEST_CASE("address: a missing trace or step is exit 6 with the available range", "[discovery][address]") {
  Fixture f;
  auto none = resolve_address(*f.b, "0000dead");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().exit == ExitCode::kNotFound);
  CHECK(none.error().code == "TRACE_NOT_FOUND");

  auto step = resolve_address(*f.b, std::string(kA) + ":9");
  REQUIRE_FALSE(step.ok());
  CHECK(step.error().exit == ExitCode::kNotFound);
  CHECK(step.error().code == "STEP_NOT_FOUND");
  CHECK(step.error().message.find("0..4") != std::string::npos);

  auto span = resolve_address(*f.b, std::string(kA) + ":2-7");
  REQUIRE_FALSE(span.ok());
  CHECK(span.error().code == "STEP_NOT_FOUND");
  CHECK(span.error().message.find("0..4") != std::string::npos);
}

TEST_CASE("address: root-dispatch shapes", "[discovery][address]") {
  CHECK(address_shape("ot://trace/x").pure);
  CHECK(address_shape("t:abc").pure);
  CHECK(address_shape("3f2a9c1e-1234-4abc-8def-0123456789ab").pure);
  CHECK(address_shape("3f2a9c1e-1234-4abc-8def-0123456789ab:4").pure);
  CHECK(address_shape("claude-code_3f2a9c1e-1234-4abc-8def-0123456789ab:last").pure);
  CHECK(address_shape("3f2a9c1e").needs_lookup);
  CHECK(address_shape("3f2a9c1e:2-5").needs_lookup);
  CHECK_FALSE(address_shape("status").pure);
  CHECK_FALSE(address_shape("status").needs_lookup);
  CHECK_FALSE(address_shape("deadbee").needs_lookup);  // 7 chars: too short
  CHECK_FALSE(address_shape("--json").pure);
}
