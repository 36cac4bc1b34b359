#include <catch2/catch.hpp>

#include <set>

#include "engine/bucket/bucket.h"
#include "engine/discovery/index_admin.h"
#include "engine/discovery/query.h"
#include "engine/util/json_schema.h"
#include "engine/util/time.h"
#include "fixture_bucket.h"

using namespace ot;
using namespace ot::discovery;
using ot::bucket::test::TempDir;
using ot::bucket::test::make_record;

namespace {

QueryOptions text(std::vector<std::string> terms) { return test::text_query(std::move(terms)); }

std::vector<std::string> ids_of(const ordered_json& out) {
  std::vector<std::string> ids;
  for (const auto& c : out["candidates"]) ids.push_back(c["trace_id"].get<std::string>());
  return ids;
}

json at(const std::string& id, const std::string& start, const std::string& prompt = "shared words") {
  json r = make_record(id);
  r["timestamp_start"] = start;
  r["steps"][0]["content"] = prompt;
  return r;
}

}  // namespace

TEST_CASE("query: a word found in exactly one fixture returns that trace first", "[discovery][query]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  auto ids = test::ingest_fixtures(**b);

  auto out = run_query(**b, text({"deviation"}));  // only the bugfix prompt says "standard deviation"
  REQUIRE(out.ok());
  REQUIRE((*out)["total"] == 1);
  const auto& c = (*out)["candidates"][0];
  CHECK(c["trace_id"] == ids["cc-bugfix"]);
  CHECK(c["score"].get<double>() > 0);
  CHECK(c["matched_fields"]["prompt"] == json::array({"deviation"}));
  CHECK(c["match_explanation"].get<std::string>().find("\"deviation\" in prompt") != std::string::npos);
  CHECK((*out)["search_diagnostics"]["raw_trace_scan"] == false);
  CHECK((*out)["freshness"]["stale"] == false);
  CHECK((*out)["freshness"]["indexed_traces"] == 7);

  // Every term must match (AND): these two words never meet in one trace.
  auto none = run_query(**b, text({"deviation", "greet"}));
  REQUIRE(none.ok());
  CHECK((*none)["total"] == 0);

  // A prompt match outranks a tool-input match: "greet" is the subagent prompt's subject.
  auto greet = run_query(**b, text({"greet"}));
  REQUIRE(greet.ok());
  REQUIRE((*greet)["total"].get<int>() >= 1);
  CHECK((*greet)["candidates"][0]["trace_id"] == ids["cc-subagent"]);
}

TEST_CASE("query: facets narrow by agent, file operation and outcome", "[discovery][query]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  auto ids = test::ingest_fixtures(**b);

  QueryOptions o;
  o.agent = "codex";
  auto codex = run_query(**b, o);
  REQUIRE(codex.ok());
  auto got = ids_of(*codex);
  CHECK(std::set<std::string>(got.begin(), got.end()) == std::set<std::string>{ids["codex-bugfix"], ids["codex-calc"]});

  QueryOptions edits;
  edits.files = "calc.py";
  edits.file_op = "edit";
  auto e = run_query(**b, edits);
  REQUIRE(e.ok());
  auto edited = ids_of(*e);
  CHECK(std::count(edited.begin(), edited.end(), ids["cc-calc"]) == 1);
  CHECK(std::count(edited.begin(), edited.end(), ids["cc-bugfix"]) == 0);

  // Outcome facets come from what the record holds (the fixtures hold no commit or success).
  json done = make_record("crafted-done");  // outcome.commit_sha set
  done["outcome"]["success"] = true;
  json failed = make_record("crafted-failed");
  failed["outcome"] = {{"success", false}};
  REQUIRE((*b)->put_record(done).ok());
  REQUIRE((*b)->put_record(failed).ok());
  QueryOptions committed;
  committed.committed = true;
  CHECK(ids_of(*run_query(**b, committed)) == std::vector<std::string>{"crafted-done"});
  committed.committed = false;
  CHECK((*run_query(**b, committed))["total"] == 8);
  QueryOptions success;
  success.success = true;
  CHECK(ids_of(*run_query(**b, success)) == std::vector<std::string>{"crafted-done"});
  success.success = false;
  CHECK(ids_of(*run_query(**b, success)) == std::vector<std::string>{"crafted-failed"});

  QueryOptions text_and_agent = text({"calc"});
  text_and_agent.agent = "pi";
  auto pi = run_query(**b, text_and_agent);
  REQUIRE(pi.ok());
  CHECK(ids_of(*pi) == std::vector<std::string>{ids["pi-calc"]});
}

