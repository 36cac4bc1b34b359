#include "engine/trails/survival.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "engine/trails/text.h"
#include "notes/diff.h"
#include "notes/history.h"
#include "notes/notes_store.h"

namespace ot::trails {

int survival_precedence(std::string_view s) {
  if (s == "alive_on_path") return 50;
  if (s == "alive_moved") return 45;
  if (s == "alive_transformed") return 40;
  if (s == "partially_preserved") return 35;
  if (s == "repaired") return 32;
  if (s == "reverted") return 30;
  if (s == "lost") return 20;
  if (s == "orphan_branch") return 15;
  if (s == "missing_authored_text") return 12;
  if (s == "never_committed") return 11;
  return 10;
}

namespace {

std::vector<std::string> nonblank_norm(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    std::string n = normalize_line(l);
    if (!n.empty()) out.push_back(std::move(n));
  }
  return out;
}

// Index (into `lines`) where `block` (non-blank normalized) starts as a contiguous
// run of `lines`' non-blank normalized lines, or -1.
int find_block(const std::vector<std::string>& block, const std::vector<std::string>& lines) {
  std::vector<std::string> norm;
  std::vector<int> pos;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string n = normalize_line(lines[i]);
    if (n.empty()) continue;
    norm.push_back(std::move(n));
    pos.push_back(static_cast<int>(i));
  }
  if (block.empty() || block.size() > norm.size()) return -1;
  for (size_t s = 0; s + block.size() <= norm.size(); ++s)
    if (std::equal(block.begin(), block.end(), norm.begin() + static_cast<long>(s))) return pos[s];
  return -1;
}

// First commit in anchor..observed whose message says it reverts the anchor commit.
std::string find_revert(const git::Repo& repo, const std::string& anchor, const std::string& observed) {
  git::LogOptions lo;
  lo.first_parent = false;
  lo.max_commits = 2000;
  lo.hide = anchor;
  auto log = git::log_commits(repo, observed, lo);
  if (!log.ok()) return {};
  for (const auto& c : *log) {
    auto msg = git::commit_message(repo, c.sha);
    if (msg.ok() && msg->find("This reverts commit " + anchor) != std::string::npos) return c.sha;
  }
  return {};
}

// The block is gone: reverted when a revert commit names the anchor, else lost (`why`).
void mark_gone(Survival& s, const std::string& revert_commit, const char* why) {
  if (!revert_commit.empty()) {
    s.state = "reverted";
    s.revert_commit = revert_commit;
  } else {
    s.state = "lost";
    s.reason = why;
  }
}

}  // namespace

json survival_to_json(const Survival& s) {
  json j = {{"survival_state", s.state},
            {"precedence", survival_precedence(s.state)},
            {"authored_line_count", s.authored_line_count},
            {"preserved_line_count", s.preserved_line_count},
            {"retention_fraction", s.retention_fraction}};
  if (!s.reason.empty()) j["reason"] = s.reason;
  if (!s.current_path.empty()) j["current_path"] = s.current_path;
  if (s.rename_hops) j["rename_hops"] = s.rename_hops;
  if (!s.revert_commit.empty()) j["revert_commit_id"] = s.revert_commit;
  if (!s.killer_commit.empty()) j["killer_commit_id"] = s.killer_commit;
  if (s.current_start_line) j["current_start_line"] = *s.current_start_line;
  return j;
}

