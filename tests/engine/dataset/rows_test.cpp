#include "engine/dataset/rows.h"

#include <catch2/catch.hpp>

#include "engine/dataset/manifest.h"
#include "engine/util/fs.h"
#include "tests/engine/dataset/temp_home.h"

using namespace ot;
using namespace ot::dataset;

namespace {

Dataset make_dataset(const std::string& name, const std::string& review = "required") {
  auto dir = dataset_dir(name);
  REQUIRE(dir.ok());
  json m = default_manifest(name);
  m["publication_policy"]["review"] = review;
  REQUIRE(ensure_dir(*dir / ".opentraces").ok());
  REQUIRE(write_file_atomic(*dir / ".opentraces" / "manifest.json", pretty_json(m)).ok());
  auto ds = Dataset::open(name);
  REQUIRE(ds.ok());
  return std::move(*ds);
}

std::pair<RowIndexEntry, json> row(int i, bool secured = true) {
  json data{{"i", i}, {"text", "row " + std::to_string(i)}};
  RowIndexEntry e;
  e.identity_hash = json_digest(data);
  e.payload_hash = e.identity_hash;
  e.row_id = "row_" + e.identity_hash.substr(7, 16);
  e.run_id = "run_test";
  e.provenance.trace_id = "t1";
  e.provenance.step_range = std::make_pair(i, i + 1);
  e.provenance.source_ref = "t1:" + std::to_string(i) + "-" + std::to_string(i + 1);
  if (secured)
    e.provenance.security = json{{"tools_applied", reader_floor()}, {"privacy_tier", "medium"}, {"source_scanned", true}};
  return {e, data};
}

RowState state_for(const RowIndexEntry& e) {
  RowState s;
  s.row_id = e.row_id;
  return s;
}

}  // namespace

TEST_CASE("dataset names refuse traversal, spaces and shell metacharacters") {
  test::TempOtHome home;
  for (const char* bad : {"../x", "a/b", "a b", "x;rm", "$(id)", "`id`", "..", ".hidden", "", "a|b", "a&b", "a\nb"})
    CHECK_FALSE(dataset_dir(bad).ok());
  CHECK(dataset_dir("demo").ok());
  CHECK(dataset_dir("my-set_2.v1").ok());
  CHECK(dataset_dir("../x").error().code == "INVALID_NAME");
}

TEST_CASE("a missing dataset is DATASET_NOT_FOUND, exit 3") {
  test::TempOtHome home;
  auto ds = Dataset::open("nope");
  REQUIRE_FALSE(ds.ok());
  CHECK(ds.error().code == "DATASET_NOT_FOUND");
  CHECK(ds.error().exit == ExitCode::kResource);
}

TEST_CASE("append writes data, index and state in order and reads back") {
  test::TempOtHome home;
  Dataset ds = make_dataset("demo");
  auto r0 = row(0), r1 = row(1);
  REQUIRE(ds.append({r0, r1}, {state_for(r0.first), state_for(r1.first)}).ok());
  auto again = Dataset::open("demo");
  REQUIRE(again.ok());
  CHECK(again->row_count() == 2);
  CHECK(again->has_identity(r1.first.identity_hash));
  auto rows = again->rows();
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[1].data == r1.second);
  CHECK((*rows)[1].entry.line == 2);
  CHECK((*rows)[0].entry.provenance.source_ref == "t1:0-1");
  CHECK(again->counts()[kNeedsReview] == 2);
}

TEST_CASE("trailing data lines of an unfinished run are ignored, then dropped on the next append") {
  test::TempOtHome home;
  Dataset ds = make_dataset("demo");
  auto r0 = row(0);
  REQUIRE(ds.append({r0}, {state_for(r0.first)}).ok());
  // Simulate a crash after the data write of a later run.
  auto text = read_file(ds.data_path());
  REQUIRE(text.ok());
  REQUIRE(write_file_atomic(ds.data_path(), *text + "{\"orphan\":true}\n").ok());
  auto again = Dataset::open("demo");
  REQUIRE(again.ok());
  CHECK(again->row_count() == 1);
  auto r1 = row(1);
  REQUIRE(again->append({r1}, {state_for(r1.first)}).ok());
  auto after = read_file(ds.data_path());
  REQUIRE(after.ok());
  CHECK(after->find("orphan") == std::string::npos);
}

