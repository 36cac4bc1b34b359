#include <catch2/catch.hpp>

#include "engine/bucket/bucket.h"
#include "engine/bucket/txn.h"
#include "engine/discovery/fts_pack.h"
#include "engine/discovery/index_admin.h"
#include "engine/discovery/query.h"
#include "fixture_bucket.h"

using namespace ot;
using namespace ot::discovery;
using ot::bucket::test::make_record;
using ot::bucket::test::TempDir;

namespace {

QueryOptions text(std::vector<std::string> terms) { return test::text_query(std::move(terms), 100); }

// A query's answer without its diagnostics (keys read and time differ by design).
ordered_json answer(bucket::Bucket& b, const QueryOptions& o) {
  auto out = run_query(b, o);
  REQUIRE(out.ok());
  ordered_json j = *out;
  j.erase("search_diagnostics");
  return j;
}

json rec(const std::string& id, const std::string& prompt) {
  json r = make_record(id);
  r["steps"][0]["content"] = prompt;
  return r;
}

size_t count(const bucket::Bucket& b, const std::string& prefix) { return test::dump(b, prefix).size(); }

IndexStats stats_of(bucket::Bucket& b) {
  bucket::Txn txn(b.db_for_reading());
  auto s = read_index_stats(txn);
  REQUIRE(s.ok());
  return *s;
}

// Distinct segment numbers a term has.
std::set<int64_t> segments(const bucket::Bucket& b, const std::string& term) {
  std::set<int64_t> out;
  std::string prefix = fts_keys::packed_prefix(term);
  for (const auto& [k, v] : test::dump(b, prefix)) out.insert(packed_segment_of(std::string_view(k).substr(prefix.size())));
  return out;
}

}  // namespace

TEST_CASE("pack: every query answers the same before and after, from segments", "[discovery][pack]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  test::ingest_fixtures(**b);
  std::vector<QueryOptions> queries = {text({"calc"}), text({"calc", "add"}), text({"deviation"}), text({"greet"})};
  QueryOptions recent = text({"calc"});
  recent.sort = "recency";
  queries.push_back(recent);
  std::vector<ordered_json> before;
  for (const auto& q : queries) before.push_back(answer(**b, q));
  REQUIRE(before[0]["total"].get<int>() >= 2);  // a common word, so a segment holds several traces
  size_t loose = count(**b, fts_keys::kLoosePrefix);
  REQUIRE(loose > 0);

  auto rep = fts_pack(**b, false);
  REQUIRE(rep.ok());
  CHECK(rep->traces_packed == 7);
  CHECK(rep->loose_postings == static_cast<int64_t>(loose));
  CHECK(count(**b, fts_keys::kLoosePrefix) == 0);
  CHECK(count(**b, fts_keys::kPackedMarkPrefix) == 7);
  CHECK(segments(**b, "calc") == std::set<int64_t>{0});
  IndexStats s = stats_of(**b);
  CHECK(s.loose == 0);
  CHECK(s.segment == 1);
  CHECK(s.version == kIndexVersion);

  for (size_t i = 0; i < queries.size(); ++i) CHECK(answer(**b, queries[i]) == before[i]);
  auto st = index_status(**b);
  REQUIRE(st.ok());
  CHECK((*st)["state"] == "ready");
  CHECK((*st)["loose_traces"] == 0);
}

