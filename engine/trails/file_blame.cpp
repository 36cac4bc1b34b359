#include "engine/trails/file_blame.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "notes/diff.h"
#include "notes/notes_store.h"

namespace ot::trails {

namespace {

std::string strip_ws(const std::vector<std::string>& lines, std::vector<size_t>* starts) {
  std::string out;
  for (const auto& l : lines) {
    if (starts) starts->push_back(out.size());
    for (char c : l)
      if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<int> reflow_map(const std::vector<std::string>& old_lines, const std::vector<std::string>& new_lines) {
  std::vector<size_t> os, ns;
  std::string a = strip_ws(old_lines, &os), b = strip_ws(new_lines, &ns);
  if (a.empty() || a != b || old_lines == new_lines) return {};
  std::vector<int> map(new_lines.size(), -1);
  for (size_t i = 0; i < new_lines.size(); ++i) {
    size_t end = i + 1 < ns.size() ? ns[i + 1] : b.size();
    if (ns[i] == end) continue;  // blank line
    // The old line whose stripped text contains this line's first character.
    auto it = std::upper_bound(os.begin(), os.end(), ns[i]);
    int idx = static_cast<int>(it - os.begin()) - 1;
    // Skip old blank lines that share the offset.
    while (idx + 1 < static_cast<int>(os.size()) && os[static_cast<size_t>(idx) + 1] == ns[i]) ++idx;
    map[i] = idx;
  }
  return map;
}

AttributionIndex::Entry& AttributionIndex::load(const std::string& sha) {
  auto it = cache_.find(sha);
  if (it != cache_.end()) return it->second;
  Entry e;
  if (!ours_) {
    auto o = git::NotesSnapshot::open(repo_);
    auto a = git::NotesSnapshot::open(repo_, kGitAiNotesRef);
    ours_ = o.ok() ? std::move(*o) : git::NotesSnapshot();
    ai_ = a.ok() ? std::move(*a) : git::NotesSnapshot();
  }
  auto ours = ours_->read(sha);
  if (ours.ok() && *ours) {
    e.ours = true;
    e.facts = parse_note(**ours).facts;
  }
  auto ai = ai_->read(sha);
  if (ai.ok() && *ai) e.ai = parse_gitai_note(**ai);
  return cache_.emplace(sha, std::move(e)).first->second;
}

bool AttributionIndex::has_note(const std::string& sha) {
  Entry& e = load(sha);
  return e.ours || e.ai.has_value();
}

const std::vector<Fact>& AttributionIndex::facts(const std::string& sha) { return load(sha).facts; }
const std::optional<GitAiNote>& AttributionIndex::gitai(const std::string& sha) { return load(sha).ai; }

// The hook log (<git dir>/opentraces-hook.log) names every commit our post-commit
// hook processed; one that ran with candidates and found no agent lines was made
// by a human as far as we can know. Read once, only when an un-noted commit shows up.
bool AttributionIndex::hook_saw(const std::string& sha) {
  if (!hook_clean_) {
    hook_clean_.emplace();
    std::ifstream in(repo_.git_dir() / "opentraces-hook.log");
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("\"post-commit\"") == std::string::npos) continue;
      json j = json::parse(line, nullptr, false);
      if (!j.is_object() || !j.contains("sha") || !j["sha"].is_string()) continue;
      if (j.contains("error") || j.contains("candidates_error")) continue;
      if (j.contains("skipped") && j["skipped"] != "no_candidates") continue;
      hook_clean_->insert(j["sha"].get<std::string>());
    }
  }
  return hook_clean_->count(sha) > 0;
}

LineClass AttributionIndex::classify(const std::string& sha, const std::string& path, int line) {
  Entry& e = load(sha);
  LineClass c;
  const Fact* best = nullptr;
  for (const auto& f : e.facts)
    if (f.file == path && line >= f.start_line && line <= f.end_line &&
        (!best || tier_rank(f.tier) < tier_rank(best->tier)))
      best = &f;
  if (best) {
    c.kind = "agent";
    c.source = "opentraces";
    c.trace_id = best->trace_id;
    c.agent = best->agent;
    c.model = best->model;
    c.tier = best->tier;
    c.firmness = best->firmness;
    c.patch_id = best->patch_id;
    return c;
  }
  if (e.ai) {
    if (const GitAiEntry* ge = e.ai->entry_at(path, line)) {
      GitAiAuthor a = e.ai->resolve(ge->key);
      c.source = "git-ai";
      if (a.human) {
        c.kind = "human";
        c.human_author = a.author;
      } else {
        c.kind = "agent";
        c.trace_id = a.session;
        c.agent = gitai_agent_name(a.tool);
        c.model = a.model;
      }
      return c;
    }
  }
  // Inside an agent block the matcher split in two: the agent wrote these lines,
  // a human changed them before committing.
  for (const auto& a : e.facts) {
    if (a.file != path || a.end_line >= line) continue;
    for (const auto& b : e.facts)
      if (b.file == path && b.start_line > line && b.patch_id == a.patch_id && b.trace_id == a.trace_id) {
        c.kind = "human_modified";
        c.source = "opentraces";
        c.trace_id = a.trace_id;
        c.agent = a.agent;
        c.model = a.model;
        c.patch_id = a.patch_id;
        return c;
      }
  }
  if (e.ours || e.ai) {
    c.kind = "human";
    c.source = "note";
    return c;
  }
  if (hook_saw(sha)) {
    c.kind = "human";
    c.source = "hook_log";
  }
  return c;
}

namespace {

// Verdicts "commit C changed file P without any reflow hunk", kept in
// <git dir>/opentraces-reflow-cache.v1 (one "<sha> <path>" per line): commits never
// change, so each is diffed once per clone, not on every blame.
struct ReflowCache {
  std::set<std::string> plain;
  std::vector<std::string> fresh;  // new verdicts to append
};

ReflowCache load_reflow_cache(const git::Repo& repo) {
  ReflowCache c;
  std::ifstream in(repo.git_dir() / "opentraces-reflow-cache.v1");
  std::string line;
  while (std::getline(in, line))
    if (line.size() > 41) c.plain.insert(line);
  return c;
}

void save_reflow_cache(const git::Repo& repo, const ReflowCache& c) {
  if (c.fresh.empty()) return;
  std::string text;
  for (const auto& l : c.fresh)
    if (l.find('\n') == std::string::npos) text += l + "\n";
  // One append of whole lines: concurrent blames interleave lines, never tear them.
  std::ofstream out(repo.git_dir() / "opentraces-reflow-cache.v1", std::ios::app);
  out << text;
}

struct ReflowTarget {
  size_t index;      // into FileBlame::lines
  int old_line;
  std::string reflow_commit;
};

// One pass: lines from commits without notes whose hunk only reflowed text are
// re-blamed on the parent. Returns how many lines moved.
int follow_reflows_once(const git::Repo& repo, AttributionIndex& idx, FileBlame& fb, std::set<std::string>& tried,
                        ReflowCache& cache) {
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> groups;  // (commit, path) → lines
  for (size_t i = 0; i < fb.lines.size(); ++i) {
    const auto& l = fb.lines[i];
    if (l.who.kind == "agent" || l.origin.boundary) continue;
    if (idx.has_note(l.origin.commit_sha)) continue;  // the hook judged that commit
    if (tried.count(l.origin.commit_sha + "\n" + l.origin.orig_path)) continue;
    groups[{l.origin.commit_sha, l.origin.orig_path}].push_back(i);
  }
  std::map<std::pair<std::string, std::string>, std::vector<ReflowTarget>> wanted;  // (parent, old path)
  for (auto& [key, lines] : groups) {
    tried.insert(key.first + "\n" + key.second);
    if (cache.plain.count(key.first + " " + key.second)) continue;  // judged before: commits never change
    if (!fb.previous.empty() && !fb.previous.count(key)) {
      cache.fresh.push_back(key.first + " " + key.second);  // git named no parent version: the file is new here
      continue;
    }
    ++fb.reflow_diffs;
    auto diff = git::commit_diff(repo, key.first, git::DiffOptions{false, true, 4 << 20});
    if (!diff.ok() || diff->merge || diff->commit.parents.empty()) continue;
    const git::FileChange* fc = diff->file(key.second);
    if (!fc || fc->status == 'A' || fc->binary) {
      cache.fresh.push_back(key.first + " " + key.second);
      continue;
    }
    std::string old_path = fc->old_path.empty() ? fc->path : fc->old_path;
    const std::string& parent = diff->commit.parents[0];
    auto old_file = git::file_lines_at(repo, parent, old_path);
    if (!old_file.ok()) continue;
    bool any_reflow = false;
    for (const auto& h : fc->hunks) {
      if (h.new_lines > 0 && h.old_lines > 0 && h.new_start + h.new_lines - 1 <= static_cast<int>(fc->new_lines.size()) &&
          h.old_start + h.old_lines - 1 <= static_cast<int>(old_file->size()) &&
          !reflow_map(std::vector<std::string>(old_file->begin() + (h.old_start - 1),
                                               old_file->begin() + (h.old_start - 1 + h.old_lines)),
                      std::vector<std::string>(fc->new_lines.begin() + (h.new_start - 1),
                                               fc->new_lines.begin() + (h.new_start - 1 + h.new_lines)))
               .empty())
        any_reflow = true;
    }
    if (!any_reflow) {
      cache.fresh.push_back(key.first + " " + key.second);
      continue;
    }
    for (const auto& h : fc->hunks) {
      if (h.new_lines <= 0 || h.old_lines <= 0) continue;
      int ns = h.new_start, ne = h.new_start + h.new_lines - 1;
      std::vector<size_t> inside;
      for (size_t i : lines)
        if (fb.lines[i].origin.orig_line >= ns && fb.lines[i].origin.orig_line <= ne) inside.push_back(i);
      if (inside.empty()) continue;
      if (ne > static_cast<int>(fc->new_lines.size()) || h.old_start + h.old_lines - 1 > static_cast<int>(old_file->size()))
        continue;
      std::vector<std::string> o(old_file->begin() + (h.old_start - 1), old_file->begin() + (h.old_start - 1 + h.old_lines));
      std::vector<std::string> n(fc->new_lines.begin() + (ns - 1), fc->new_lines.begin() + ne);
      std::vector<int> map = reflow_map(o, n);
      if (map.empty()) continue;
      for (size_t i : inside) {
        int oi = map[static_cast<size_t>(fb.lines[i].origin.orig_line - ns)];
        if (oi >= 0) wanted[{parent, old_path}].push_back({i, h.old_start + oi, key.first});
      }
    }
  }
  int moved = 0;
  for (auto& [key, targets] : wanted) {
    int lo = targets.front().old_line, hi = lo;
    for (const auto& t : targets) lo = std::min(lo, t.old_line), hi = std::max(hi, t.old_line);
    git::FileOriginOptions o;
    o.rev = key.first;
    o.from = lo;
    o.to = hi;
    auto sub = git::file_origins(repo, key.second, o);
    if (!sub.ok()) continue;
    std::map<int, const git::OriginLine*> by_line;
    for (const auto& ol : sub->lines) by_line[ol.line] = &ol;
    for (const auto& t : targets) {
      auto it = by_line.find(t.old_line);
      if (it == by_line.end()) continue;
      BlamedLine& bl = fb.lines[t.index];
      bl.origin.commit_sha = it->second->commit_sha;
      bl.origin.orig_path = it->second->orig_path;
      bl.origin.orig_line = it->second->orig_line;
      bl.origin.boundary = it->second->boundary;
      if (bl.reflow_commit.empty()) bl.reflow_commit = t.reflow_commit;
      bl.who = idx.classify(bl.origin.commit_sha, bl.origin.orig_path, bl.origin.orig_line);
      ++moved;
    }
    for (auto& [sha, c] : sub->commits) fb.commits.emplace(sha, c);
    for (auto& [k, v] : sub->previous) fb.previous.emplace(k, v);
  }
  return moved;
}

}  // namespace

Result<FileBlame> blame_file(const git::Repo& repo, const std::string& path, const FileBlameOptions& opts) {
  git::FileOriginOptions go;
  go.rev = opts.rev;
  go.from = opts.from;
  go.to = opts.to;
  go.engine = opts.engine;
  auto origins = git::file_origins(repo, path, go);
  if (!origins.ok()) return origins.error();
  FileBlame fb;
  fb.path = path;
  fb.rev = opts.rev;
  fb.rev_sha = origins->rev_sha;
  fb.commits = std::move(origins->commits);
  fb.previous = std::move(origins->previous);
  AttributionIndex idx(repo);
  fb.lines.reserve(origins->lines.size());
  for (auto& o : origins->lines) {
    BlamedLine bl;
    bl.who = idx.classify(o.commit_sha, o.orig_path, o.orig_line);
    bl.origin = std::move(o);
    fb.lines.push_back(std::move(bl));
  }
  if (opts.follow_reflow) {
    // Only worth it when some commit carries attribution at all.
    auto ours = git::notes_tip(repo);
    auto ai = git::notes_tip(repo, kGitAiNotesRef);
    bool any = (ours.ok() && ours->has_value()) || (ai.ok() && ai->has_value());
    std::set<std::string> tried;
    ReflowCache cache;
    if (any) cache = load_reflow_cache(repo);
    for (int depth = 0; any && depth < 4; ++depth)
      if (follow_reflows_once(repo, idx, fb, tried, cache) == 0) break;
    save_reflow_cache(repo, cache);
  }
  for (const char* k : {"agent", "human_modified", "human", "unknown"}) fb.kinds[k] = 0;
  std::map<std::string, TraceTotal> traces;
  for (const auto& l : fb.lines) {
    ++fb.kinds[l.who.kind];
    if (l.who.kind != "agent") continue;
    TraceTotal& t = traces[l.who.source + "\n" + l.who.trace_id];
    t.trace_id = l.who.trace_id;
    t.source = l.who.source;
    if (t.agent.empty()) t.agent = l.who.agent;
    if (t.model.empty()) t.model = l.who.model;
    ++t.lines;
  }
  for (auto& [k, t] : traces) fb.traces.push_back(std::move(t));
  std::stable_sort(fb.traces.begin(), fb.traces.end(),
                   [](const TraceTotal& a, const TraceTotal& b) { return a.lines > b.lines; });
  return fb;
}

}  // namespace ot::trails
