// Helpers for the security tests: a private OPENTRACES_HOME and the seeded corpus.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/security/policy.h"
#include "engine/util/json.h"

namespace ot::security::test {

// A temp dir used as OPENTRACES_HOME (and HOME) for the test's lifetime.
struct TempHome {
  std::filesystem::path path;
  std::string old_home, old_ot;
  TempHome() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("ot-security-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path);
    if (const char* h = getenv("HOME")) old_home = h;
    if (const char* o = getenv("OPENTRACES_HOME")) old_ot = o;
    setenv("OPENTRACES_HOME", (path / "ot").c_str(), 1);
    setenv("HOME", path.c_str(), 1);
  }
  ~TempHome() {
    if (old_ot.empty()) unsetenv("OPENTRACES_HOME");
    else setenv("OPENTRACES_HOME", old_ot.c_str(), 1);
    setenv("HOME", old_home.c_str(), 1);
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct Seeded {
  std::string type, value, sentence;
};

inline std::filesystem::path fixtures() { return OT_FIXTURES_DIR; }

inline std::vector<Seeded> load_seeded() {
  std::vector<Seeded> out;
  std::ifstream in(fixtures() / "security" / "seeded-secrets.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    out.push_back({j["type"], j["value"], j["sentence"]});
  }
  return out;
}

// The recommended tool set, medium tier, with the business term the corpus seeds.
inline Policy recommended(Tier tier = Tier::medium) {
  Policy p;
  p.preset = "recommended";
  p.enabled = *preset_tools("recommended");
  p.tier = tier;
  p.version = std::string(kBuiltinVersion);
  p.business_strings = {"Project Nightingale"};
  return p;
}

inline std::string key32(char c = 'k') { return std::string(32, c); }

}  // namespace ot::security::test
