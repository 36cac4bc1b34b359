#include "engine/trails/replay.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "engine/trails/text.h"
#include "notes/diff.h"

namespace ot::trails {

namespace {

struct Line {
  std::string text;
  int owner = -1;  // patch index, -1 = not the agent's
  bool whole = true;
};
using Fragment = std::vector<Line>;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_whole_write(const MatchablePatch& p) {
  std::string op = lower(p.operation);
  return p.old_text.empty() &&
         (op.find("write") != std::string::npos || op.find("create") != std::string::npos || op == "add");
}

bool is_delete(const MatchablePatch& p) {
  std::string op = lower(p.operation);
  return op.find("delete") != std::string::npos || op.find("remove") != std::string::npos;
}

// Splits exactly on '\n' (n newlines → n+1 pieces), dropping a '\r' before '\n'.
std::vector<std::string> split_exact(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    std::string piece = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!piece.empty() && piece.back() == '\r') piece.pop_back();
    out.push_back(std::move(piece));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// New lines replacing `old` (with owners): lines paired by LCS keep their old line.
std::vector<Line> merge_owned(const std::vector<Line>& old, const std::vector<std::string>& fresh, int owner) {
  std::vector<std::string> old_norm, fresh_norm;
  for (const auto& l : old) old_norm.push_back(normalize_line(l.text));
  for (const auto& l : fresh) fresh_norm.push_back(normalize_line(l));
  std::vector<int> pairs = lcs_pairs(old_norm, fresh_norm);
  std::vector<Line> out;
  for (size_t i = 0; i < fresh.size(); ++i) {
    if (pairs[i] >= 0) {
      Line l = old[static_cast<size_t>(pairs[i])];
      l.text = fresh[i];
      out.push_back(std::move(l));
    } else {
      out.push_back(Line{fresh[i], owner, true});
    }
  }
  return out;
}

// Applies the edit inside `frag` if its old text is there; [*lo, *hi) = changed lines.
bool apply_in_fragment(Fragment& frag, const MatchablePatch& p, int owner, size_t* lo, size_t* hi) {
  std::string text;
  std::vector<size_t> starts;
  for (size_t i = 0; i < frag.size(); ++i) {
    if (i) text.push_back('\n');
    starts.push_back(text.size());
    text += frag[i].text;
  }
  std::string old_text = p.old_text, new_text = p.authored_text;
  size_t pos = text.find(old_text);
  if (pos == std::string::npos && !old_text.empty() && old_text.back() == '\n') {
    // The fragment has no final newline: match the edit without its own.
    old_text.pop_back();
    if (!new_text.empty() && new_text.back() == '\n') new_text.pop_back();
    pos = old_text.empty() ? std::string::npos : text.find(old_text);
  }
  if (pos == std::string::npos) return false;
  size_t end = pos + old_text.size();
  auto line_of = [&](size_t off) {
    return static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), off) - starts.begin()) - 1;
  };
  size_t a = line_of(pos);
  size_t b = end > pos ? line_of(end - 1) : a;
  if (end > pos && text[end - 1] == '\n' && b + 1 < frag.size()) b = b + 1;  // old text ended at a line break
  size_t b_end = b + 1 < frag.size() ? starts[b + 1] - 1 : text.size();
  std::string replaced = text.substr(starts[a], pos - starts[a]) + new_text + text.substr(end, b_end - end);
  std::vector<std::string> fresh = split_exact(replaced);
  std::vector<Line> old(frag.begin() + static_cast<long>(a), frag.begin() + static_cast<long>(b) + 1);
  std::vector<Line> merged = merge_owned(old, fresh, owner);
  if (!merged.empty()) {
    merged.front().whole = merged.front().whole && old.front().whole;
    merged.back().whole = merged.back().whole && old.back().whole;
  }
  frag.erase(frag.begin() + static_cast<long>(a), frag.begin() + static_cast<long>(b) + 1);
  frag.insert(frag.begin() + static_cast<long>(a), merged.begin(), merged.end());
  *lo = a;
  *hi = a + merged.size();
  return true;
}

}  // namespace

