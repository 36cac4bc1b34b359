#include "engine/status/dashboard.h"

#include <algorithm>
#include <vector>

namespace ot::status {
namespace {

int64_t count(const json& s, const char* key) {
  auto it = s.find(key);
  return it != s.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

}  // namespace

ordered_json build_dashboard(const json& s, size_t spool_pending, size_t quarantined,
                             const std::optional<std::string>& project) {
  const int64_t traces = count(s, "trace_count");
  const int64_t scanned = count(s, "scanned_count");
  const int64_t unscanned = count(s, "unscanned_count");
  const int64_t syncable = count(s, "syncable_count");
  const int64_t not_cleared = traces - syncable;
  const int64_t stale = count(s, "security_stale_count");

  std::string verdict = traces == 0 ? "empty" : (unscanned > 0 || not_cleared > 0) ? "not_cleared" : "clear";

  // Fixed order (reference 2.7): unfiltered, security-stale, unscanned, read model stale.
  json blocked = json::array();
  if (not_cleared - unscanned > 0) blocked.push_back("unfiltered_records");
  if (stale > 0) blocked.push_back("security_version_stale");
  if (unscanned > 0) blocked.push_back("unscanned_records");
  if (spool_pending > 0 || quarantined > 0) blocked.push_back("read_model_stale");
  const bool eligible = blocked.empty();
  const bool ready = traces > 0 && eligible && scanned == traces;

  json freshness_reasons = json::array();
  if (spool_pending > 0) freshness_reasons.push_back("spool_not_drained");
  if (quarantined > 0) freshness_reasons.push_back("spool_items_quarantined");
  const bool is_stale = !freshness_reasons.empty();

  // Fleet: top 10 projects by trace count, then name.
  std::vector<std::pair<std::string, int64_t>> projects;
  if (s.contains("projects") && s["projects"].is_array())
    for (const auto& p : s["projects"])
      projects.emplace_back(p.value("project_slug", ""), p.value("trace_count", int64_t{0}));
  if (project)
    projects.erase(std::remove_if(projects.begin(), projects.end(), [&](const auto& p) { return p.first != *project; }),
                   projects.end());
  std::sort(projects.begin(), projects.end(),
            [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  json by_project = json::array();
  for (size_t i = 0; i < projects.size() && i < 10; ++i)
    by_project.push_back({{"project", projects[i].first}, {"trace_count", projects[i].second}});
  const int64_t omitted = projects.size() > 10 ? static_cast<int64_t>(projects.size() - 10) : 0;

  json next = json::array();
  if (traces == 0) {
    next.push_back("no traces captured yet: `git opentraces setup <agent>` then work with your agent, "
                   "or `git opentraces capture ingest SESSION.jsonl`");
  } else {
    if (unscanned > 0) next.push_back("git opentraces bucket list --unscanned   # traces the security scan has not seen");
    if (is_stale) next.push_back("git opentraces bucket status   # drains the spool");
    next.push_back("git opentraces trail blame HEAD   # which trace wrote which lines");
  }

  ordered_json doc;
  doc["status"] = "ok";
  doc["schema_version"] = "opentraces.bucket.status.v1";
  doc["ok"] = true;
  doc["security_version"] = s.contains("security_version") ? s["security_version"] : json(nullptr);
  doc["scope_project"] = project ? json(*project) : json(nullptr);
  doc["store"] = {{"root", s.value("root", "")},
                  {"trace_count", traces},
                  {"project_count", count(s, "project_count")},
                  {"digest", s.value("bucket_digest", "")},
                  {"last_ingest_at", s.contains("last_ingest_at") ? s["last_ingest_at"] : json(nullptr)}};
  doc["ready"] = ready;
  doc["safety"] = {{"scanned_count", scanned},
                   {"unscanned_count", unscanned},
                   {"not_cleared_count", not_cleared},
                   {"verdict", verdict}};
  doc["sync"] = {{"eligible", eligible}, {"blocked_reasons", blocked}};
  doc["fleet"] = {{"by_project", by_project}, {"projects_omitted", omitted}};
  doc["freshness"] = {{"stale", is_stale},
                      {"reasons", freshness_reasons},
                      {"spool_pending", spool_pending},
                      {"quarantined", quarantined},
                      {"understates_safety", unscanned > 0 || is_stale}};
  doc["next_steps"] = next;
  return doc;
}

std::string short_line(const ordered_json& d) {
  std::string verdict = d["safety"]["verdict"].get<std::string>();
  std::string word = verdict == "clear" ? "clean" : verdict == "empty" ? "empty" : "not-cleared";
  return "status=" + word + " traces=" + std::to_string(d["store"]["trace_count"].get<int64_t>()) +
         " unscanned=" + std::to_string(d["safety"]["unscanned_count"].get<int64_t>()) +
         " not_cleared=" + std::to_string(d["safety"]["not_cleared_count"].get<int64_t>()) +
         " stale=" + (d["freshness"]["stale"].get<bool>() ? "true" : "false");
}

}  // namespace ot::status
