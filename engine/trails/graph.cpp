#include "engine/trails/graph.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/trails/fact.h"
#include "engine/util/time.h"
#include "notes/history.h"
#include "notes/notes_store.h"

namespace ot::trails {

Result<std::vector<GraphCommit>> build_graph(const git::Repo& repo, const GraphOptions& opts) {
  git::LogOptions lo;
  lo.first_parent = false;
  lo.hide = opts.since;
  lo.max_commits = opts.trace.empty() ? opts.limit : 0;
  auto log = git::log_commits(repo, opts.until, lo);
  if (!log.ok()) return log.error();
  std::vector<GraphCommit> out;
  for (auto& c : *log) {
    GraphCommit gc;
    gc.commit = c;
    auto note = git::read_note(repo, c.sha);
    if (!note.ok()) return note.error();
    if (*note) {
      std::map<std::string, GraphTrace> traces;
      for (const auto& f : parse_note(**note).facts) {
        GraphTrace& t = traces[f.trace_id];
        t.trace_id = f.trace_id;
        t.agent = f.agent;
        t.lines += f.line_count();
        if (std::find(t.files.begin(), t.files.end(), f.file) == t.files.end()) t.files.push_back(f.file);
        if (t.best_tier.empty() || tier_rank(f.tier) < tier_rank(t.best_tier)) t.best_tier = f.tier;
      }
      for (auto& [id, t] : traces) gc.traces.push_back(std::move(t));
      std::stable_sort(gc.traces.begin(), gc.traces.end(),
                       [](const GraphTrace& a, const GraphTrace& b) { return a.lines > b.lines; });
    }
    if (!opts.trace.empty()) {
      bool has = std::any_of(gc.traces.begin(), gc.traces.end(),
                             [&](const GraphTrace& t) { return t.trace_id.rfind(opts.trace, 0) == 0; });
      if (!has) continue;
    }
    out.push_back(std::move(gc));
    if (opts.limit > 0 && static_cast<int>(out.size()) >= opts.limit) break;
  }
  return out;
}

std::vector<std::string> render_graph(const std::vector<GraphCommit>& commits, int width) {
  std::vector<std::string> out;
  if (commits.empty()) {
    out.push_back("(no commits in range)");
    return out;
  }
  // Lanes: one per trace, spanning from its first to its last row in view.
  std::vector<std::string> lanes;
  std::map<std::string, std::pair<size_t, size_t>> span;
  for (size_t i = 0; i < commits.size(); ++i)
    for (const auto& t : commits[i].traces) {
      if (!span.count(t.trace_id)) {
        span[t.trace_id] = {i, i};
        lanes.push_back(t.trace_id);
      }
      span[t.trace_id].second = i;
    }
  constexpr size_t kMaxLanes = 6;
  size_t shown = std::min(lanes.size(), kMaxLanes);
  auto utf8_len = [](const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  };
  auto clip = [&](std::string s) {
    // Cut to `width` display columns (UTF-8 aware).
    size_t cols = 0, i = 0;
    while (i < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
      if (cols + 1 > static_cast<size_t>(width)) return s.substr(0, i);
      ++cols;
      i += len;
    }
    return s;
  };
  for (size_t i = 0; i < commits.size(); ++i) {
    const GraphCommit& c = commits[i];
    std::string gutter;
    std::set<std::string> here;
    for (const auto& t : c.traces) here.insert(t.trace_id);
    for (size_t l = 0; l < shown; ++l) {
      auto [a, b] = span[lanes[l]];
      if (here.count(lanes[l])) gutter += "● ";
      else if (i > a && i < b) gutter += "│ ";
      else gutter += "  ";
    }
    if (lanes.size() > shown) gutter += here.size() > 0 && std::any_of(c.traces.begin(), c.traces.end(), [&](const GraphTrace& t) {
                                           return std::find(lanes.begin(), lanes.begin() + static_cast<long>(shown), t.trace_id) ==
                                                  lanes.begin() + static_cast<long>(shown);
                                         }) ? "+ " : "  ";
    std::string head = gutter + "* " + c.commit.sha.substr(0, 8) + " " + c.commit.subject;
    std::string date = iso_from_ms(c.commit.time_ms).substr(0, 10);
    size_t room = static_cast<size_t>(width) > date.size() + 1 ? static_cast<size_t>(width) - date.size() - 1 : 0;
    head = clip(head);
    if (utf8_len(head) > room) {
      head = clip(head).substr(0, head.size());  // already clipped to width
      while (utf8_len(head) > room && !head.empty()) head.pop_back();
      while (!head.empty() && (static_cast<unsigned char>(head.back()) & 0xC0) == 0x80) head.pop_back();
      if (!head.empty() && static_cast<unsigned char>(head.back()) >= 0xC0) head.pop_back();
    }
    head += std::string(room > utf8_len(head) ? room - utf8_len(head) : 0, ' ') + " " + date;
    out.push_back(clip(head));
    std::string pad(utf8_len(gutter), ' ');
    for (const auto& t : c.traces) {
      std::string files;
      for (const auto& f : t.files) files += (files.empty() ? "" : ", ") + f;
      out.push_back(clip(pad + "  └ t:" + t.trace_id.substr(0, 8) + " " + t.agent + "  " + std::to_string(t.lines) +
                         " line(s)  " + files));
    }
  }
  return out;
}

}  // namespace ot::trails
