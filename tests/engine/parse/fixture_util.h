// Test helpers: fixture paths, temp files, record lookups.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "engine/parse/session.h"

namespace ot::test {

inline std::filesystem::path fixture(const std::string& rel) {
  return std::filesystem::path(OT_FIXTURES_DIR) / "sessions" / rel;
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A fresh temp directory removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("ot-parse-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path write(const std::string& name, const std::string& bytes) const {
    auto p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
};

inline size_t count_calls(const schema::TraceRecord& r) {
  size_t n = 0;
  for (const auto& s : r.steps) n += s.tool_calls.size();
  return n;
}
inline size_t count_role(const schema::TraceRecord& r, const std::string& role) {
  size_t n = 0;
  for (const auto& s : r.steps) n += s.role == role ? 1 : 0;
  return n;
}
inline size_t count_errors(const schema::TraceRecord& r) {
  size_t n = 0;
  for (const auto& s : r.steps)
    for (const auto& o : s.observations) n += o.error.empty() ? 0 : 1;
  return n;
}
inline const schema::Observation* observation(const schema::TraceRecord& r, const std::string& call_id) {
  for (const auto& s : r.steps)
    for (const auto& o : s.observations)
      if (o.source_call_id == call_id) return &o;
  return nullptr;
}
inline bool has_limitation(const schema::TraceRecord& r, const std::string& code) {
  for (const auto& l : r.metadata["limitations"])
    if (l.value("code", "") == code) return true;
  return false;
}

}  // namespace ot::test
