#include "engine/trails/stats_deletions.h"

#include <map>
#include <set>

#include "engine/trails/fact.h"
#include "engine/trails/text.h"
#include "engine/util/json.h"

namespace ot::trails {

std::string deletion_line(const Deletion& d) {
  json j = {{"v", 1},         {"kind", "deletion"}, {"trace_id", d.trace_id}, {"agent", d.agent},
            {"patch_id", d.patch_id}, {"file", d.file},   {"old_file", d.old_file},
            {"old_start_line", d.start_line}, {"old_end_line", d.end_line}};
  if (!d.model.empty()) j["model"] = d.model;
  return canonical_json(j);
}

std::optional<Deletion> deletion_from_line(std::string_view line) {
  if (line.empty() || line.front() != '{' || line.find("\"deletion\"") == std::string_view::npos) return std::nullopt;
  json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (!j.is_object() || j.value("kind", "") != "deletion") return std::nullopt;
  Deletion d;
  d.trace_id = j.value("trace_id", "");
  d.agent = j.value("agent", "");
  d.model = j.value("model", "");
  d.patch_id = j.value("patch_id", "");
  d.file = j.value("file", "");
  d.old_file = j.value("old_file", d.file);
  d.start_line = j.value("old_start_line", 0);
  d.end_line = j.value("old_end_line", 0);
  if (d.trace_id.empty() || d.old_file.empty() || d.start_line < 1 || d.end_line < d.start_line) return std::nullopt;
  return d;
}

std::vector<Deletion> note_deletions(std::string_view text) {
  std::vector<Deletion> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    if (auto d = deletion_from_line(text.substr(pos, nl - pos))) out.push_back(std::move(*d));
    pos = nl + 1;
  }
  return out;
}

std::string with_deletions(const std::string& note, const std::vector<Deletion>& dels) {
  if (dels.empty()) return note;
  std::vector<std::string> lines = git::split_lines(note);
  for (const auto& d : dels) lines.push_back(deletion_line(d));
  return render_note(std::move(lines));
}

namespace {

std::vector<std::string> norm_lines(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& l : git::split_lines(text)) out.push_back(normalize_line(l));
  return out;
}

}  // namespace

std::vector<Deletion> match_deletions(const git::Repo& repo, const git::CommitDiff& diff,
                                      const std::vector<MatchablePatch>& patches, const MatchOptions& opts) {
  std::vector<Deletion> out;
  if (diff.merge || diff.commit.parents.empty()) return out;
  std::map<std::string, std::vector<std::string>> old_cache;  // old path → normalized lines
  std::map<std::string, std::set<int>> claimed;
  for (const auto& p : patches) {
    if (p.verbatim || opts.skip_patch_ids.count(p.patch_id)) continue;
    auto path = resolve_patch_path(p, diff, opts.repo_root);
    if (!path) continue;
    const git::FileChange* fc = diff.file(*path);
    if (!fc || fc->status == 'A' || fc->binary) continue;
    if (fc->status == 'D' && p.operation == "delete") {  // the agent deleted the whole file
      auto lines = git::file_lines_at(repo, diff.commit.parents[0], fc->path);
      if (lines.ok() && !lines->empty())
        out.push_back({p.trace_id, p.agent, p.model, p.patch_id, fc->path, fc->path, 1, static_cast<int>(lines->size())});
      continue;
    }
    if (p.old_text.empty()) continue;
    // The lines the patch removed: its old text minus lines its new text keeps.
    std::vector<std::string> removed;
    {
      std::multiset<std::string> kept;
      for (auto& l : norm_lines(p.authored_text)) kept.insert(l);
      for (auto& l : norm_lines(p.old_text)) {
        if (l.empty()) continue;  // blank lines prove nothing and are skipped below too
        auto it = kept.find(l);
        if (it != kept.end()) {
          kept.erase(it);
          continue;
        }
        removed.push_back(l);
      }
    }
    size_t chars = 0;
    for (const auto& l : removed) chars += l.size();
    if (removed.empty() || chars < 3) continue;
    std::string old_path = fc->old_path.empty() ? fc->path : fc->old_path;
    auto it = old_cache.find(old_path);
    if (it == old_cache.end()) {
      auto lines = git::file_lines_at(repo, diff.commit.parents[0], old_path);
      std::vector<std::string> n;
      if (lines.ok())
        for (const auto& l : *lines) n.push_back(normalize_line(l));
      it = old_cache.emplace(old_path, std::move(n)).first;
    }
    const auto& old_lines = it->second;
    // Deleted runs of the hunks (zero context: every old line of a hunk was removed).
    for (const auto& h : fc->hunks) {
      if (h.old_lines <= 0) continue;
      std::vector<int> hit;
      size_t k = 0;
      for (int ln = h.old_start; ln < h.old_start + h.old_lines && k < removed.size(); ++ln) {
        if (ln < 1 || static_cast<size_t>(ln) > old_lines.size()) break;
        if (claimed[old_path].count(ln)) continue;
        if (old_lines[static_cast<size_t>(ln - 1)] == removed[k]) {
          hit.push_back(ln);
          ++k;
        } else if (old_lines[static_cast<size_t>(ln - 1)].empty()) {
          continue;
        } else if (!hit.empty()) {
          hit.clear();
          k = 0;
        }
      }
      if (k < removed.size() || hit.empty()) continue;
      for (int ln : hit) claimed[old_path].insert(ln);
      // Consecutive runs → records.
      size_t i = 0;
      while (i < hit.size()) {
        size_t j = i;
        while (j + 1 < hit.size() && hit[j + 1] == hit[j] + 1) ++j;
        out.push_back({p.trace_id, p.agent, p.model, p.patch_id, fc->path, old_path, hit[i], hit[j]});
        i = j + 1;
      }
      break;
    }
  }
  return out;
}

}  // namespace ot::trails
