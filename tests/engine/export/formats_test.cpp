// Native and STS writers (engine/export/formats.h) on every real fixture session: a
// rebuilt native file parses back, with our own parsers, to the same record as the
// original (what the writer cannot carry is listed in comparable()), and STS lines
// conform to docs/schemas/hub.sts.line.v1.json.
#include <catch2/catch.hpp>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "engine/export/formats.h"
#include "engine/parse/session.h"
#include "engine/security/sanitize.h"
#include "engine/util/fs.h"
#include "engine/util/json_schema.h"

using namespace ot;
namespace fs = std::filesystem;

namespace {

const char* kSessions[] = {"claude-code/cc-calc.jsonl", "claude-code/cc-bugfix.jsonl", "claude-code/cc-subagent.jsonl",
                           "claude-code/cc-waste.jsonl", "codex/codex-calc.jsonl",      "codex/codex-bugfix.jsonl",
                           "pi/pi-calc.jsonl"};

fs::path fixture(const std::string& rel) { return fs::path(OT_FIXTURES_DIR) / "sessions" / rel; }

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("ot-export-test-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Writes the files and returns the path of the main one (the first).
fs::path write_all(const fs::path& dir, const std::vector<trace_export::ExportFile>& files) {
  for (const auto& f : files) {
    fs::create_directories((dir / f.path).parent_path());
    REQUIRE(write_file_atomic(dir / f.path, f.bytes).ok());
  }
  return dir / files.front().path;
}

// The record as JSON minus what a rebuilt file does not carry: parse notes about the
// original file (limitations, its name, line counts), lines the record keeps only as
// counts (system events, summaries, harness context), abandoned Pi branches, and the
// content hash that covers them.
json comparable(const schema::TraceRecord& r) {
  json j = schema::to_json(r);
  j.erase("content_hash");
  json& md = j["metadata"];
  for (const char* k : {"limitations", "source_file", "system_events", "summaries"}) md.erase(k);
  if (r.agent.name == "claude-code") md.erase("compactions");
  if (md.contains("codex"))
    for (const char* k : {"harness_context_messages", "session_meta_lines"}) md["codex"].erase(k);
  if (md.contains("pi"))
    for (const char* k : {"abandoned_entry_count", "abandoned_branch_roots", "leaf_id"}) md["pi"].erase(k);
  return j;
}

void require_same(const schema::TraceRecord& a, const schema::TraceRecord& b, const std::string& what) {
  json ca = comparable(a), cb = comparable(b);
  if (ca != cb) {
    std::cerr << what << ": records differ:\n" << json::diff(ca, cb).dump(1).substr(0, 6000) << "\n";
  }
  REQUIRE(ca == cb);
}

}  // namespace

TEST_CASE("native export of every fixture parses back to the same record", "[export]") {
  for (const char* rel : kSessions) {
    SECTION(rel) {
      auto orig = parse::parse_session_file(fixture(rel));
      REQUIRE(orig.ok());
      auto files = trace_export::native_files(*orig);
      REQUIRE(!files.empty());
      TempDir t;
      fs::path main = write_all(t.path, files);
      auto back = parse::parse_session_file(main);
      REQUIRE(back.ok());
      // The structure the issue names, checked one by one before the whole record.
      REQUIRE(back->steps.size() == orig->steps.size());
      for (size_t i = 0; i < orig->steps.size(); ++i) {
        CHECK(back->steps[i].role == orig->steps[i].role);
        REQUIRE(back->steps[i].tool_calls.size() == orig->steps[i].tool_calls.size());
        CHECK(back->steps[i].observations.size() == orig->steps[i].observations.size());
        CHECK(back->steps[i].token_usage.has_value() == orig->steps[i].token_usage.has_value());
      }
      CHECK(back->metrics.total_input_tokens == orig->metrics.total_input_tokens);
      CHECK(back->metrics.total_output_tokens == orig->metrics.total_output_tokens);
      CHECK(back->patches.size() == orig->patches.size());
      CHECK(back->metadata["limitations"].empty());
      require_same(*orig, *back, rel);
      // Every line is one JSON object.
      for (const auto& f : files) {
        std::istringstream in(f.bytes);
        for (std::string l; std::getline(in, l);) CHECK(json::parse(l, nullptr, false).is_object());
      }
    }
  }
}

TEST_CASE("claude-code sub-agents go beside the session, in Claude's own layout", "[export]") {
  auto orig = parse::parse_session_file(fixture("claude-code/cc-subagent.jsonl"));
  REQUIRE(orig.ok());
  auto files = trace_export::native_files(*orig);
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == orig->trace_id + ".jsonl");
  CHECK(files[1].path.rfind(orig->trace_id + "/subagents/agent-", 0) == 0);
  CHECK(files[1].bytes.find("\"isSidechain\":true") != std::string::npos);
}