std::vector<int> lcs_pairs(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<int> pairs(b.size(), -1);
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) pairs[pre] = static_cast<int>(pre), ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) {
    pairs[b.size() - 1 - suf] = static_cast<int>(a.size() - 1 - suf);
    ++suf;
  }
  size_t n = a.size() - pre - suf, m = b.size() - pre - suf;
  if (n == 0 || m == 0) return pairs;
  if (n * m > 4'000'000) return pairs;  // too big to align: middle lines count as new
  std::vector<std::vector<uint16_t>> dp(n + 1, std::vector<uint16_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      dp[i][j] = a[pre + i] == b[pre + j] ? static_cast<uint16_t>(dp[i + 1][j + 1] + 1)
                                          : std::max(dp[i + 1][j], dp[i][j + 1]);
  size_t i = 0, j = 0;
  while (i < n && j < m) {
    if (a[pre + i] == b[pre + j]) {
      pairs[pre + j] = static_cast<int>(pre + i);
      ++i, ++j;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) {
      ++i;
    } else {
      ++j;
    }
  }
  return pairs;
}

namespace {

// Adds the runs of `f` that touch lines [lo, hi) (the lines a patch just changed;
// runs elsewhere were collected before).
void collect_runs(const Fragment& f, size_t lo, size_t hi, std::vector<OwnedRun>& runs, std::set<std::string>& seen) {
  {
    size_t i = 0;
    while (i < f.size()) {
      if (f[i].owner < 0) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < f.size() && f[j].owner == f[i].owner) ++j;
      if (j < lo || i > hi) {
        i = j;
        continue;
      }
      // Blank lines at the edges stay: the agent wrote them too (e.g. the blank line
      // before an appended section); the matcher never attributes a blank-only run.
      size_t s = i, e = j;
      if (s < e) {
        OwnedRun run;
        run.patch = static_cast<size_t>(f[i].owner);
        std::string key = std::to_string(run.patch);
        for (size_t k = s; k < e; ++k) {
          run.lines.push_back(RunLine{f[k].text, f[k].whole});
          key += '\n' + f[k].text + (f[k].whole ? "" : "\x01");
        }
        if (seen.insert(key).second) runs.push_back(std::move(run));
      }
      i = j;
    }
  }
}

}  // namespace

std::vector<OwnedRun> replay_file(const std::vector<const MatchablePatch*>& patches) {
  // Runs are collected after every patch: a commit may hold any intermediate state
  // (the agent committed, then went on editing).
  std::vector<Fragment> frags;
  std::vector<OwnedRun> runs;
  std::set<std::string> seen;
  for (size_t idx = 0; idx < patches.size(); ++idx) {
    const MatchablePatch& p = *patches[idx];
    int owner = static_cast<int>(idx);
    if (p.verbatim) {
      Fragment f;
      for (auto& l : git::split_lines(p.authored_text)) f.push_back(Line{l, owner, true});
      frags.push_back(std::move(f));
      collect_runs(frags.back(), 0, frags.back().size(), runs, seen);
      continue;
    }
    if (is_delete(p)) {
      frags.clear();
      continue;
    }
    if (is_whole_write(p)) {
      Fragment f;
      for (auto& l : git::split_lines(p.authored_text)) f.push_back(Line{l, owner, true});
      frags.clear();
      frags.push_back(std::move(f));
      collect_runs(frags.back(), 0, frags.back().size(), runs, seen);
      continue;
    }
    if (p.authored_text.empty()) continue;
    bool applied = false;
    if (!p.old_text.empty()) {
      for (auto& f : frags) {
        size_t lo = 0, hi = 0;
        if ((applied = apply_in_fragment(f, p, owner, &lo, &hi))) {
          collect_runs(f, lo, hi, runs, seen);
          break;
        }
      }
    }
    if (applied) continue;
    // The text around the edit is unknown: keep the edit's own text as a fragment.
    std::vector<Line> old;
    for (auto& l : git::split_lines(p.old_text)) old.push_back(Line{l, -1, true});
    Fragment f = merge_owned(old, git::split_lines(p.authored_text), owner);
    if (f.empty()) continue;
    f.front().whole = false;
    f.back().whole = false;
    frags.push_back(std::move(f));
    collect_runs(frags.back(), 0, frags.back().size(), runs, seen);
  }
  return runs;
}

}  // namespace ot::trails
