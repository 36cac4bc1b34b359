// Shared by the OTLP tests: the export bodies the real Claude Code 2.1.197 sent during
// the calc scenario (tests/fixtures/otlp/cc-calc/, recorded with a plain listener; see
// tests/fixtures/MANIFEST.md), in the order they arrived.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/util/fs.h"

namespace ot::otlp::test {

inline const std::string kSession = "353eec04-6006-41dd-b2d3-070193fd7d21";

inline std::filesystem::path calc_dir() { return std::filesystem::path(OT_FIXTURES_DIR) / "otlp" / "cc-calc"; }

struct Body {
  bool logs;
  std::string text;
};

inline std::vector<Body> calc_bodies() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(calc_dir()))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<Body> out;
  for (const auto& f : files) out.push_back({f.filename().string().find("logs") != std::string::npos, *read_file(f)});
  return out;
}

}  // namespace ot::otlp::test
