#include "engine/report/report.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/discovery/skills.h"
#include "engine/discovery/waste.h"
#include "engine/schema/pricing.h"
#include "engine/schema/record.h"
#include "engine/trails/stats.h"
#include "engine/trails/survival.h"
#include "engine/util/time.h"
#include "engine/util/usd.h"
#include "notes/diff.h"

namespace ot::report {
namespace {

double ratio(int64_t a, int64_t b) { return b <= 0 ? 0.0 : double(a) / double(b); }
double round4(double v) { return double(int64_t(v * 10000.0 + (v < 0 ? -0.5 : 0.5))) / 10000.0; }

bool alive_state(const std::string& s) { return s.rfind("alive", 0) == 0 || s == "partially_preserved"; }

ordered_json share_json(const trails::RangeStats& st) {
  ordered_json s;
  s["range"] = st.range;
  s["tip"] = st.tip_sha;
  s["commits"] = st.commits;
  s["commits_with_notes"] = st.commits_with_notes;
  s["added"] = {{"total", st.added}, {"agent", st.agent}, {"human_modified", st.human_modified},
                {"human", st.human}, {"unknown", st.unknown}};
  s["agent_share"] = round4(ratio(st.agent, st.added));
  s["deleted"] = {{"total", st.deleted}, {"agent", st.agent_deleted}};
  s["agent_lines"] = {{"accepted", st.accepted}, {"overwritten", st.overwritten}};
  ordered_json agents = ordered_json::array();
  for (const auto& a : st.agents) {
    ordered_json row;
    row["agent"] = a.agent;
    row["model"] = a.model.empty() ? ordered_json(nullptr) : ordered_json(a.model);
    row["source"] = a.source;
    row["added"] = a.added;
    row["accepted"] = a.accepted;
    row["overwritten"] = a.overwritten;
    row["share"] = round4(ratio(a.added, st.added));
    agents.push_back(row);
  }
  s["agents"] = agents;
  return s;
}

struct TokenGroup {
  int traces = 0, unpriced_traces = 0;
  int64_t input = 0, output = 0, cache_read = 0, cache_write = 0;
  double cost = 0;
};

int64_t num(const json& m, const char* k) { return m.contains(k) && m[k].is_number() ? m[k].get<int64_t>() : 0; }

struct SessionTime {
  std::optional<int64_t> ms;
  bool from_start = false;
};

// The session's start (the list row carries the record's timestamp_start), else the
// bucket's write time.
SessionTime session_time(const json& row) {
  if (row.contains("timestamp_start") && row["timestamp_start"].is_string())
    if (auto ms = ms_from_iso(row["timestamp_start"].get<std::string>())) return {ms, true};
  return {ms_from_iso(row.value("written_at", "")), false};
}

}  // namespace

Result<std::string> window_range(const git::Repo& repo, int64_t since_ms, int max_commits) {
  auto rc = trails::range_commits(repo, "HEAD", max_commits);
  if (!rc.ok()) return rc.error();
  const auto& commits = rc->commits;  // newest first
  if (commits.empty() || commits.front().time_ms < since_ms) return std::string();
  for (const auto& c : commits)
    if (c.time_ms < since_ms) return c.sha + "..HEAD";
  return std::string("HEAD");
}

Result<ordered_json> build_report(bucket::Bucket& bucket, const git::Repo* repo, const ReportOptions& o) {
  int64_t now = o.now_ms ? o.now_ms : now_ms();
  ordered_json out;
  ordered_json limitations = ordered_json::array();
  out["generated_at"] = iso_from_ms(now);
  out["window"] = {{"since", o.since_text}, {"from", iso_from_ms(o.since_ms)}, {"to", iso_from_ms(now)}};
  out["scope"] = {{"project", o.project ? ordered_json(*o.project) : ordered_json(nullptr)},
                  {"repository", repo ? ordered_json(repo->workdir().string()) : ordered_json(nullptr)}};

  // --- agent share of added lines (git notes, trails stats)
  ordered_json share = nullptr;
  if (repo) {
    auto range = window_range(*repo, o.since_ms, o.max_commits);
    if (!range.ok()) {
      // An empty repository (no HEAD) has no lines to share out.
      limitations.push_back("no commits to read: " + range.error().message);
    } else if (range->empty()) {
      limitations.push_back("no commit of HEAD's history falls inside the window");
    } else {
      trails::StatsOptions so;
      so.range = *range;
      so.max_commits = o.max_commits;
      auto st = trails::range_stats(*repo, so);
      if (!st.ok()) return st.error();
      share = share_json(*st);
    }
  } else {
    limitations.push_back("not inside a git repository: agent share and survival need one");
  }
  out["share"] = share;

  // --- tokens and cost per agent/model, and waste signals, from the window's records
  std::map<std::pair<std::string, std::string>, TokenGroup> groups;
  TokenGroup total;
  std::map<std::string, int> waste_by_pattern;
  std::vector<ordered_json> waste_traces;
  int waste_findings = 0, traces_with_waste = 0, unreadable = 0;
  std::set<std::string> models_seen;
  // Skills ranked as `trace skills` ranks them (discovery/skills.cpp), from the records this
  // pass loads anyway: loading every record a second time doubled the report's cost.
  struct SkillStat {
    int invocations = 0;
    std::set<std::string> traces;
    std::string last_used;
  };
  std::map<std::string, SkillStat> skill_stats;
  // A trace belongs to the window by when its session started, not when the bucket got it
  // (an ingest of last month's sessions must not fill this week's report); a record with
  // no start time falls back to its write time, and the report counts those.
  int by_start = 0, by_write = 0;
  bucket::ListOptions lo;
  lo.project = o.project;
  lo.limit = 1000;
  for (;;) {
    auto page = bucket.list(lo);
    if (!page.ok()) return page.error();
    for (const auto& row : page->rows) {
      auto when = session_time(row);
      if (!when.ms || *when.ms < o.since_ms || *when.ms > now) continue;
      ++(when.from_start ? by_start : by_write);
      std::string tid = row.value("trace_id", "");
      auto rec = bucket.get_record(tid);
      if (!rec.ok()) { ++unreadable; continue; }
      const json& m = rec->contains("metrics") ? (*rec)["metrics"] : json::object();
      std::string agent = row.value("agent_name", ""), model = row.value("agent_model", "");
      if (!model.empty()) models_seen.insert(model);
      for (TokenGroup* g : {&groups[{agent, model}], &total}) {
        g->traces++;
        g->input += num(m, "total_input_tokens");
        g->output += num(m, "total_output_tokens");
        g->cache_read += num(m, "total_cache_read_tokens");
        g->cache_write += num(m, "total_cache_creation_tokens");
        if (m.contains("estimated_cost_usd") && m["estimated_cost_usd"].is_number())
          g->cost += m["estimated_cost_usd"].get<double>();
        else
          g->unpriced_traces++;
      }
      auto r = schema::record_from_json(*rec);
      if (!r.ok()) { ++unreadable; continue; }
      for (const auto& use : discovery::skills_in(*r)) {
        SkillStat& st = skill_stats[use.skill];
        st.invocations++;
        st.traces.insert(tid);
        st.last_used = std::max(st.last_used, use.timestamp.empty() ? r->timestamp_end : use.timestamp);
      }
      auto w = discovery::context_waste(*r);
      if (w.findings.empty()) continue;
      ++traces_with_waste;
      waste_findings += int(w.findings.size());
      ordered_json patterns = ordered_json::object();
      std::map<std::string, int> mine;
      for (const auto& f : w.findings) ++waste_by_pattern[f.pattern], ++mine[f.pattern];
      for (const auto& [p, n] : mine) patterns[p] = n;
      ordered_json t;
      t["trace_id"] = tid;
      t["title"] = row.value("title", "");
      t["agent"] = agent;
      t["findings"] = int(w.findings.size());
      t["patterns"] = patterns;
      waste_traces.push_back(std::move(t));
    }
    if (page->next_cursor.empty()) break;
    lo.cursor = page->next_cursor;
  }
  auto group_json = [](const TokenGroup& g) {
    ordered_json j;
    j["traces"] = g.traces;
    j["input_tokens"] = g.input;
    j["output_tokens"] = g.output;
    j["cache_read_tokens"] = g.cache_read;
    j["cache_write_tokens"] = g.cache_write;
    j["total_tokens"] = g.input + g.output + g.cache_read + g.cache_write;
    j["estimated_cost_usd"] = round_usd(g.cost);
    j["unpriced_traces"] = g.unpriced_traces;
    return j;
  };
  ordered_json by_model = ordered_json::array();
  std::vector<std::pair<std::pair<std::string, std::string>, TokenGroup>> sorted(groups.begin(), groups.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    int64_t ta = a.second.input + a.second.output + a.second.cache_read + a.second.cache_write;
    int64_t tb = b.second.input + b.second.output + b.second.cache_read + b.second.cache_write;
    return ta > tb;
  });
  for (const auto& [key, g] : sorted) {
    ordered_json j;
    j["agent"] = key.first;
    j["model"] = key.second.empty() ? ordered_json(nullptr) : ordered_json(key.second);
    ordered_json gj = group_json(g);
    for (auto& [k, v] : gj.items()) j[k] = v;
    by_model.push_back(j);
  }
  out["tokens"] = {{"total", group_json(total)}, {"by_agent_model", by_model}};
  out["window"]["traces_counted_by"] = {{"session_start", by_start}, {"written_at", by_write}};
  if (by_write)
    limitations.push_back(std::to_string(by_write) + " trace(s) without a session start time counted by when the bucket wrote them");
  if (unreadable) limitations.push_back(std::to_string(unreadable) + " record(s) could not be read");

