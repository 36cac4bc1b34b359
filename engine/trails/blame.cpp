#include "engine/trails/blame.h"

#include <algorithm>
#include <tuple>

#include "engine/trails/gitai.h"
#include "notes/history.h"
#include "notes/notes_store.h"

namespace ot::trails {

namespace {
bool path_selected(const std::string& file, const std::string& sel) {
  if (sel.empty() || file == sel) return true;
  std::string dir = sel.back() == '/' ? sel : sel + "/";
  return file.rfind(dir, 0) == 0;
}
}  // namespace

Result<BlameReport> blame_commit(const git::Repo& repo, std::string_view rev, const std::string& path) {
  BlameReport r;
  auto diff = git::commit_diff(repo, rev);
  if (!diff.ok()) return diff.error();
  r.commit = diff->commit;
  auto tip = git::notes_tip(repo);
  if (!tip.ok()) return tip.error();
  r.notes_ref_exists = tip->has_value();
  auto note = git::read_note(repo, r.commit.sha);
  if (!note.ok()) return note.error();
  r.has_note = note->has_value();
  if (*note) {
    ParsedNote parsed = parse_note(**note);
    r.other_lines = parsed.other_lines;
    for (auto& f : parsed.facts)
      if (path_selected(f.file, path)) r.facts.push_back(std::move(f));
  }
  // git-ai's note (refs/notes/ai, read-only): its agent ranges as weaker facts.
  if (auto ai = git::read_note(repo, r.commit.sha, kGitAiNotesRef); ai.ok() && *ai)
    if (auto g = parse_gitai_note(**ai); g && (r.has_note = r.notes_ref_exists = true))
      for (auto& f : gitai_facts(*g))
        if (path_selected(f.file, path)) r.facts.push_back(std::move(f));
  std::sort(r.facts.begin(), r.facts.end(), [](const Fact& a, const Fact& b) {
    return std::tie(a.file, a.start_line, a.end_line, a.trace_id) < std::tie(b.file, b.start_line, b.end_line, b.trace_id);
  });
  std::map<std::string, BlameTrace> traces;
  for (const auto& fc : diff->files) {
    if (path_selected(fc.path, path)) r.changed_paths.push_back(fc.path);
    if (!path_selected(fc.path, path) || fc.added_lines.empty()) continue;
    BlameFile bf;
    bf.path = fc.path;
    bf.new_lines = fc.new_lines;
    for (int ln : fc.added_lines) {
      BlameLine bl{ln, -1};
      for (size_t i = 0; i < r.facts.size(); ++i) {
        const Fact& f = r.facts[i];
        if (f.file != fc.path || ln < f.start_line || ln > f.end_line) continue;
        // Several facts on one line (merged teammates' notes): the strongest tier wins.
        if (bl.fact < 0 || tier_rank(f.tier) < tier_rank(r.facts[static_cast<size_t>(bl.fact)].tier))
          bl.fact = static_cast<int>(i);
      }
      if (bl.fact >= 0) {
        const Fact& f = r.facts[static_cast<size_t>(bl.fact)];
        BlameTrace& t = traces[f.trace_id];
        t.trace_id = f.trace_id;
        if (t.agent.empty()) t.agent = f.agent;
        if (t.model.empty()) t.model = f.model;
        ++t.lines;
        t.files.insert(fc.path);
        t.tiers.insert(f.tier);
        ++bf.attributed;
      }
      bf.added.push_back(bl);
    }
    r.total += static_cast<int>(bf.added.size());
    r.attributed += bf.attributed;
    r.files.push_back(std::move(bf));
  }
  // Traces with facts but no added lines (stale ranges) still show up, with 0 lines.
  for (const auto& f : r.facts) {
    BlameTrace& t = traces[f.trace_id];
    t.trace_id = f.trace_id;
    if (t.agent.empty()) t.agent = f.agent;
    if (t.model.empty()) t.model = f.model;
  }
  for (auto& [id, t] : traces) r.traces.push_back(std::move(t));
  std::stable_sort(r.traces.begin(), r.traces.end(),
                   [](const BlameTrace& a, const BlameTrace& b) { return a.lines > b.lines; });
  return r;
}

Result<TraceBlame> blame_trace(const git::Repo& repo, const std::string& trace) {
  auto notes = git::all_notes(repo);
  if (!notes.ok()) return notes.error();
  std::string want = trace.rfind("t:", 0) == 0 ? trace.substr(2) : trace;
  std::set<std::string> ids;
  for (const auto& n : *notes)
    for (const auto& f : parse_note(n.text).facts)
      if (f.trace_id == want || f.trace_id.rfind(want, 0) == 0) ids.insert(f.trace_id);
  if (ids.count(want)) ids = {want};
  if (ids.empty())
    return make_error(ExitCode::kNotFound, "TRACE_NOT_FOUND", "trail",
                      "no commit note names trace '" + want + "'",
                      "check the id with `git opentraces trace query`, or anchor history with `git opentraces git-backfill`");
  if (ids.size() > 1)
    return make_error(ExitCode::kUsage, "AMBIGUOUS_TRACE", "trail",
                      "'" + want + "' matches " + std::to_string(ids.size()) + " traces", "give more characters of the id");
  TraceBlame out;
  out.trace_id = *ids.begin();
  for (const auto& n : *notes) {
    TraceCommit tc;
    for (const auto& f : parse_note(n.text).facts) {
      if (f.trace_id != out.trace_id) continue;
      if (out.agent.empty()) out.agent = f.agent;
      if (out.model.empty()) out.model = f.model;
      tc.lines += f.line_count();
      tc.files.insert(f.file);
      out.files[f.file] += f.line_count();
      if (tc.best_tier.empty() || tier_rank(f.tier) < tier_rank(tc.best_tier)) tc.best_tier = f.tier;
    }
    if (tc.lines == 0) continue;
    auto diff = git::commit_diff(repo, n.commit_sha, git::DiffOptions{false, false, 0});
    if (!diff.ok()) continue;  // note on a commit we do not have (fetched from a teammate)
    tc.commit = diff->commit;
    tc.total = diff->added_total();
    out.lines += tc.lines;
    out.commits.push_back(std::move(tc));
  }
  std::sort(out.commits.begin(), out.commits.end(),
            [](const TraceCommit& a, const TraceCommit& b) { return a.commit.time_ms > b.commit.time_ms; });
  return out;
}

}  // namespace ot::trails
