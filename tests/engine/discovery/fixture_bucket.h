// Shared by the discovery tests: a bucket holding every recorded fixture session.
#pragma once

#include <leveldb/db.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "../bucket/test_support.h"
#include "engine/bucket/bucket.h"
#include "engine/discovery/query.h"

namespace ot::discovery::test {

// The top-level fixture sessions (sub-agent transcripts belong to their parent).
inline std::vector<std::filesystem::path> fixture_sessions() {
  std::vector<std::filesystem::path> out;
  for (const char* agent : {"claude-code", "codex", "pi"})
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(OT_FIXTURES_DIR) / "sessions" / agent))
      if (e.is_regular_file() && e.path().extension() == ".jsonl") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Fixture file stem (e.g. "cc-bugfix") → trace id, after ingesting all of them into `b`.
inline std::map<std::string, std::string> ingest_fixtures(bucket::Bucket& b) {
  std::map<std::string, std::string> ids;
  auto rep = b.ingest_sessions(fixture_sessions(), "");
  REQUIRE(rep.ok());
  REQUIRE(rep->failed == 0);
  for (const auto& f : rep->files) {
    REQUIRE(f.put);
    ids[f.path.stem().string()] = f.put->trace_id;
  }
  return ids;
}

// A text query for `terms` (the other options at their defaults).
inline QueryOptions text_query(std::vector<std::string> terms, int limit = 20) {
  QueryOptions o;
  o.terms = std::move(terms);
  o.limit = limit;
  return o;
}

// Every key (and raw value) under `prefix`.
inline std::map<std::string, std::string> dump(const bucket::Bucket& b, const std::string& prefix) {
  std::map<std::string, std::string> out;
  std::unique_ptr<leveldb::Iterator> it(b.db_for_reading()->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
    out[it->key().ToString()] = it->value().ToString();
  return out;
}

}  // namespace ot::discovery::test