  // Where the prices come from: the model table in engine/schema/pricing.cpp, unless the
  // agent reported its own cost (Pi), which wins.
  ordered_json prices = ordered_json::array();
  for (const auto& model : models_seen) {
    ordered_json p;
    p["model"] = model;
    if (auto mp = schema::price_for(model)) {
      p["table_prefix"] = mp->prefix;
      p["usd_per_million"] = {{"input", mp->input}, {"output", mp->output}, {"cache_read", mp->cache_read},
                              {"cache_write", mp->cache_write}};
    } else {
      p["table_prefix"] = nullptr;
      p["usd_per_million"] = nullptr;
    }
    prices.push_back(p);
  }
  out["pricing"] = {{"source", "engine/schema/pricing.cpp (public list prices, USD per million tokens); "
                               "an agent-reported cost (Pi) wins"},
                    {"models", prices}};

  // --- survival of anchored agent lines, by the day their commit landed
  ordered_json survival = nullptr;
  if (repo && share.is_object()) {
    auto tracked = trails::track(*repo, "", "", o.since_ms, "HEAD");
    if (!tracked.ok()) return tracked.error();
    struct Day { int patches = 0, alive = 0, authored = 0, preserved = 0; };
    std::map<std::string, Day> days;
    std::map<std::string, int> states;
    std::map<std::string, int64_t> commit_ms;
    Day all;
    for (const auto& ps : *tracked) {
      int64_t first = INT64_MAX;
      for (const auto& [ref, s] : ps.anchors) {
        auto it = commit_ms.find(ref.commit_sha);
        if (it == commit_ms.end()) {
          auto ci = git::commit_info(*repo, ref.commit_sha);
          it = commit_ms.emplace(ref.commit_sha, ci.ok() ? ci->time_ms : 0).first;
        }
        first = std::min(first, it->second);
      }
      std::string day = iso_from_ms(first == INT64_MAX ? 0 : first).substr(0, 10);
      ++states[ps.current.state];
      for (Day* d : {&days[day], &all}) {
        d->patches++;
        if (alive_state(ps.current.state)) d->alive++;
        d->authored += ps.current.authored_line_count;
        d->preserved += ps.current.preserved_line_count;
      }
    }
    auto day_json = [](const Day& d) {
      ordered_json j;
      j["patches"] = d.patches;
      j["alive"] = d.alive;
      j["authored_lines"] = d.authored;
      j["preserved_lines"] = d.preserved;
      j["retention"] = round4(ratio(d.preserved, d.authored));
      return j;
    };
    ordered_json by_day = ordered_json::array();
    for (const auto& [day, d] : days) {
      ordered_json j;
      j["day"] = day;
      ordered_json dj = day_json(d);
      for (auto& [k, v] : dj.items()) j[k] = v;
      by_day.push_back(j);
    }
    ordered_json st = ordered_json::object();
    for (const auto& [k, n] : states) st[k] = n;
    survival = {{"observed", "HEAD"}, {"total", day_json(all)}, {"states", st}, {"by_day", by_day}};
  }
  out["survival"] = survival;

