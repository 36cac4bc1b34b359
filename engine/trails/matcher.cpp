#include "engine/trails/matcher.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "engine/trails/replay.h"
#include "engine/trails/text.h"

namespace ot::trails {

namespace fs = std::filesystem;

namespace {

struct Candidate {
  const MatchablePatch* patch = nullptr;
  const git::FileChange* file = nullptr;
  std::vector<int> lines;  // 1-based added lines, ascending
  bool exact = true;
  bool reflow = false;     // same characters as the run, line breaks/whitespace aside (formatter)
  size_t order = 0;
  int rank() const { return exact ? 0 : reflow ? 1 : 2; }
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

struct NormRun {
  std::vector<std::string> norm;
  std::vector<bool> whole;
  size_t chars = 0;
};

NormRun normalize_run(const OwnedRun& run) {
  NormRun r;
  for (const auto& l : run.lines) {
    r.norm.push_back(normalize_line(l.text));
    r.whole.push_back(l.whole);
    r.chars += r.norm.back().size();
  }
  return r;
}

bool line_matches(const NormRun& run, size_t k, const std::string& file_line) {
  const std::string& want = run.norm[k];
  if (run.whole[k] || want.empty()) return file_line == want;
  size_t last = run.norm.size() - 1;
  if (k == 0 && k == last) return want.size() >= 4 ? file_line.find(want) != std::string::npos : file_line == want;
  if (k == 0) return ends_with(file_line, want);
  if (k == last) return starts_with(file_line, want);
  return file_line == want;
}

// Best exact occurrence: the one covering the most added lines. Returns those lines.
std::vector<int> exact_lines(const NormRun& run, const git::FileChange& f, const std::vector<std::string>& nf) {
  std::vector<int> best;
  size_t k = run.norm.size();
  if (k == 0 || k > nf.size()) return best;
  for (size_t s = 0; s + k <= nf.size(); ++s) {
    bool ok = true;
    for (size_t i = 0; i < k && ok; ++i) ok = line_matches(run, i, nf[s + i]);
    if (!ok) continue;
    std::vector<int> lines;
    for (size_t i = 0; i < k; ++i) {
      int ln = static_cast<int>(s + i) + 1;
      if (f.is_added(ln)) lines.push_back(ln);
    }
    if (lines.size() > best.size()) best = std::move(lines);
  }
  return best;
}

// Codex apply_patch hunks list only the '+' lines: a run may be consecutive among
// the file's added lines while context lines sit between them.
std::vector<int> exact_added_lines(const NormRun& run, const git::FileChange& f, const std::vector<std::string>& nf) {
  size_t k = run.norm.size();
  const auto& added = f.added_lines;
  if (k == 0 || k > added.size()) return {};
  for (size_t s = 0; s + k <= added.size(); ++s) {
    bool ok = true;
    for (size_t i = 0; i < k && ok; ++i) {
      int ln = added[s + i];
      ok = ln >= 1 && static_cast<size_t>(ln) <= nf.size() && line_matches(run, i, nf[static_cast<size_t>(ln - 1)]);
    }
    if (ok) return std::vector<int>(added.begin() + static_cast<long>(s), added.begin() + static_cast<long>(s + k));
  }
  return {};
}

std::string joined(const std::vector<std::string>& lines, int from, int to /* 1-based inclusive */) {
  std::string out;
  for (int i = from; i <= to; ++i) {
    if (lines[static_cast<size_t>(i - 1)].empty()) continue;
    out += lines[static_cast<size_t>(i - 1)];
    out.push_back('\n');
  }
  return out;
}

std::string stripped(std::string_view l) {
  std::string out;
  for (char c : l)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') out.push_back(c);
  return out;
}

// A formatter re-wrapped or re-indented the run: consecutive file lines whose text,
// with all whitespace removed, equals the run's. Whole-line runs only. Returns the
// added lines of the window covering the most of them.
std::vector<int> reflow_lines(const OwnedRun& run, const git::FileChange& f) {
  std::string want;
  for (const auto& l : run.lines) {
    if (!l.whole) return {};
    want += stripped(l.text);
  }
  if (want.size() < 8) return {};
  std::vector<int> best;
  const auto& nf = f.new_lines;
  for (size_t s = 0; s < nf.size(); ++s) {
    std::string acc = stripped(nf[s]);
    if (acc.empty() || want.compare(0, acc.size(), acc) != 0) continue;
    size_t e = s;
    while (acc.size() < want.size() && e + 1 < nf.size()) {
      std::string next = stripped(nf[++e]);
      if (want.compare(acc.size(), next.size(), next) != 0) break;
      acc += next;
    }
    if (acc != want) continue;
    std::vector<int> lines;
    for (size_t i = s; i <= e; ++i)
      if (f.is_added(static_cast<int>(i) + 1)) lines.push_back(static_cast<int>(i) + 1);
    if (lines.size() > best.size()) best = std::move(lines);
  }
  return best;
}

std::vector<int> structural_lines(const NormRun& run, const git::FileChange& f, const std::vector<std::string>& nf,
                                  double threshold) {
  std::unordered_set<std::string> run_set;
  std::string run_text;
  for (const auto& l : run.norm) {
    if (l.empty()) continue;
    run_set.insert(l);
    run_text += l;
    run_text.push_back('\n');
  }
  if (run_text.empty() || run_text.size() > 256 * 1024) return {};
  std::vector<int> best;
  double best_ratio = 0;
  for (const auto& h : f.hunks) {
    if (h.added.empty()) continue;
    std::vector<int> support;
    for (int ln : h.added)
      if (ln >= 1 && static_cast<size_t>(ln) <= nf.size() && !nf[static_cast<size_t>(ln - 1)].empty() &&
          run_set.count(nf[static_cast<size_t>(ln - 1)]))
        support.push_back(ln);
    int from, to;
    if (!support.empty()) {
      from = support.front(), to = support.back();
    } else if (h.added.size() <= 3 * run.norm.size()) {
      from = h.added.front(), to = h.added.back();
    } else {
      continue;
    }
    if (to > static_cast<int>(nf.size())) continue;
    std::string window = joined(nf, from, to);
    if (window.size() > 256 * 1024) continue;
    double ratio = similarity(run_text, window);
    if (ratio < threshold || ratio <= best_ratio) continue;
    best_ratio = ratio;
    best.clear();
    if (!support.empty()) {
      // The supported lines plus the blank lines between them.
      for (int ln : h.added)
        if (ln >= from && ln <= to &&
            (nf[static_cast<size_t>(ln - 1)].empty() || std::binary_search(support.begin(), support.end(), ln)))
          best.push_back(ln);
    } else {
      for (int ln : h.added)
        if (ln >= from && ln <= to) best.push_back(ln);
    }
  }
  return best;
}

// Consecutive line numbers → segments; a segment of blank lines only is dropped.
std::vector<std::pair<int, int>> segments(const std::vector<int>& lines, const std::vector<std::string>& nf) {
  std::vector<std::pair<int, int>> out;
  size_t i = 0;
  while (i < lines.size()) {
    size_t j = i;
    while (j + 1 < lines.size() && lines[j + 1] == lines[j] + 1) ++j;
    int s = lines[i], e = lines[j];
    bool any = false;
    for (int ln = s; ln <= e && !any; ++ln) any = !nf[static_cast<size_t>(ln - 1)].empty();
    if (any) out.emplace_back(s, e);
    i = j + 1;
  }
  return out;
}

using PatchGroups = std::map<std::pair<std::string, std::string>, std::vector<const MatchablePatch*>>;

// A file the agent wrote and a human renamed (`git mv`) before committing: the
// patches name the old path, the commit adds the new one. A trace's patches to an
// unresolved path follow its last whole-file write to the file this commit added
// that holds at least half of the write's lines (normalized, blank lines aside).
void follow_uncommitted_renames(const PatchGroups& unresolved, const git::CommitDiff& diff, PatchGroups& groups,
                                MatchResult& res) {
  for (const auto& [key, list] : unresolved) {
    const MatchablePatch* w = nullptr;
    for (const MatchablePatch* p : list)
      if (p->old_text.empty() && (p->operation == "write" || p->operation == "create" || p->operation == "add") &&
          (!w || p->step_index >= w->step_index))
        w = p;
    if (!w) continue;
    std::set<std::string> want;
    for (const auto& l : git::split_lines(w->authored_text))
      if (std::string n = normalize_line(l); !n.empty()) want.insert(n);
    if (want.size() < 2) continue;
    const git::FileChange* best = nullptr;
    size_t best_hits = 0;
    for (const auto& f : diff.files) {
      if (f.status != 'A' || f.binary || groups.count({key.first, f.path})) continue;
      std::set<std::string> seen;
      for (const auto& l : f.new_lines)
        if (std::string n = normalize_line(l); want.count(n)) seen.insert(n);
      if (seen.size() * 2 >= want.size() && seen.size() > best_hits) best = &f, best_hits = seen.size();
    }
    if (!best) continue;
    auto& g = groups[{key.first, best->path}];
    g.insert(g.end(), list.begin(), list.end());
    res.patches_on_files += static_cast<int>(list.size());
  }
}

}  // namespace

std::optional<std::string> resolve_patch_path(const MatchablePatch& p, const git::CommitDiff& diff,
                                              const fs::path& repo_root) {
  if (p.file_path.empty()) return std::nullopt;
  fs::path path(p.file_path);
  if (path.is_relative() && !p.cwd.empty()) path = fs::path(p.cwd) / path;
  path = path.lexically_normal();
  if (path.is_absolute() && !repo_root.empty()) {
    fs::path rel = path.lexically_relative(repo_root);
    if (!rel.empty() && *rel.begin() != "..") {
      if (const auto* f = diff.file(rel.generic_string())) return f->path;
    }
  } else if (path.is_relative()) {
    if (const auto* f = diff.file(path.generic_string())) return f->path;
  }
  std::string full = "/" + path.generic_string();
  const git::FileChange* best = nullptr;
  for (const auto& f : diff.files)
    if (ends_with(full, "/" + f.path) && (!best || f.path.size() > best->path.size())) best = &f;
  if (best) return best->path;
  return std::nullopt;
}

MatchResult match_commit(const std::vector<MatchablePatch>& patches, const git::CommitDiff& diff,
                         const MatchOptions& opts) {
  MatchResult res;
  // (trace, file) → patches in step order.
  std::map<std::pair<std::string, std::string>, std::vector<const MatchablePatch*>> groups;
  std::set<std::string> seen_ids;
  std::map<std::pair<std::string, std::string>, std::vector<const MatchablePatch*>> unresolved;
  for (const auto& p : patches) {
    if (!p.verbatim && !p.patch_id.empty() && !seen_ids.insert(p.trace_id + "\n" + p.patch_id).second) continue;
    ++res.patches_considered;
    auto file = resolve_patch_path(p, diff, opts.repo_root);
    if (!file) {
      unresolved[{p.trace_id, p.file_path}].push_back(&p);
      continue;
    }
    ++res.patches_on_files;
    groups[{p.trace_id, *file}].push_back(&p);
  }
  follow_uncommitted_renames(unresolved, diff, groups, res);

  std::map<std::string, std::vector<std::string>> norm_cache;
  auto normalized = [&](const git::FileChange& f) -> const std::vector<std::string>& {
    auto it = norm_cache.find(f.path);
    if (it != norm_cache.end()) return it->second;
    std::vector<std::string> nf;
    nf.reserve(f.new_lines.size());
    for (const auto& l : f.new_lines) nf.push_back(normalize_line(l));
    return norm_cache.emplace(f.path, std::move(nf)).first->second;
  };

  std::vector<Candidate> cands;
  for (auto& [key, list] : groups) {
    const git::FileChange* f = diff.file(key.second);
    if (!f || f->binary || f->added_lines.empty()) continue;
    std::stable_sort(list.begin(), list.end(), [](const MatchablePatch* a, const MatchablePatch* b) {
      if (a->step_index != b->step_index) return a->step_index < b->step_index;
      if (a->hunk_index != b->hunk_index) return a->hunk_index < b->hunk_index;
      return a->time_ms < b->time_ms;
    });
    const auto& nf = normalized(*f);
    for (const OwnedRun& run : replay_file(list)) {
      const MatchablePatch* p = list[run.patch];
      if (opts.skip_patch_ids.count(p->patch_id)) continue;
      NormRun nr = normalize_run(run);
      if (nr.chars < 3) continue;  // a lone brace proves nothing
      Candidate c;
      c.patch = p;
      c.file = f;
      c.order = cands.size();
      c.lines = exact_lines(nr, *f, nf);
      if (c.lines.size() < nr.norm.size()) {
        std::vector<int> alt = exact_added_lines(nr, *f, nf);
        if (alt.size() > c.lines.size()) c.lines = std::move(alt);
      }
      if (c.lines.empty()) {
        c.exact = false;
        c.lines = reflow_lines(run, *f);
        c.reflow = !c.lines.empty();
      }
      if (c.lines.empty()) c.lines = structural_lines(nr, *f, nf, opts.structural_threshold);
      if (!c.lines.empty()) cands.push_back(std::move(c));
    }
  }

  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    if (a.rank() != b.rank()) return a.rank() < b.rank();
    if (a.lines.size() != b.lines.size()) return a.lines.size() > b.lines.size();
    if (a.patch->time_ms != b.patch->time_ms) return a.patch->time_ms > b.patch->time_ms;
    return a.order > b.order;  // later patch wins a tie
  });