TEST_CASE("query: --since is inclusive at the boundary, with a fixed clock", "[discovery][query]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  REQUIRE((*b)->put_record(at("old", "2026-11-17T23:59:59.999Z")).ok());
  REQUIRE((*b)->put_record(at("edge", "2026-11-18T00:00:00Z")).ok());
  REQUIRE((*b)->put_record(at("new", "2026-11-24T12:00:00Z")).ok());
  int64_t now = *ms_from_iso("2026-11-25T00:00:00Z");

  QueryOptions o;
  o.since_ms = *parse_since("7d", now);  // 2026-11-18T00:00:00Z exactly
  auto out = run_query(**b, o);
  REQUIRE(out.ok());
  CHECK(ids_of(*out) == std::vector<std::string>{"new", "edge"});  // recency: newest first
  CHECK((*out)["sort"] == "recency");
  CHECK((*out)["query"]["since"] == "2026-11-18T00:00:00Z");

  o.since_ms = *o.since_ms + 1;  // one millisecond later the edge trace is out
  CHECK(ids_of(*run_query(**b, o)) == std::vector<std::string>{"new"});

  o.since_ms = *parse_since("2026-11-17", now);
  o.sort = "time";
  CHECK(ids_of(*run_query(**b, o)) == std::vector<std::string>{"old", "edge", "new"});
}

TEST_CASE("query: every term must match even when the time window is the smallest set", "[discovery][query]") {
  // The --since set (3 traces) is smaller than either term's postings (5 each), so it seeds
  // the candidates; both terms must still be checked (an earlier version skipped one).
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  for (const char* id : {"a", "d", "e"}) REQUIRE((*b)->put_record(at(id, "2026-10-01T00:00:00Z", "alpha beta")).ok());
  REQUIRE((*b)->put_record(at("b", "2026-11-24T00:00:00Z", "alpha only")).ok());
  REQUIRE((*b)->put_record(at("c", "2026-11-24T01:00:00Z", "beta only")).ok());
  REQUIRE((*b)->put_record(at("f", "2026-11-24T02:00:00Z", "alpha and beta")).ok());
  REQUIRE((*b)->put_record(at("g", "2026-10-02T00:00:00Z", "alpha beta")).ok());
  QueryOptions o = text({"alpha", "beta"});
  o.since_ms = *parse_since("7d", *ms_from_iso("2026-11-25T00:00:00Z"));
  auto out = run_query(**b, o);
  REQUIRE(out.ok());
  CHECK(ids_of(*out) == std::vector<std::string>{"f"});
  CHECK((*out)["total"] == 1);
  o.since_ms.reset();
  CHECK((*run_query(**b, o))["total"] == 5);  // a, d, e, f, g
}

TEST_CASE("query: paging walks every hit once; tokens are tied to their query", "[discovery][query]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  for (int i = 0; i < 5; ++i)
    REQUIRE((*b)->put_record(at("p" + std::to_string(i), "2026-11-2" + std::to_string(i) + "T10:00:00Z", "paging words")).ok());

  QueryOptions o = text({"paging"});
  o.limit = 2;
  std::vector<std::string> seen;
  int pages = 0;
  for (;;) {
    auto out = run_query(**b, o);
    REQUIRE(out.ok());
    CHECK((*out)["total"] == 5);
    auto page = ids_of(*out);
    seen.insert(seen.end(), page.begin(), page.end());
    ++pages;
    if (!(*out)["has_more"].get<bool>()) {
      CHECK((*out)["next_page_token"].is_null());
      break;
    }
    o.page_token = (*out)["next_page_token"].get<std::string>();
    REQUIRE(pages < 5);
  }
  CHECK(pages == 3);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 5);
  CHECK(seen.size() == 5);

  QueryOptions other = text({"words"});
  other.page_token = o.page_token;  // a token of another query
  auto bad = run_query(**b, other);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "INVALID_PAGE_TOKEN");
  CHECK(bad.error().exit == ExitCode::kUsage);
}