  // --- top skills
  std::vector<std::pair<std::string, SkillStat>> ranked(skill_stats.begin(), skill_stats.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second.invocations != b.second.invocations) return a.second.invocations > b.second.invocations;
    if (a.second.traces.size() != b.second.traces.size()) return a.second.traces.size() > b.second.traces.size();
    return a.first < b.first;
  });
  int invocations = 0;
  ordered_json top = ordered_json::array();
  for (const auto& [name, st] : ranked) {
    invocations += st.invocations;
    if (int(top.size()) >= o.top_skills) continue;
    ordered_json j;
    j["skill"] = name;
    j["invocations"] = st.invocations;
    j["traces"] = st.traces.size();
    j["last_used"] = st.last_used.empty() ? ordered_json(nullptr) : ordered_json(st.last_used);
    top.push_back(j);
  }
  out["skills"] = {{"total_skills", ranked.size()}, {"total_invocations", invocations}, {"top", top}};

  // --- waste signals
  std::stable_sort(waste_traces.begin(), waste_traces.end(),
                   [](const ordered_json& a, const ordered_json& b) { return a["findings"] > b["findings"]; });
  if (int(waste_traces.size()) > o.top_waste_traces) waste_traces.resize(size_t(o.top_waste_traces));
  ordered_json patterns = ordered_json::object();
  for (const auto& [p, n] : waste_by_pattern) patterns[p] = n;
  out["waste"] = {{"findings", waste_findings},
                  {"traces_with_findings", traces_with_waste},
                  {"by_pattern", patterns},
                  {"top_traces", waste_traces},
                  {"thresholds", discovery::WasteThresholds{}.to_json()}};
  out["limitations"] = limitations;
  return out;
}

}  // namespace ot::report
