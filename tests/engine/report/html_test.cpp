#include <catch2/catch.hpp>

#include "engine/report/html.h"
#include "engine/report/report.h"

using namespace ot;

namespace {
// A minimal opentraces.report.v1 document with hostile text in every free-text field.
ordered_json sample(const std::string& evil) {
  ordered_json r = ordered_json::parse(R"({
    "status": "ok", "schema_version": "opentraces.report.v1", "generated_at": "2026-11-25T00:00:00Z",
    "window": {"since": "7d", "from": "2026-11-18T00:00:00Z", "to": "2026-11-25T00:00:00Z"},
    "scope": {"project": null, "repository": "/r"},
    "share": {"range": "HEAD", "tip": "abc", "commits": 2, "commits_with_notes": 1,
              "added": {"total": 10, "agent": 6, "human_modified": 1, "human": 3, "unknown": 0},
              "agent_share": 0.6, "deleted": {"total": 0, "agent": 0}, "agent_lines": {"accepted": 5, "overwritten": 1},
              "agents": [{"agent": "claude-code", "model": "m", "source": "opentraces", "added": 6, "accepted": 5,
                          "overwritten": 1, "share": 0.6}]},
    "tokens": {"total": {"traces": 1, "input_tokens": 1, "output_tokens": 2, "cache_read_tokens": 3,
                         "cache_write_tokens": 4, "total_tokens": 10, "estimated_cost_usd": 0.5, "unpriced_traces": 0},
               "by_agent_model": [{"agent": "claude-code", "model": "m", "traces": 1, "input_tokens": 1,
                                   "output_tokens": 2, "cache_read_tokens": 3, "cache_write_tokens": 4,
                                   "total_tokens": 10, "estimated_cost_usd": 0.5, "unpriced_traces": 0}]},
    "pricing": {"source": "table", "models": [{"model": "m", "table_prefix": null, "usd_per_million": null}]},
    "survival": {"observed": "HEAD", "total": {"patches": 1, "alive": 1, "authored_lines": 4, "preserved_lines": 3,
                 "retention": 0.75}, "states": {"alive_on_path": 1},
                 "by_day": [{"day": "2026-11-24", "patches": 1, "alive": 1, "authored_lines": 4, "preserved_lines": 3,
                             "retention": 0.75}]},
    "skills": {"total_skills": 1, "total_invocations": 2, "top": [{"skill": "s", "invocations": 2, "traces": 1,
               "last_used": null}]},
    "waste": {"findings": 1, "traces_with_findings": 1, "by_pattern": {"large_output": 1},
              "top_traces": [{"trace_id": "t1", "title": "x", "agent": "claude-code", "findings": 1,
                              "patterns": {"large_output": 1}}], "thresholds": {}},
    "limitations": [], "html": null})");
  r["waste"]["top_traces"][0]["title"] = evil;
  r["skills"]["top"][0]["skill"] = evil;
  r["tokens"]["by_agent_model"][0]["model"] = evil;
  r["limitations"].push_back(evil);
  return r;
}
}  // namespace

TEST_CASE("html_escape escapes markup and quotes") {
  CHECK(report::html_escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(report::html_escape("plain") == "plain");
}

TEST_CASE("render_html: trace text cannot inject markup or requests") {
  std::string evil = "<script src=\"https://evil.example/x.js\"></script><img src=x onerror=alert(1)>";
  std::string html = report::render_html(sample(evil));
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("&lt;script src=&quot;https://evil.example/x.js&quot;&gt;") != std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  // Every section is there, with the numbers of the document.
  for (const char* id : {"id=\"share\"", "id=\"tokens\"", "id=\"survival\"", "id=\"skills\"", "id=\"waste\""})
    CHECK(html.find(id) != std::string::npos);
  CHECK(html.find("60.0%") != std::string::npos);
  CHECK(html.find("75.0%") != std::string::npos);
  CHECK(html.find("$0.5000") != std::string::npos);
}

TEST_CASE("render_html: empty sections say so") {
  auto r = sample("x");
  r["share"] = nullptr;
  r["survival"] = nullptr;
  r["tokens"]["by_agent_model"] = ordered_json::array();
  r["skills"]["top"] = ordered_json::array();
  r["waste"]["top_traces"] = ordered_json::array();
  std::string html = report::render_html(r);
  CHECK(html.find("No commits in the window.") != std::string::npos);
  CHECK(html.find("No anchored agent edits in the window.") != std::string::npos);
  CHECK(html.find("No traces in the window.") != std::string::npos);
  CHECK(html.find("No skill used in the window.") != std::string::npos);
}
