// In-process micro-benchmarks (Google Benchmark) for the hot inner loops: canonical
// JSON and digests, the apply_patch parser, patch extraction from tool calls.
// Built with -DOT_BENCH=ON; run through `scripts/bench micro`.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/parse/apply_patch.h"
#include "engine/parse/patches.h"
#include "engine/parse/session.h"
#include "engine/util/hash.h"
#include "engine/util/json.h"

namespace {

std::string fixture_text(const std::string& rel) {
  std::ifstream in(std::string(OT_FIXTURES_DIR) + "/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A typical record-sized JSON document: the first 200 lines of a real session.
ot::json session_as_json() {
  std::istringstream in(fixture_text("sessions/claude-code/cc-waste.jsonl"));
  ot::json lines = ot::json::array();
  std::string line;
  while (std::getline(in, line) && lines.size() < 200)
    if (!line.empty()) lines.push_back(ot::json::parse(line));
  return lines;
}

void BM_CanonicalJson(benchmark::State& state) {
  ot::json doc = session_as_json();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string s = ot::canonical_json(doc);
    bytes += s.size();
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_CanonicalJson);

void BM_Sha256(benchmark::State& state) {
  std::string data(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(ot::sha256_hex(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(1 << 10)->Arg(1 << 20);

std::string big_patch(int files, int hunks) {
  std::string p = "*** Begin Patch\n";
  for (int f = 0; f < files; ++f) {
    p += "*** Update File: src/file" + std::to_string(f) + ".py\n";
    for (int h = 0; h < hunks; ++h) {
      p += "@@ def f" + std::to_string(h) + "():\n-    return " + std::to_string(h) + "\n+    value = " +
           std::to_string(h) + " * 2\n+    return value\n";
    }
  }
  return p + "*** End Patch\n";
}

void BM_ParseApplyPatch(benchmark::State& state) {
  std::string text = big_patch(static_cast<int>(state.range(0)), 20);
  for (auto _ : state) benchmark::DoNotOptimize(ot::parse::parse_apply_patch(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseApplyPatch)->Arg(1)->Arg(50);

void BM_PatchesFromEdit(benchmark::State& state) {
  ot::json input = {{"file_path", "/home/dev/src/app/calc.py"},
                    {"old_string", "def mul(a, b):\n    return a * b\n"},
                    {"new_string", "def mul(a, b):\n    result = a * b\n    return result\n"}};
  ot::parse::PatchContext ctx{"70046dd8-3748-42a5-91a4-9d14297adea1", "/home/dev/src/app", 3, "toolu_01", {"hook_posttooluse"}};
  for (auto _ : state) benchmark::DoNotOptimize(ot::parse::patches_from_tool_call("Edit", input, ctx));
}
BENCHMARK(BM_PatchesFromEdit);

void BM_PatchesFromCodexExec(benchmark::State& state) {
  ot::json input = {{"cmd", "apply_patch <<'PATCH'\n" + big_patch(3, 5) + "PATCH"}, {"workdir", "/home/dev/src/app"}};
  ot::parse::PatchContext ctx{"01a20e20-09ec-7242-ae12-9ecb9e6eb138", "/home/dev/src/app", 1, "call_1", {"transcript"}};
  for (auto _ : state) benchmark::DoNotOptimize(ot::parse::patches_from_tool_call("exec_command", input, ctx));
}
BENCHMARK(BM_PatchesFromCodexExec);

// A whole real session file through the Claude Code parser (read + parse + patches).
void BM_ParseClaudeSession(benchmark::State& state) {
  std::string path = std::string(OT_FIXTURES_DIR) + "/sessions/claude-code/cc-waste.jsonl";
  std::string text = fixture_text("sessions/claude-code/cc-waste.jsonl");
  for (auto _ : state) benchmark::DoNotOptimize(ot::parse::parse_session_file(path));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseClaudeSession);

}  // namespace

BENCHMARK_MAIN();
