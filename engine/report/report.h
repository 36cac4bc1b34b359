// `git opentraces report`: one summary of a time window for people who share a weekly
// note — agent share of added lines (trails stats), tokens and a cost estimate per
// agent/model (bucket records; prices from engine/schema/pricing.cpp), survival of
// anchored agent lines by the day they landed (trails track), top skills (discovery
// skills) and context-waste signals (discovery waste). The document is JSON
// (opentraces.report.v1); html.h renders it as one self-contained HTML file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/bucket/bucket.h"
#include "engine/util/json.h"
#include "engine/util/result.h"
#include "notes/handle.h"

namespace ot::report {

inline constexpr const char* kReportSchema = "opentraces.report.v1";

struct ReportOptions {
  int64_t now_ms = 0;                  // end of the window (0 = now)
  int64_t since_ms = 0;                // start of the window
  std::string since_text = "7d";       // as the user wrote it (shown in the report)
  std::optional<std::string> project;  // bucket project slug; nullopt = every project
  int max_commits = 10000;
  int top_skills = 10;
  int top_waste_traces = 10;
};

// The range `stats` is run on for a window: "<newest commit older than the window>..HEAD",
// or "HEAD" when every commit of HEAD's history is inside it; "" when no commit is.
Result<std::string> window_range(const git::Repo& repo, int64_t since_ms, int max_commits);

// The payload after {status, schema_version}: generated_at, window, scope, share,
// tokens, survival, skills, waste, pricing, limitations. `repo` may be null (outside a
// repository): share and survival are then empty and a limitation says why.
Result<ordered_json> build_report(bucket::Bucket& bucket, const git::Repo* repo, const ReportOptions& options);

}  // namespace ot::report