TEST_CASE("review approve/reject/reset move states; blocked rows are skipped") {
  test::TempOtHome home;
  Dataset ds = make_dataset("demo");
  auto r0 = row(0), r1 = row(1), r2 = row(2, /*secured=*/false);
  REQUIRE(ds.append({r0, r1, r2}, {state_for(r0.first), state_for(r1.first), state_for(r2.first)}).ok());

  auto res = review("demo", "approve", {}, true, "tester");
  REQUIRE(res.ok());
  CHECK(res->row_ids.size() == 2);
  CHECK(res->skipped == std::vector<std::string>{r2.first.row_id});
  CHECK(res->counts[kPublishable] == 2);
  CHECK(res->counts[kBlocked] == 1);
  auto again = Dataset::open("demo");
  REQUIRE(again.ok());
  const auto& blocked = again->state().rows.at(r2.first.row_id);
  CHECK(blocked.status == kBlocked);
  CHECK(std::find(blocked.block_reasons.begin(), blocked.block_reasons.end(), kBlockReaderFloor) !=
        blocked.block_reasons.end());
  CHECK(std::find(blocked.block_reasons.begin(), blocked.block_reasons.end(), kBlockSourceUnscanned) !=
        blocked.block_reasons.end());
  CHECK(again->state().rows.at(r0.first.row_id).reviewed_by == "tester");

  REQUIRE(review("demo", "reject", {r0.first.row_id}, false, "tester").ok());
  REQUIRE(review("demo", "reset", {r1.first.row_id}, false, "tester").ok());
  again = Dataset::open("demo");
  CHECK(again->state().rows.at(r0.first.row_id).status == kRejected);
  CHECK(again->state().rows.at(r1.first.row_id).status == kNeedsReview);
  CHECK(again->state().rows.at(r1.first.row_id).reviewed_by.empty());

  auto missing = review("demo", "approve", {"row_nope"}, false, "tester");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "ROW_NOT_FOUND");
  auto none = review("demo", "approve", {}, false, "tester");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == "NOTHING_SELECTED");
}

TEST_CASE("mark_uploaded publishes only publishable rows") {
  test::TempOtHome home;
  Dataset ds = make_dataset("demo");
  auto r0 = row(0), r1 = row(1);
  REQUIRE(ds.append({r0, r1}, {state_for(r0.first), state_for(r1.first)}).ok());
  CHECK_FALSE(mark_uploaded("demo", {r0.first.row_id}, "origin", json::object()).ok());
  REQUIRE(review("demo", "approve", {r0.first.row_id}, false, "t").ok());
  REQUIRE(mark_uploaded("demo", {r0.first.row_id}, "origin", json{{"repo_id", "u/d"}}).ok());
  auto again = Dataset::open("demo");
  CHECK(again->state().rows.at(r0.first.row_id).status == kPublished);
  CHECK(again->state().rows.at(r0.first.row_id).uploaded_to["origin"]["repo_id"] == "u/d");
}

TEST_CASE("a second holder of the dataset lock is refused") {
  test::TempOtHome home;
  Dataset ds = make_dataset("demo");
  auto a = DatasetLock::acquire(ds.dir(), "run");
  REQUIRE(a.ok());
  auto b = DatasetLock::acquire(ds.dir(), "run");
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().code == "DATASET_LOCKED");
}

TEST_CASE("manifest validation refuses unknown keys and dangling active_remote") {
  json m = default_manifest("x");
  CHECK(validate_manifest(m).ok());
  m["typo"] = 1;
  CHECK_FALSE(validate_manifest(m).ok());
  m = default_manifest("x");
  m["active_remote"] = "origin";
  CHECK_FALSE(validate_manifest(m).ok());
  m["remotes"]["origin"] = json{{"url", "u/d"}, {"visibility", "private"}};
  CHECK(validate_manifest(m).ok());
}

TEST_CASE("security policy from a workflow contract checks the invariants") {
  auto ok = security_from_contract(json{{"required_tools", {"regex"}}, {"optional_tools", {"privacy_filter"}},
                                        {"default_enabled_tools", {"privacy_filter"}}},
                                   "sha256:x");
  REQUIRE(ok.ok());
  CHECK((*ok)["enabled_tools"] == json({"privacy_filter", "regex"}));
  CHECK_FALSE(security_from_contract(json{{"required_tools", {"regex"}}, {"disallowed_tools", {"regex"}}}, "").ok());
  CHECK_FALSE(security_from_contract(json{{"default_enabled_tools", {"entropy"}}}, "").ok());
}
