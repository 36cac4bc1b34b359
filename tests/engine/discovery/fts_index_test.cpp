#include <catch2/catch.hpp>

#include "engine/bucket/bucket.h"
#include "engine/bucket/facts.h"
#include "engine/discovery/fts_index.h"
#include "fixture_bucket.h"

using namespace ot;
using namespace ot::discovery;
using ot::bucket::test::TempDir;
using ot::bucket::test::make_record;

namespace {

json with_prompt(json r, const std::string& prompt) {
  r["steps"][0]["content"] = prompt;
  return r;
}

IndexStats stats_of(const bucket::Bucket& b) {
  auto d = test::dump(b, fts_keys::kStats);
  REQUIRE(d.size() == 1);
  return IndexStats::from_json(json::parse(d.begin()->second.substr(1)));
}

}  // namespace

TEST_CASE("fts: postings encode and decode field frequencies and lengths", "[discovery][fts]") {
  Posting p;
  p.tf[kPrompt] = 3;
  p.len[kPrompt] = 40;
  p.tf[kFile] = 1;
  p.len[kFile] = 300;
  auto back = decode_posting(encode_posting(p));
  REQUIRE(back);
  CHECK(back->tf == p.tf);
  CHECK(back->len == p.len);
  CHECK(encode_posting(p).size() == 6);  // mask + 1+1 + 1+2 bytes
  CHECK_FALSE(decode_posting(""));
  CHECK_FALSE(decode_posting(std::string(1, '\x01') + "\x80"));  // truncated varint
}

TEST_CASE("fts: a new generation replaces the trace's postings and its share of the stats", "[discovery][fts]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  REQUIRE((*b)->put_record(with_prompt(make_record("tr-1"), "divide numbers safely")).ok());
  REQUIRE((*b)->put_record(with_prompt(make_record("tr-2"), "other words here")).ok());
  CHECK(test::dump(**b, fts_keys::posting_prefix("divide")).size() == 1);
  IndexStats s1 = stats_of(**b);
  CHECK(s1.version == kIndexVersion);
  CHECK(s1.docs == 2);

  REQUIRE((*b)->put_record(with_prompt(make_record("tr-1"), "multiply")).ok());
  CHECK(test::dump(**b, fts_keys::posting_prefix("divide")).empty());
  CHECK(test::dump(**b, fts_keys::posting_prefix("multiply")).count(fts_keys::posting_prefix("multiply") + "tr-1") == 1);
  IndexStats s2 = stats_of(**b);
  CHECK(s2.docs == 2);
  CHECK(s2.len[kPrompt] == s1.len[kPrompt] - 3 + 1);  // "divide numbers safely" → "multiply"
}

TEST_CASE("fts: the search document splits fields and classifies file operations", "[discovery][fts]") {
  json r = make_record("tr-f");
  r["metadata"]["cwd"] = "/home/dev/src/calc";
  r["steps"][1]["tool_calls"] = json::array(
      {{{"tool_call_id", "a"}, {"tool_name", "Read"}, {"input", {{"file_path", "/home/dev/src/calc/README.md"}}}},
       {{"tool_call_id", "b"}, {"tool_name", "Bash"}, {"input", {{"command", "python -m pytest -q"}}}},
       {{"tool_call_id", "c"}, {"tool_name", "Bash"}, {"input", {{"command", "git add test_calc.py"}}}},
       {{"tool_call_id", "d"}, {"tool_name", "Bash"}, {"input", {{"command", "python3 test_calc.py"}}}}});
  r["git_links"] = json::array({{{"revision", "abc"}, {"subject", "Add calculator module"}}});
  auto facts = bucket::extract_facts(r);
  REQUIRE(facts.ok());
  SearchDocument d = search_document(r, *facts);
  CHECK(d.edited == std::vector<std::string>{"calc.py"});
  CHECK(d.read == std::vector<std::string>{"README.md"});
  CHECK(d.test_commands == std::vector<std::string>{"python -m pytest -q", "python3 test_calc.py"});
  CHECK(d.text[kPrompt] == "step 0");
  CHECK(d.text[kAssistant] == "step 1");
  CHECK(d.text[kToolInput].find("pytest") != std::string::npos);
  CHECK(d.text[kCommit] == "Add calculator module");
  CHECK(d.committed);  // outcome.commit_sha
  CHECK_FALSE(d.success.has_value());
  CHECK(normalize_path("/elsewhere/x.py", "/home/dev/src/calc") == "/elsewhere/x.py");
  CHECK(normalize_path("./a/b.py", "") == "a/b.py");
}

TEST_CASE("fts: rebuild from the objects gives exactly the incrementally written index", "[discovery][fts]") {
  TempDir tmp;
  auto b = bucket::Bucket::open(tmp.path / "bucket");
  REQUIRE(b.ok());
  test::ingest_fixtures(**b);
  // Generations replacing earlier ones, and a trace of a resumed session.
  REQUIRE((*b)->put_record(with_prompt(make_record("tr-a"), "first words")).ok());
  REQUIRE((*b)->put_record(with_prompt(make_record("tr-a"), "second words")).ok());
  json s = make_record("tr-b");
  s["session_id"] = "tr-a";
  REQUIRE((*b)->put_record(s).ok());
  auto incremental = test::dump(**b, "d/fts/");
  REQUIRE(incremental.size() > 100);
  CHECK(incremental.count("d/fts/sess/tr-a/tr-b") == 1);

  REQUIRE((*b)->rebuild().ok());
  CHECK(test::dump(**b, "d/fts/") == incremental);
  CHECK(stats_of(**b).docs == 9);
}

TEST_CASE("fts: previews are cut on UTF-8 boundaries", "[discovery][fts]") {
  CHECK(utf8_prefix("héllo", 2) == "h");  // 'é' is two bytes: not cut in half
  CHECK(utf8_prefix("héllo", 3) == "hé");
  CHECK(utf8_prefix("abc", 10) == "abc");
}
