// The context tree in a real bucket: written with the record, read back through the
// views, replaced with a new generation, rebuilt by repair.
#include <catch2/catch.hpp>

#include <filesystem>

#include "engine/bucket/bucket.h"
#include "engine/ctx/prune.h"
#include "engine/ctx/store.h"
#include "engine/ctx/views.h"
#include "engine/parse/session.h"
#include "engine/schema/record.h"
#include "tests/engine/bucket/test_support.h"

namespace fs = std::filesystem;
using ot::json;

namespace {

json branchy() {
  auto r = ot::parse::parse_session_file(fs::path(OT_FIXTURES_DIR) / "ctx" / "cc-branchy.jsonl");
  REQUIRE(r.ok());
  return ot::schema::to_json(*r);
}

const std::string kTrace = "5e55a0c1-0000-4000-8000-000000000001";

}  // namespace

TEST_CASE("ctx store: tree written with the record and read back", "[ctx]") {
  ot::bucket::test::TempDir tmp;
  auto b = ot::bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  REQUIRE((*b)->put_record(branchy()).ok());

  auto t = ot::ctx::load(**b, kTrace.substr(0, 8));
  REQUIRE(t.ok());
  REQUIRE(t->tree);
  CHECK(t->trace_id == kTrace);
  json ov = ot::ctx::overview(*t);
  CHECK(ov["step_count"] == 13);
  CHECK(ov["active_path_length"] == 8);
  CHECK(ov["size"]["sparkline"].get<std::string>().size() == 5 * 3);  // the 5 model calls, 3 UTF-8 bytes a bar

  ot::ctx::Reader r(**b);
  auto n = ot::ctx::resolve_node(**b, kTrace + ":12");
  REQUIRE(n.ok());
  ot::ctx::LayerOptions lo{"messages", false, true, 0, 20};
  auto v = ot::ctx::layer_view(r, *n, lo);
  REQUIRE(v.ok());
  CHECK((*v)["page"]["total"] == 10);
  CHECK((*v)["content"]["messages"][0]["dropped"] == true);
  CHECK((*v)["content"]["messages"][6]["content"].get<std::string>().rfind("This session is being continued", 0) == 0);

  // By node id, too.
  std::string id = n->node()["node_id"];
  auto same = ot::ctx::resolve_node(**b, id);
  REQUIRE(same.ok());
  CHECK(same->index == 12);
  auto none = ot::ctx::resolve_node(**b, "sha256:" + std::string(64, '0'));
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().exit == ot::ExitCode::kResource);
  auto past = ot::ctx::resolve_node(**b, kTrace + ":13");
  REQUIRE_FALSE(past.ok());
  CHECK(past.error().code == "STEP_NOT_FOUND");
  CHECK(past.error().exit == ot::ExitCode::kResource);

  // A new generation replaces the tree; the old node ids are gone.
  json grown = branchy();
  grown["steps"].push_back({{"step_index", 13}, {"role", "user"}, {"content", "one more"}});
  REQUIRE((*b)->put_record(grown).ok());
  auto t2 = ot::ctx::load(**b, kTrace);
  REQUIRE(t2.ok());
  CHECK((*t2->tree)["nodes"].size() == 14);
  CHECK(ot::ctx::Reader(**b).trace_of_node(id)->has_value() == ((*t2->tree)["nodes"][12]["node_id"] == id));

  // Repair rebuilds the derived data from the records.
  REQUIRE((*b)->rebuild().ok());
  auto t3 = ot::ctx::load(**b, kTrace);
  REQUIRE(t3.ok());
  REQUIRE(t3->tree);
  CHECK(*t3->tree == *t2->tree);
}

TEST_CASE("ctx prune: the cut session parses back with the path's steps", "[ctx]") {
  ot::bucket::test::TempDir tmp;
  auto b = ot::bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  REQUIRE((*b)->put_record(branchy()).ok());
  fs::path src = tmp.path / "s" / "cc-branchy.jsonl";
  fs::create_directories(src.parent_path());
  fs::copy_file(fs::path(OT_FIXTURES_DIR) / "ctx" / "cc-branchy.jsonl", src);
  auto rec = (*b)->get_record(kTrace);
  REQUIRE(rec.ok());

  for (auto [step, expect] : {std::pair{6, 5}, std::pair{4, 5}, std::pair{12, 8}, std::pair{0, 1}}) {
    auto n = ot::ctx::resolve_node(**b, kTrace + ":" + std::to_string(step));
    REQUIRE(n.ok());
    std::string stem = "cut-" + std::to_string(step);
    auto p = ot::ctx::prune_session(*n, src, stem, true);
    REQUIRE(p.ok());
    CHECK(p->steps_on_path == expect);
    auto back = ot::parse::parse_session_file(p->destination);
    REQUIRE(back.ok());
    INFO("step " << step);
    CHECK(static_cast<int>(back->steps.size()) == expect);
    CHECK(back->trace_id == stem);
    // The cut session's last step is the node's step.
    CHECK(back->steps.back().content == (*rec)["steps"][static_cast<size_t>(step)]["content"].get<std::string>());
    auto again = ot::ctx::prune_session(*n, src, stem, true);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == "DESTINATION_EXISTS");
  }
}