TEST_CASE("pack: a trace re-indexed after packing answers with its new words only", "[discovery][pack]") {
  TempDir tmp;
  auto packed = bucket::Bucket::open(tmp.path / "packed");
  auto twin = bucket::Bucket::open(tmp.path / "twin");  // same records, never packed: the oracle
  REQUIRE(packed.ok());
  REQUIRE(twin.ok());
  for (auto* b : {&*packed, &*twin}) {
    REQUIRE((*b)->put_record(rec("trace-a", "alpha beta shared")).ok());
    REQUIRE((*b)->put_record(rec("trace-b", "alpha gamma shared")).ok());
  }
  REQUIRE(fts_pack(**packed, false).ok());
  // A new generation of trace-a: "beta" is gone, "delta" is new.
  for (auto* b : {&*packed, &*twin}) REQUIRE((*b)->put_record(rec("trace-a", "alpha delta shared words")).ok());
  CHECK(count(**packed, fts_keys::kGonePrefix) == 1);
  CHECK(stats_of(**packed).loose == 1);

  auto same = [&](std::vector<std::string> terms) {
    ordered_json a = answer(**packed, text(terms)), b = answer(**twin, text(terms));
    CHECK(a == b);
    return a;
  };
  CHECK(same({"beta"})["total"] == 0);  // only the void packed entry had it
  CHECK(same({"delta"})["total"] == 1);
  CHECK(same({"alpha"})["total"] == 2);  // the new loose posting, not the void packed one too
  same({"alpha", "shared"});

  // A partial pack merges the term's segments and drops the void entry; answers stay.
  auto rep = fts_pack(**packed, false);
  REQUIRE(rep.ok());
  CHECK(rep->void_dropped >= 1);
  same({"alpha"});
  same({"beta"});
  CHECK(count(**packed, fts_keys::kGonePrefix) == 1);  // other terms' old segments may still hold it

  // A full pack leaves one segment per term and no void markers.
  auto full = fts_pack(**packed, true);
  REQUIRE(full.ok());
  CHECK(full->gone_cleared == 1);
  CHECK(count(**packed, fts_keys::kGonePrefix) == 0);
  CHECK(segments(**packed, "alpha").size() == 1);
  CHECK(segments(**packed, "beta").empty());
  same({"alpha"});
  same({"beta"});
  same({"delta"});
}

TEST_CASE("pack: segments per term stay bounded as packs accumulate", "[discovery][pack]") {
  TempDir tmp;
  auto packed = bucket::Bucket::open(tmp.path / "packed");
  auto twin = bucket::Bucket::open(tmp.path / "twin");
  REQUIRE(packed.ok());
  REQUIRE(twin.ok());
  for (int i = 0; i < 40; ++i) {
    std::string id = "trace-" + std::to_string(100 + i);
    std::string prompt = "shared word" + std::string(i % 3 ? " rare" : "") + " n" + std::to_string(i);
    for (auto* b : {&*packed, &*twin}) REQUIRE((*b)->put_record(rec(id, prompt)).ok());
    REQUIRE(fts_pack(**packed, false).ok());
    if (i % 7 == 3)  // re-index an older, packed trace now and then
      for (auto* b : {&*packed, &*twin})
        REQUIRE((*b)->put_record(rec("trace-" + std::to_string(100 + i / 2), "shared again n" + std::to_string(i))).ok());
  }
  CHECK(segments(**packed, "shared").size() <= static_cast<size_t>(kMaxSegmentsPerTerm));
  CHECK(segments(**packed, "shared").size() < 40);
  for (const auto& terms : std::vector<std::vector<std::string>>{{"shared"}, {"shared", "rare"}, {"again"}, {"word"}})
    CHECK(answer(**packed, text(terms)) == answer(**twin, text(terms)));
}

TEST_CASE("pack: when it is due, and a version-1 index is read and upgraded", "[discovery][pack]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  test::ingest_fixtures(**b);
  auto due = fts_pack_if_due(**b);
  REQUIRE(due.ok());
  CHECK_FALSE(due->has_value());  // 7 loose traces: far below kAutoPackMinLoose

  // An index written before packing existed: version 1, no loose/segment fields.
  IndexStats s = stats_of(**b);
  json v1 = {{"version", 1}, {"docs", s.docs}, {"len", s.len}};
  REQUIRE((*b)->debug_put_raw(fts_keys::kStats, std::string(1, '\0') + canonical_json(v1)).ok());
  CHECK(stats_of(**b).loose == s.docs);
  ordered_json before = answer(**b, text({"calc"}));
  CHECK(before["freshness"]["index_version"] == 1);
  REQUIRE(fts_pack(**b, false).ok());
  ordered_json after = answer(**b, text({"calc"}));
  CHECK(after["freshness"]["index_version"] == 2);
  after["freshness"]["index_version"] = 1;
  CHECK(after == before);
}