Result<Survival> observe_anchor(const git::Repo& repo, const AnchorRef& a, const std::string& observed_rev) {
  Survival s;
  auto observed = git::resolve_commit(repo, observed_rev);
  if (!observed.ok()) {
    s.state = "unknown";
    s.reason = "missing_git_survival_inputs";
    return s;
  }
  auto anc = git::is_ancestor(repo, a.commit_sha, *observed);
  if (!anc.ok()) {
    s.state = "unknown";
    s.reason = "missing_git_survival_inputs";
    return s;
  }
  if (!*anc) {
    s.state = "orphan_branch";
    return s;
  }
  auto at_anchor = git::file_lines_at(repo, a.commit_sha, a.fact.file);
  if (!at_anchor.ok() || static_cast<size_t>(a.fact.end_line) > at_anchor->size()) {
    s.state = "missing_authored_text";
    return s;
  }
  std::vector<std::string> authored(at_anchor->begin() + (a.fact.start_line - 1), at_anchor->begin() + a.fact.end_line);
  std::vector<std::string> block = nonblank_norm(authored);
  s.authored_line_count = static_cast<int>(block.size());
  if (block.empty()) {
    s.state = "missing_authored_text";
    return s;
  }

  // Follow the file through renames when it is gone at the observed commit.
  std::string path = a.fact.file;
  auto now = git::file_lines_at(repo, *observed, path);
  if (!now.ok()) {
    git::LogOptions lo;
    lo.hide = a.commit_sha;
    lo.max_commits = 2000;
    auto log = git::log_commits(repo, *observed, lo);
    if (log.ok()) {
      for (auto it = log->rbegin(); it != log->rend(); ++it) {
        auto d = git::commit_diff(repo, it->sha, git::DiffOptions{false, false, 0});
        if (!d.ok()) continue;
        for (const auto& f : d->files) {
          if (f.status == 'R' && f.old_path == path) {
            path = f.path;
            ++s.rename_hops;
            break;
          }
          if (f.status == 'D' && f.path == path) s.killer_commit = it->sha;
        }
      }
    }
    if (s.rename_hops) now = git::file_lines_at(repo, *observed, path);
  }
  if (!now.ok()) {
    mark_gone(s, find_revert(repo, a.commit_sha, *observed), "file_deleted");
    return s;
  }
  s.current_path = path;
  std::set<std::string> present;
  for (const auto& l : *now) present.insert(normalize_line(l));
  for (const auto& l : block) s.preserved_line_count += present.count(l) ? 1 : 0;
  s.retention_fraction = static_cast<double>(s.preserved_line_count) / static_cast<double>(block.size());
  s.retention_fraction = static_cast<double>(static_cast<int>(s.retention_fraction * 1000 + 0.5)) / 1000.0;
  bool moved = path != a.fact.file;
  int at = find_block(block, *now);
  if (at >= 0) {
    s.state = moved ? "alive_moved" : "alive_on_path";
    s.current_start_line = at + 1;
    s.retention_fraction = 1.0;
    return s;
  }
  if (s.preserved_line_count == 0) {
    mark_gone(s, find_revert(repo, a.commit_sha, *observed), "hunk_removed");
    return s;
  }
  if (moved) s.state = "alive_moved";
  else if (s.preserved_line_count == s.authored_line_count) s.state = "alive_transformed";
  else s.state = "partially_preserved";
  return s;
}

Result<std::vector<PatchSurvival>> track(const git::Repo& repo, const std::string& trace, const std::string& patch,
                                         int64_t since_ms, const std::string& observed) {
  auto notes = git::all_notes(repo);
  if (!notes.ok()) return notes.error();
  std::map<std::string, PatchSurvival> by_patch;
  std::set<std::string> traces_seen, patches_seen;
  for (const auto& n : *notes) {
    for (const auto& f : parse_note(n.text).facts) {
      if (!trace.empty() && f.trace_id.rfind(trace, 0) != 0) continue;
      if (!patch.empty() && f.patch_id != patch && f.patch_id.rfind(patch, 0) != 0 &&
          f.anchor_id.rfind(patch, 0) != 0)
        continue;
      if (since_ms) {
        auto info = git::commit_info(repo, n.commit_sha);
        if (!info.ok() || info->time_ms < since_ms) continue;
      }
      traces_seen.insert(f.trace_id);
      PatchSurvival& ps = by_patch[f.trace_id + "\n" + f.patch_id];
      ps.patch_id = f.patch_id;
      ps.trace_id = f.trace_id;
      if (ps.file.empty()) ps.file = f.file;
      ps.anchors.push_back({AnchorRef{n.commit_sha, f}, Survival{}});
    }
  }
  if (!trace.empty() && traces_seen.size() > 1)
    return make_error(ExitCode::kUsage, "AMBIGUOUS_TRACE", "trail track",
                      "'" + trace + "' matches " + std::to_string(traces_seen.size()) + " traces",
                      "give more characters of the id");
  std::vector<PatchSurvival> out;
  for (auto& [key, ps] : by_patch) {
    bool first = true;
    for (auto& [ref, surv] : ps.anchors) {
      auto s = observe_anchor(repo, ref, observed);
      if (!s.ok()) return s.error();
      surv = *s;
      if (first || survival_precedence(surv.state) > survival_precedence(ps.current.state)) ps.current = surv;
      first = false;
    }
    out.push_back(std::move(ps));
  }
  return out;
}

}  // namespace ot::trails