TEST_CASE("query: latest generation per session unless --include-superseded", "[discovery][query]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  REQUIRE((*b)->put_record(at("sess-1", "2026-11-20T10:00:00Z", "resumed work")).ok());
  json later = at("sess-1-resumed", "2026-11-21T10:00:00Z", "resumed work");
  later["session_id"] = "sess-1";
  REQUIRE((*b)->put_record(later).ok());

  auto out = run_query(**b, text({"resumed"}));
  REQUIRE(out.ok());
  CHECK(ids_of(*out) == std::vector<std::string>{"sess-1-resumed"});
  QueryOptions all = text({"resumed"});
  all.include_superseded = true;
  all.sort = "time";
  auto both = run_query(**b, all);
  REQUIRE(both.ok());
  CHECK(ids_of(*both) == std::vector<std::string>{"sess-1", "sess-1-resumed"});
  CHECK((*both)["candidates"][0]["metadata"]["superseded"] == true);
}

TEST_CASE("query: clear errors for an empty query, bad values and unindexed signals", "[discovery][query]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  REQUIRE((*b)->put_record(make_record("tr-1")).ok());
  auto empty = run_query(**b, QueryOptions{});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == "QUERY_EMPTY");
  CHECK(empty.error().exit == ExitCode::kResource);

  auto stop = run_query(**b, text({"the"}));
  REQUIRE_FALSE(stop.ok());
  CHECK(stop.error().code == "QUERY_TERMS_EMPTY");

  QueryOptions sig = text({"step"});
  sig.signals = {"resteer"};
  auto s = run_query(**b, sig);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == "SIGNALS_NOT_INDEXED");
  CHECK(s.error().exit == ExitCode::kNotImplemented);

  QueryOptions op = text({"step"});
  op.file_op = "write";
  CHECK(run_query(**b, op).error().code == "INVALID_FILE_OP");
}

TEST_CASE("query and index envelopes conform to their schemas in docs/schemas", "[discovery][query][schema]") {
  const std::filesystem::path dir = std::filesystem::path(OT_FIXTURES_DIR) / ".." / ".." / "docs" / "schemas";
  auto qs = JsonSchema::load(dir / "opentraces.trace.query.v1.json");
  REQUIRE(qs.ok());
  auto is = JsonSchema::load(dir / "opentraces.trace.index.v1.json");
  REQUIRE(is.ok());
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  test::ingest_fixtures(**b);

  auto wrap = [](const char* schema, const ordered_json& payload, const char* action = nullptr) {
    ordered_json doc = {{"status", "ok"}, {"schema_version", schema}};
    if (action) doc["action"] = action;
    for (auto& [k, v] : payload.items()) doc[k] = v;
    return json(doc);
  };
  QueryOptions since;
  since.since_ms = 0;
  since.limit = 3;
  for (const QueryOptions& o : {text({"calc", "add"}), text({"deviation"}), since}) {
    auto out = run_query(**b, o);
    REQUIRE(out.ok());
    REQUIRE((*out)["total"].get<int>() > 0);
    auto v = qs->validate(wrap(kQuerySchema, *out));
    INFO(JsonSchema::summarize(v));
    CHECK(v.empty());
  }
  CHECK_FALSE(qs->accepts(wrap(kQuerySchema, ordered_json{{"total", -1}})));  // the schema can fail

  auto st = index_status(**b);
  REQUIRE(st.ok());
  CHECK((*st)["state"] == "ready");
  ordered_json sdoc = {{"index", *st}};
  CHECK(is->validate(wrap(kIndexSchema, sdoc, "status")).empty());
  auto rb = index_rebuild(**b);
  REQUIRE(rb.ok());
  auto v = is->validate(wrap(kIndexSchema, *rb, "rebuild"));
  INFO(JsonSchema::summarize(v));
  CHECK(v.empty());
  CHECK((*rb)["rebuilt"]["traces_rebuilt"] == 7);
}
