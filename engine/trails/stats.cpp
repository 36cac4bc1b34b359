#include "engine/trails/stats.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "engine/trails/file_blame.h"
#include "engine/trails/stats_deletions.h"
#include "notes/diff.h"
#include "notes/history.h"
#include "notes/notes_store.h"

namespace ot::trails {

namespace {

std::string agent_key(const LineClass& c) { return c.source + "\n" + c.agent + "\n" + c.model; }

}  // namespace

Result<RangeCommits> range_commits(const git::Repo& repo, const std::string& range, int max_commits) {
  std::string tip = range.empty() ? "HEAD" : range, hide;
  if (size_t dots = range.find(".."); dots != std::string::npos) {
    if (range.find("...") != std::string::npos)
      return make_error(ExitCode::kUsage, "BAD_REVISION", "stats", "symmetric ranges (A...B) are not supported",
                        "use A..B (commits in B that are not in A)");
    hide = range.substr(0, dots);
    tip = range.substr(dots + 2);
    if (tip.empty()) tip = "HEAD";
    if (hide.empty()) hide = "HEAD";
  }
  RangeCommits out;
  auto tip_sha = git::resolve_commit(repo, tip);
  if (!tip_sha.ok()) return tip_sha.error();
  out.tip_sha = *tip_sha;
  git::LogOptions lo;
  lo.max_commits = max_commits;
  lo.first_parent = false;
  lo.hide = hide;
  auto commits = git::log_commits(repo, *tip_sha, lo);
  if (!commits.ok()) return commits.error();
  out.commits = std::move(*commits);
  return out;
}

Result<RangeStats> range_stats(const git::Repo& repo, const StatsOptions& opts) {
  RangeStats st;
  st.range = opts.range;
  auto rc = range_commits(repo, opts.range, opts.max_commits);
  if (!rc.ok()) return rc.error();
  st.tip_sha = rc->tip_sha;
  auto* commits = &rc->commits;

  AttributionIndex idx(repo);
  std::map<std::string, AgentStats> agents;
  // Agent lines added in the range: (commit, path, line) → agent key, for survival.
  std::map<std::tuple<std::string, std::string, int>, std::string> agent_lines;
  std::set<std::string> agent_paths;                 // paths the agents' lines live at (renames followed below)
  std::vector<std::pair<std::string, std::string>> renames;  // (old, new), oldest commit first
  git::DiffOptions dopt;
  dopt.load_content = false;
  for (auto it = commits->rbegin(); it != commits->rend(); ++it) {  // oldest first
    const auto& ci = *it;
    if (ci.parents.size() > 1) {
      ++st.merges_skipped;
      continue;
    }
    auto diff = git::commit_diff(repo, ci.sha, dopt);
    if (!diff.ok()) return diff.error();
    ++st.commits;
    if (idx.has_note(ci.sha)) ++st.commits_with_notes;
    for (const auto& fc : diff->files) {
      if (fc.status == 'R' && !fc.old_path.empty()) renames.emplace_back(fc.old_path, fc.path);
      for (const auto& h : fc.hunks) st.deleted += h.old_lines;
      for (int ln : fc.added_lines) {
        LineClass c = idx.classify(ci.sha, fc.path, ln);
        ++st.added;
        if (c.kind == "agent") {
          ++st.agent;
          AgentStats& a = agents[agent_key(c)];
          a.agent = c.agent, a.model = c.model, a.source = c.source;
          ++a.added;
          ++a.traces[c.trace_id];
          agent_lines[{ci.sha, fc.path, ln}] = agent_key(c);
          agent_paths.insert(fc.path);
        } else if (c.kind == "human_modified") {
          ++st.human_modified;
        } else if (c.kind == "human") {
          ++st.human;
        } else {
          ++st.unknown;
        }
      }
    }
    // Lines the agents removed (deletion records in our note).
    auto note = git::read_note(repo, ci.sha);
    if (note.ok() && *note)
      for (const auto& d : note_deletions(**note)) {
        LineClass c;
        c.source = "opentraces", c.agent = d.agent, c.model = d.model;
        AgentStats& a = agents[agent_key(c)];
        a.agent = d.agent, a.model = d.model, a.source = "opentraces";
        a.deleted += d.line_count();
        st.agent_deleted += d.line_count();
      }
  }

  if (opts.survival && !agent_lines.empty()) {
    for (const auto& [from, to] : renames)
      if (agent_paths.count(from)) agent_paths.insert(to);
    std::set<std::tuple<std::string, std::string, int>> alive;
    for (const auto& path : agent_paths) {
      FileBlameOptions bo;
      bo.rev = st.tip_sha;
      auto fb = blame_file(repo, path, bo);
      if (!fb.ok()) continue;  // gone at the tip
      for (const auto& l : fb->lines)
        if (l.who.kind == "agent") alive.insert({l.origin.commit_sha, l.origin.orig_path, l.origin.orig_line});
    }
    for (const auto& [key, agent] : agent_lines) {
      bool ok = alive.count(key) > 0;
      ++(ok ? agents[agent].accepted : agents[agent].overwritten);
      ++(ok ? st.accepted : st.overwritten);
    }
  }
  for (auto& [k, a] : agents) st.agents.push_back(std::move(a));
  std::stable_sort(st.agents.begin(), st.agents.end(),
                   [](const AgentStats& a, const AgentStats& b) { return a.added > b.added; });
  return st;
}

}  // namespace ot::trails
