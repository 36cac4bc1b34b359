// The corpus test end to end in the engine: a seeded session (52 fake secrets/PII) goes
// into a real LevelDB bucket with two generations and hook events; after the security
// run no seeded value is left in any decoded key or value, in the database files, or in
// an export — and the gate clears the trace until the version is bumped.
#include "engine/security/bucket_run.h"

#include <leveldb/db.h>

#include <catch2/catch.hpp>
#include <map>

#include "engine/bucket/codec.h"
#include "engine/bucket/gzip.h"
#include "engine/security/gate.h"
#include "engine/util/fs.h"
#include "test_support.h"

using namespace ot;
using namespace ot::security;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> leaks(const std::string& haystack, const std::vector<test::Seeded>& seeded) {
  std::vector<std::string> out;
  for (const auto& s : seeded)
    if (haystack.find(s.value) != std::string::npos) out.push_back(s.type + ": " + s.value.substr(0, 12) + "...");
  return out;
}

}  // namespace

TEST_CASE("bucket run: no seeded secret survives anywhere; gate and staleness", "[security][bucket]") {
  test::TempHome home;
  auto seeded = test::load_seeded();
  fs::path dir = home.path / "ot" / "bucket";
  Policy policy = test::recommended();
  std::string tid;
  {
    auto b = bucket::Bucket::open(dir);
    REQUIRE(b.ok());
    auto rep = (*b)->ingest_sessions({test::fixtures() / "security" / "cc-seeded.jsonl"}, "claude-code");
    REQUIRE(rep.ok());
    REQUIRE(rep->files.size() == 1);
    REQUIRE(rep->files[0].put);
    tid = rep->files[0].put->trace_id;
    // A second unscanned generation and hook events that carry secrets too.
    json rec = *(*b)->get_record(tid);
    rec["steps"].push_back({{"step_index", static_cast<int>(rec["steps"].size())}, {"role", "user"},
                            {"content", seeded[0].sentence + " and " + seeded[40].sentence}});
    REQUIRE((*b)->put_record(rec).ok());
    REQUIRE((*b)->append_events(tid, {{{"event_type", "hook_event"}, {"payload", {{"prompt", seeded[8].sentence}}}},
                                      {{"event_type", "trace_patch_created"}, {"note", seeded[30].sentence}}})
                .ok());
    CHECK(clear_for_egress(*(*b)->row(tid), policy).reason == "unscanned");

    auto run = run_security(**b, policy, {});
    REQUIRE(run.ok());
    CHECK(run->total == 1);
    CHECK(run->filtered == 1);
    CHECK(run->failed == 0);
    CHECK(run->history_values_rewritten >= 3);  // generation 1, 2 and both events

    // Reported by type: every seeded type found at least as often as it was seeded.
    std::map<std::string, int> want;
    for (const auto& s : seeded) want[s.type]++;
    int reported = 0;
    for (const auto& [type, n] : want) {
      int got = run->findings_by_type.value(type, 0);
      INFO(type << " seeded " << n << " reported " << got);
      CHECK(got >= n);
      reported += std::min(got, n);
    }
    CHECK(reported * 100 >= 95 * static_cast<int>(seeded.size()));

    json cur = *(*b)->get_record(tid);
    CHECK(cur["metadata"]["security"]["scanned"] == true);
    CHECK(cur["metadata"]["security"]["security_version"] == policy.version);
    CHECK(cur["metadata"]["security"]["findings"].size() >= seeded.size());
    CHECK(leaks(cur.dump(), seeded).empty());
    json row = *(*b)->row(tid);
    CHECK(row["scanned"] == true);
    CHECK(row["syncable"] == true);
    CHECK(clear_for_egress(row, policy).cleared);
    CHECK((*(*b)->status())["syncable_count"] == 1);

    auto again = run_security(**b, policy, {});
    REQUIRE(again.ok());
    CHECK(again->already_filtered == 1);

    auto verify = (*b)->verify({.full = true, .sample = 100});
    REQUIRE(verify.ok());
    INFO(verify->to_json().dump());
    CHECK(verify->ok);

    REQUIRE((*b)->export_to(home.path / "export").ok());
  }

  // Every file of the export (companions gunzipped).
  std::string exported;
  for (auto& e : fs::recursive_directory_iterator(home.path / "export")) {
    if (!e.is_regular_file()) continue;
    std::string bytes = *read_file(e.path());
    if (e.path().extension() == ".gz") bytes = *bucket::gunzip_bytes(bytes, e.path().string());
    exported += bytes;
  }
  CHECK(exported.find("[REDACTED:") != std::string::npos);
  CHECK(leaks(exported, seeded) == std::vector<std::string>{});

  // Every key and decoded value of the database, then the raw files after compaction.
  {
    leveldb::DB* raw = nullptr;
    leveldb::Options o;
    REQUIRE(leveldb::DB::Open(o, dir.string(), &raw).ok());
    std::unique_ptr<leveldb::DB> db(raw);
    std::string all;
    std::unique_ptr<leveldb::Iterator> it(db->NewIterator({}));
    int64_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++n) {
      all += it->key().ToString();
      auto v = bucket::decode_value(it->value().ToString(), it->key().ToString());
      all += v.ok() ? *v : it->value().ToString();
    }
    CHECK(n > 10);
    CHECK(leaks(all, seeded) == std::vector<std::string>{});
  }
  std::string files;
  for (auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files += *read_file(e.path());
  CHECK(leaks(files, seeded) == std::vector<std::string>{});

  // A version bump makes the trace stale; a new run clears it again.
  Policy bumped = policy;
  bumped.version = policy.version + "+1";
  auto b = bucket::Bucket::open(dir);
  REQUIRE(b.ok());
  CHECK(clear_for_egress(*(*b)->row(tid), bumped).reason == "stale_version");
  auto overview = security_overview(**b, bumped);
  REQUIRE(overview.ok());
  CHECK((*overview)["stale"] == 1);
  CHECK((*overview)["cleared"] == 0);
  auto rerun = run_security(**b, bumped, {});
  REQUIRE(rerun.ok());
  CHECK(rerun->filtered == 1);
  CHECK(clear_for_egress(*(*b)->row(tid), bumped).cleared);
}

TEST_CASE("bucket run: policy off is refused; one trace by id", "[security][bucket]") {
  test::TempHome home;
  auto b = bucket::Bucket::open(home.path / "ot" / "bucket");
  REQUIRE(b.ok());
  Policy off;
  auto r = run_security(**b, off, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "SECURITY_POLICY_OFF");
  auto missing = run_security(**b, test::recommended(), {.trace = std::string("nope")});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().exit == ExitCode::kNotFound);
}