  std::map<std::string, std::set<int>> claimed;
  std::set<std::string> matched_patches;
  for (const auto& c : cands) {
    auto& taken = claimed[c.file->path];
    std::vector<int> free;
    for (int ln : c.lines)
      if (!taken.count(ln)) free.push_back(ln);
    const auto& nf = normalized(*c.file);
    for (auto [s, e] : segments(free, nf)) {
      for (int ln = s; ln <= e; ++ln) taken.insert(ln);
      Fact f;
      f.trace_id = c.patch->trace_id;
      f.agent = c.patch->agent;
      f.model = c.patch->model;
      f.patch_id = c.patch->patch_id;
      f.step_index = c.patch->step_index;
      f.file = c.file->path;
      f.start_line = s;
      f.end_line = e;
      f.tier = c.exact ? "exact_range_hash" : c.reflow ? "formatter_divergent" : "structural_symbol";
      f.firmness = c.exact ? "firm" : "provisional";
      if (c.reflow) f.limitation = "formatter_whitespace_only";
      else if (!c.exact) f.limitation = "structural_match_below_exact_threshold";
      f.range_hash = range_hash(std::vector<std::string>(c.file->new_lines.begin() + (s - 1),
                                                         c.file->new_lines.begin() + e));
      f.anchor_id = anchor_id_for(f, diff.commit.sha);
      (c.exact ? res.exact_facts : res.structural_facts)++;
      matched_patches.insert(c.patch->trace_id + "\n" + c.patch->patch_id);
      res.facts.push_back(std::move(f));
    }
  }
  res.patches_matched = static_cast<int>(matched_patches.size());
  std::sort(res.facts.begin(), res.facts.end(), [](const Fact& a, const Fact& b) {
    if (a.file != b.file) return a.file < b.file;
    return a.start_line < b.start_line;
  });
  // Blank added lines between two facts of the same trace were written by that trace
  // too (the blank lines between an agent's functions): the earlier fact takes them.
  for (size_t i = 0; i + 1 < res.facts.size(); ++i) {
    Fact& a = res.facts[i];
    const Fact& b = res.facts[i + 1];
    if (a.file != b.file || a.trace_id != b.trace_id || b.start_line <= a.end_line + 1) continue;
    const git::FileChange* f = diff.file(a.file);
    if (!f) continue;
    const auto& nf = normalized(*f);
    bool blanks = true;
    for (int ln = a.end_line + 1; ln < b.start_line && blanks; ++ln)
      blanks = f->is_added(ln) && nf[static_cast<size_t>(ln - 1)].empty();
    if (!blanks) continue;
    a.end_line = b.start_line - 1;
    a.anchor_id = anchor_id_for(a, diff.commit.sha);
  }
  return res;
}

}  // namespace ot::trails
