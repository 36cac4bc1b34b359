#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "engine/bucket/bucket.h"
#include "engine/bucket/gzip.h"
#include "engine/util/fs.h"
#include "test_support.h"

using namespace ot;
using namespace ot::bucket;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = *read_file(e.path());
  return out;
}

std::unique_ptr<Bucket> open_at(const fs::path& dir) {
  auto b = Bucket::open(dir);
  REQUIRE(b.ok());
  return std::move(b).value();
}

}  // namespace

TEST_CASE("gzip: deterministic and round-trips", "[bucket][portable]") {
  std::string text = "line one\nline two\n";
  CHECK(gzip_bytes(text) == gzip_bytes(text));
  CHECK(*gunzip_bytes(gzip_bytes(text), "x") == text);
  CHECK(*gunzip_bytes(gzip_bytes(""), "x") == "");
  std::string gz = gzip_bytes(text);
  CHECK(gz[4] == 0);  // mtime 0
  gz.resize(gz.size() - 4);
  CHECK_FALSE(gunzip_bytes(gz, "x").ok());
}

TEST_CASE("portable: export -> import -> export is byte-identical", "[bucket][portable]") {
  test::TempDir tmp;
  std::string digest;
  {
    auto b = open_at(tmp.path / "a");
    REQUIRE(b->put_record(test::make_record("t-1", 2)).ok());
    REQUIRE(b->put_record(test::make_record("t-1", 3)).ok());
    json other = test::make_record("t-2", 1, "codex");
    other["metadata"]["project_slug"] = "other-proj";
    REQUIRE(b->put_record(other).ok());
    REQUIRE(b->append_events("t-1", {json{{"event_type", "hook_event"}, {"payload", {{"x", 1}}}},
                                     json{{"event_type", "trace_patch_created"}},
                                     json{{"event_type", "context_node_observed"}}}).ok());
    REQUIRE(b->append_events("hook-only", {json{{"event_type", "hook_event"}}}).ok());
    digest = (*b->status())["bucket_digest"];
    auto ex = b->export_to(tmp.path / "export1");
    REQUIRE(ex.ok());
    CHECK(ex->traces == 3);
    CHECK(ex->objects == 3);
    CHECK(ex->events == 4);
    CHECK(ex->bucket_digest == digest);
    CHECK(b->export_to(tmp.path / "export1").error().code == "DESTINATION_EXISTS");
  }
  CHECK(fs::exists(tmp.path / "export1/traces/calc-1a2b3c4d/t-1/trace.json"));
  CHECK(fs::exists(tmp.path / "export1/traces/other-proj/t-2/trail.jsonl.gz"));
  CHECK(fs::exists(tmp.path / "export1/traces/_unassigned/hook-only/sources.jsonl.gz"));
  json manifest = json::parse(*read_file(tmp.path / "export1/manifest.json"));
  CHECK(manifest["schema_version"] == "opentraces.bucket.manifest.v2");
  CHECK(manifest["bucket_digest"] == digest);
  CHECK(manifest["traces"].size() == 3);

  auto b2 = open_at(tmp.path / "b");
  auto im = b2->import_from(tmp.path / "export1");
  REQUIRE(im.ok());
  CHECK(im->traces == 3);
  CHECK((*b2->status())["bucket_digest"] == digest);
  CHECK(b2->get_record("t-1", 1).ok());
  CHECK((*b2->row("t-1"))["generation"] == 2);
  CHECK(b2->events("t-1")->size() == 3);
  REQUIRE(b2->export_to(tmp.path / "export2").ok());
  CHECK(tree(tmp.path / "export1") == tree(tmp.path / "export2"));

  // Importing the same copy again adds nothing.
  REQUIRE(b2->import_from(tmp.path / "export1").ok());
  CHECK((*b2->status())["bucket_digest"] == digest);
  VerifyOptions full;
  full.full = true;
  CHECK(b2->verify(full)->ok);
}

TEST_CASE("portable: a copy whose content does not match its manifest is refused", "[bucket][portable]") {
  test::TempDir tmp;
  {
    auto b = open_at(tmp.path / "a");
    REQUIRE(b->put_record(test::make_record("t-1", 2)).ok());
    REQUIRE(b->append_events("t-1", {json{{"event_type", "trace_patch_created"}}}).ok());
    REQUIRE(b->export_to(tmp.path / "ex").ok());
  }
  // Swap the trail companion for another event list: files are valid, digest is not.
  fs::path trail = tmp.path / "ex/traces/calc-1a2b3c4d/t-1/trail.jsonl.gz";
  REQUIRE(write_file_atomic(trail, gzip_bytes("{\"event_type\":\"forged\",\"seq\":1,\"trace_id\":\"t-1\"}\n")).ok());
  auto b2 = open_at(tmp.path / "b");
  auto im = b2->import_from(tmp.path / "ex");
  REQUIRE_FALSE(im.ok());
  CHECK(im.error().code == "IMPORT_DIGEST_MISMATCH");
  CHECK(im.error().exit == ExitCode::kResource);
  CHECK((*b2->status())["trace_count"] == 0);
  CHECK(b2->events("t-1")->empty());

  CHECK(b2->import_from(tmp.path / "nowhere").error().code == "IMPORT_INVALID");
}
