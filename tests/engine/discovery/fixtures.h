// Parsed fixture sessions for the discovery tests (real agent files and crafted ones).
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "engine/parse/session.h"
#include "engine/schema/record.h"

namespace ot::discovery::test {

// `rel` under tests/fixtures, e.g. "sessions/claude-code/cc-bugfix.jsonl", "crafted/cc-signals.jsonl".
inline const schema::TraceRecord& fixture(const std::string& rel) {
  static std::map<std::string, schema::TraceRecord> cache;
  auto it = cache.find(rel);
  if (it != cache.end()) return it->second;
  auto r = parse::parse_session_file(std::string(OT_FIXTURES_DIR) + "/" + rel);
  if (!r.ok()) FAIL("cannot parse " << rel << ": " << r.error().message);
  return cache.emplace(rel, std::move(r).value()).first->second;
}

inline const schema::TraceRecord& signals() { return fixture("crafted/cc-signals.jsonl"); }
inline const schema::TraceRecord& clean() { return fixture("crafted/cc-clean.jsonl"); }

}  // namespace ot::discovery::test
