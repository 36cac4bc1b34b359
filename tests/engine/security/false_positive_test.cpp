// The false-positive budget: on the real (clean) fixture sessions the detectors may
// flag at most 2 strings per 1,000 lines of text. Measured over the parsed records
// (what the bucket stores and scans) and over the raw session files.
#include <catch2/catch.hpp>
#include <fstream>
#include <iostream>

#include "engine/parse/session.h"
#include "engine/schema/record.h"
#include "engine/security/sanitize.h"
#include "test_support.h"

using namespace ot;
using namespace ot::security;
namespace fs = std::filesystem;

namespace {

int64_t count_lines(const json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    return s.empty() ? 0 : 1 + static_cast<int64_t>(std::count(s.begin(), s.end(), '\n'));
  }
  int64_t n = 0;
  if (v.is_object())
    for (auto it = v.begin(); it != v.end(); ++it) n += count_lines(it.value());
  if (v.is_array())
    for (const auto& e : v) n += count_lines(e);
  return n;
}

std::vector<fs::path> sessions() {
  std::vector<fs::path> out;
  for (auto& e : fs::recursive_directory_iterator(test::fixtures() / "sessions"))
    if (e.is_regular_file() && e.path().extension() == ".jsonl" && e.path().string().find(".subagents") == std::string::npos)
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

Policy detectors() {
  Policy p = test::recommended();
  p.enabled = {"regex", "entropy", "business_logic", "classifier"};
  return p;
}

int detections(const SanitizeResult& r, std::vector<std::string>& what) {
  int n = 0;
  for (const auto& f : r.findings)
    if (f.tool != "classifier" && f.tool != "path_anonymizer") {
      ++n;
      what.push_back(f.type + " at " + f.path);
    }
  return n;
}

}  // namespace

TEST_CASE("false positives: parsed fixture records stay under 2 per 1,000 lines", "[security][fp]") {
  int64_t lines = 0, flagged = 0;
  std::vector<std::string> what;
  auto files = sessions();
  REQUIRE(files.size() >= 7);
  for (const auto& f : files) {
    auto rec = parse::parse_session_file(f);
    REQUIRE(rec.ok());
    json j = schema::to_json(*rec);
    lines += count_lines(j);
    auto r = sanitize(j, detectors(), {.scope = "fp", .path_key = test::key32()});
    REQUIRE(r.ok());
    flagged += detections(*r, what);
  }
  for (const auto& w : what) std::cout << "  flagged: " << w << "\n";
  std::cout << "parsed records: " << flagged << " flagged in " << lines << " lines\n";
  REQUIRE(lines > 500);
  CHECK(flagged * 1000 <= 2 * lines);
}

TEST_CASE("false positives: raw fixture session lines stay under 2 per 1,000 lines", "[security][fp]") {
  int64_t lines = 0, flagged = 0;
  std::vector<std::string> what;
  for (const auto& f : sessions()) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      auto j = parse_json(line, f.string());
      if (!j.ok()) continue;
      lines += count_lines(*j);
      auto r = sanitize(*j, detectors(), {.scope = "fp", .path_key = test::key32()});
      REQUIRE(r.ok());
      flagged += detections(*r, what);
    }
  }
  for (const auto& w : what) std::cout << "  flagged: " << w << "\n";
  std::cout << "raw sessions: " << flagged << " flagged in " << lines << " lines\n";
  CHECK(flagged * 1000 <= 2 * lines);
}
