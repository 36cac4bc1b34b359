// Helpers for the bucket tests: a fresh temp directory per test and small records.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "engine/util/json.h"

namespace ot::bucket::test {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("ot-bucket-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// A small TraceRecord-shaped object.
inline json make_record(const std::string& trace_id, int steps = 2, const std::string& agent = "claude-code") {
  json r = {{"schema_version", "0.9.0"},
            {"trace_id", trace_id},
            {"session_id", trace_id},
            {"timestamp_start", "2026-11-24T15:16:35.408Z"},
            {"timestamp_end", "2026-11-24T15:20:00Z"},
            {"agent", {{"name", agent}, {"version", "2.1.197"}, {"model", "claude-sonnet-4"}}},
            {"task", {{"description", "Create calc.py with add and mul"}}},
            {"metadata", {{"cwd", "/home/dev/src/calc"}, {"project_slug", "calc-1a2b3c4d"}}},
            {"steps", json::array()},
            {"patches", json::array({{{"patch_id", "sha256:aa"}, {"file_path", "calc.py"}}})},
            {"outcome", {{"commit_sha", "0123456789abcdef0123456789abcdef01234567"}}}};
  for (int i = 0; i < steps; ++i)
    r["steps"].push_back({{"step_index", i},
                          {"role", i % 2 ? "agent" : "user"},
                          {"content", "step " + std::to_string(i)},
                          {"tool_calls", json::array({{{"tool_call_id", "t" + std::to_string(i)}, {"tool_name", "Edit"}}})}});
  return r;
}

}  // namespace ot::bucket::test