TEST_CASE("the writers are deterministic", "[export]") {
  for (const char* rel : kSessions) {
    auto r = parse::parse_session_file(fixture(rel));
    REQUIRE(r.ok());
    auto a = trace_export::native_files(*r), b = trace_export::native_files(*r);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) CHECK(a[i].bytes == b[i].bytes);
    CHECK(trace_export::sts_file(*r).bytes == trace_export::sts_file(*r).bytes);
  }
}

TEST_CASE("STS export of all three agents conforms to the published field list", "[export][sts]") {
  auto schema = JsonSchema::load(fs::path(OT_FIXTURES_DIR) / "../../docs/schemas/hub.sts.line.v1.json");
  REQUIRE(schema.ok());
  for (const char* rel : kSessions) {
    SECTION(rel) {
      auto r = parse::parse_session_file(fixture(rel));
      REQUIRE(r.ok());
      auto f = trace_export::sts_file(*r);
      std::istringstream in(f.bytes);
      size_t n = 0, tools = 0, calls = 0;
      for (std::string l; std::getline(in, l); ++n) {
        json j = json::parse(l);
        auto v = schema->validate(j);
        INFO(rel << " line " << n + 1 << ": " << JsonSchema::summarize(v));
        CHECK(v.empty());
        CHECK(j["type"] == (n == 0 ? "session" : "message"));
        if (n == 0) {
          CHECK(j["harness"] == r->agent.name);
          CHECK(j["id"] == r->trace_id);
          continue;
        }
        const json& m = j["message"];
        if (m["role"] == "tool") ++tools;
        if (m.contains("toolCalls"))
          for (const auto& c : m["toolCalls"]) {
            ++calls;
            CHECK(json::parse(c["function"]["arguments"].get<std::string>(), nullptr, false).is_discarded() == false);
          }
      }
      size_t want_calls = 0, want_obs = 0;
      for (const auto& s : r->steps) want_calls += s.tool_calls.size(), want_obs += s.observations.size();
      CHECK(calls == want_calls);
      CHECK(tools == want_obs);
    }
  }
  // A schema that can fail: a tool message without its call id is refused.
  CHECK_FALSE(schema->accepts(json{{"type", "message"}, {"message", {{"role", "tool"}, {"content", "x"}}}}));
  CHECK_FALSE(schema->accepts(json{{"type", "session"}, {"id", "x"}}));
}

TEST_CASE("round trip: a sanitized record exported natively parses back to itself", "[export][security]") {
  // The seeded fixture: cc-calc with fake secrets of many kinds woven in.
  fs::path seeded = fs::path(OT_FIXTURES_DIR) / "security" / "cc-seeded.jsonl";
  auto orig = parse::parse_session_file(seeded);
  REQUIRE(orig.ok());
  auto policy = security::policy_for_tools("regex,entropy,path_anonymizer", json::object());
  REQUIRE(policy.ok());
  security::SanitizeOptions so;
  so.scope = orig->trace_id;
  so.path_key = std::string(32, 'k');
  auto clean = security::sanitize(schema::to_json(*orig), *policy, so);
  REQUIRE(clean.ok());
  CHECK(clean->redactions >= 10);
  auto red = schema::record_from_json(clean->value);
  REQUIRE(red.ok());
  auto files = trace_export::native_files(*red);
  TempDir t;
  auto back = parse::parse_session_file(write_all(t.path, files));
  REQUIRE(back.ok());
  // Patches are re-derived from the (redacted) edit inputs, so they follow the redaction.
  json a = comparable(*red), b = comparable(*back);
  a.erase("patches"), b.erase("patches");
  if (a != b) std::cerr << json::diff(a, b).dump(1).substr(0, 4000) << "\n";
  CHECK(a == b);
}
