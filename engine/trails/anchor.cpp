#include "engine/trails/anchor.h"

#include <algorithm>
#include <sstream>

#include "engine/trails/stats_deletions.h"
#include "notes/history.h"
#include "notes/notes_store.h"

namespace ot::trails {

namespace {

bool overlaps(const Fact& a, const Fact& b) {
  return a.file == b.file && a.start_line <= b.end_line && b.start_line <= a.end_line;
}

int count_attributed(const std::vector<Fact>& facts, const git::CommitDiff& diff) {
  int n = 0;
  for (const auto& f : facts) {
    const git::FileChange* fc = diff.file(f.file);
    if (!fc) continue;
    for (int ln = f.start_line; ln <= f.end_line; ++ln) n += fc->is_added(ln) ? 1 : 0;
  }
  return n;
}

}  // namespace

std::vector<MatchablePatch> facts_as_patches(const git::Repo& repo, const std::string& sha, const std::vector<Fact>& facts) {
  std::vector<MatchablePatch> out;
  std::map<std::string, std::vector<std::string>> files;
  for (const auto& f : facts) {
    auto it = files.find(f.file);
    if (it == files.end()) {
      auto lines = git::file_lines_at(repo, sha, f.file);
      it = files.emplace(f.file, lines.ok() ? *lines : std::vector<std::string>{}).first;
    }
    if (static_cast<size_t>(f.end_line) > it->second.size()) continue;
    MatchablePatch p;
    p.trace_id = f.trace_id;
    p.agent = f.agent;
    p.model = f.model;
    p.patch_id = f.patch_id;
    p.step_index = f.step_index;
    p.file_path = f.file;
    p.operation = "verbatim";
    p.verbatim = true;
    for (int ln = f.start_line; ln <= f.end_line; ++ln) p.authored_text += it->second[static_cast<size_t>(ln - 1)] + "\n";
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

// `git cherry-pick -x` names its source; that commit's facts are candidates too.
std::string cherry_pick_source(const git::Repo& repo, const std::string& sha) {
  auto msg = git::commit_message(repo, sha);
  if (!msg.ok()) return {};
  const std::string tag = "(cherry picked from commit ";
  size_t at = msg->rfind(tag);
  if (at == std::string::npos) return {};
  std::string src = msg->substr(at + tag.size(), 40);
  return src.size() == 40 ? src : std::string();
}

}  // namespace

Result<std::set<std::string>> anchored_patch_ids(const git::Repo& repo, const std::string& rev, int max_commits) {
  std::set<std::string> out;
  // One snapshot of the notes ref for all ancestors (read_note resolves the ref each time).
  auto notes = git::NotesSnapshot::open(repo);
  if (!notes.ok()) return notes.error();
  if (notes->empty() || max_commits <= 0) return out;
  git::LogOptions lo;
  lo.max_commits = max_commits + 1;
  auto log = git::log_commits(repo, rev, lo);
  if (!log.ok()) return log.error();
  for (size_t i = 1; i < log->size(); ++i) {  // [0] is rev itself
    auto note = notes->read((*log)[i].sha);
    if (!note.ok()) return note.error();
    if (!*note) continue;
    for (const auto& f : parse_note(**note).facts)
      if (!f.patch_id.empty()) out.insert(f.patch_id);
  }
  return out;
}

std::string merge_note(const std::optional<std::string>& current, const std::vector<Fact>& fresh) {
  std::vector<Fact> keep = fresh;
  std::vector<std::string> other;
  if (current) {
    ParsedNote old = parse_note(*current);
    other = old.other_lines;
    for (const auto& f : old.facts) {
      bool clash = std::any_of(fresh.begin(), fresh.end(), [&](const Fact& n) { return overlaps(f, n); });
      if (!clash) keep.push_back(f);
    }
  }
  return render_note(keep, other);
}

AnchorOutcome compute_anchor(const git::Repo& repo, const git::CommitDiff& diff,
                             const std::vector<MatchablePatch>& patches, const std::set<std::string>& skip,
                             const AnchorOptions& opts) {
  AnchorOutcome out;
  out.commit_sha = diff.commit.sha;
  out.files = static_cast<int>(diff.files.size());
  out.added_lines = diff.added_total();
  if (diff.merge) {
    out.skipped = true;
    out.skip_reason = "merge_commit";
    return out;
  }
  MatchOptions mo;
  mo.repo_root = repo.workdir();
  mo.structural_threshold = opts.structural_threshold;
  mo.skip_patch_ids = skip;
  for (const auto& p : patches) out.patches_already_anchored += skip.count(p.patch_id) ? 1 : 0;
  MatchResult m = match_commit(patches, diff, mo);
  out.patches_considered = m.patches_considered;
  out.patches_on_files = m.patches_on_files;
  out.patches_matched = m.patches_matched;
  out.facts = std::move(m.facts);
  out.attributed_lines = count_attributed(out.facts, diff);
  for (const auto& f : out.facts) out.trace_ids.insert(f.trace_id);
  return out;
}

Result<AnchorOutcome> anchor_commit(const git::Repo& repo, std::string_view rev,
                                    const std::vector<MatchablePatch>& patches, const AnchorOptions& opts) {
  auto diff = git::commit_diff(repo, rev);
  if (!diff.ok()) return diff.error();
  std::vector<MatchablePatch> all = patches;
  if (std::string src = cherry_pick_source(repo, diff->commit.sha); !src.empty()) {
    auto note = git::read_note(repo, src);
    if (note.ok() && *note) {
      auto ps = facts_as_patches(repo, src, parse_note(**note).facts);
      all.insert(all.end(), ps.begin(), ps.end());
    }
  }
  if (diff->merge || all.empty()) {
    AnchorOutcome out = compute_anchor(repo, *diff, {}, {}, opts);
    if (!out.skipped) {
      out.skipped = true;
      out.skip_reason = "no_candidates";
    }
    return out;
  }
  auto skip = anchored_patch_ids(repo, diff->commit.sha, opts.ancestor_scan);
  if (!skip.ok()) return skip.error();
  AnchorOutcome out = compute_anchor(repo, *diff, all, *skip, opts);
  std::vector<Deletion> dels = match_deletions(repo, *diff, all, {repo.workdir(), 0.85, *skip});  // for `stats`
  if (!opts.write || (out.facts.empty() && dels.empty())) return out;
  std::vector<Fact> fresh = out.facts;
  std::map<std::string, git::NoteUpdate> u;
  u[out.commit_sha] = [fresh, dels](const std::optional<std::string>& cur) -> std::optional<std::string> {
    return with_deletions(merge_note(cur, fresh), dels);
  };
  auto w = git::update_notes(repo, u, "opentraces: anchor " + out.commit_sha.substr(0, 12));
  if (!w.ok()) return w.error();
  out.note_changed = w->changed > 0;
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_rewrite_pairs(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string a, b;
    if (ls >> a >> b && a.size() >= 40 && b.size() >= 40) out.emplace_back(a, b);
  }
  return out;
}

Result<RewriteOutcome> reanchor_rewritten(const git::Repo& repo,
                                          const std::vector<std::pair<std::string, std::string>>& pairs,
                                          const AnchorOptions& opts) {
  RewriteOutcome out;
  out.pairs = static_cast<int>(pairs.size());
  std::map<std::string, std::vector<std::string>> olds_of;  // new → olds, in order
  for (const auto& [o, n] : pairs) olds_of[n].push_back(o);

  std::map<std::string, git::NoteUpdate> updates;
  for (const auto& [new_sha, olds] : olds_of) {
    std::vector<std::string> stale_lines;
    std::vector<MatchablePatch> patches;
    std::map<std::string, std::string> tier_of;  // patch id → weakest old tier
    for (const auto& old_sha : olds) {
      auto note = git::read_note(repo, old_sha);
      if (!note.ok()) return note.error();
      if (!*note) continue;
      ParsedNote parsed = parse_note(**note);
      for (const auto& f : parsed.facts) {
        stale_lines.push_back(fact_line(f));
        ++out.facts_in;
        if (!tier_of.count(f.patch_id) || tier_rank(f.tier) > tier_rank(tier_of[f.patch_id])) tier_of[f.patch_id] = f.tier;
      }
      auto ps = facts_as_patches(repo, old_sha, parsed.facts);
      patches.insert(patches.end(), ps.begin(), ps.end());
    }
    if (stale_lines.empty()) continue;
    auto diff = git::commit_diff(repo, new_sha);
    if (!diff.ok()) return diff.error();
    AnchorOutcome a = compute_anchor(repo, *diff, patches, {}, opts);
    // Evidence never gets stronger by being rebased: keep the weaker of old and new tier.
    for (auto& f : a.facts) {
      auto it = tier_of.find(f.patch_id);
      if (it != tier_of.end() && tier_rank(it->second) > tier_rank(f.tier)) {
        f.tier = it->second;
        f.firmness = "provisional";
        f.anchor_id = anchor_id_for(f, new_sha);
      }
    }
    ++out.commits;
    out.facts_out += static_cast<int>(a.facts.size());
    std::vector<Fact> fresh = a.facts;
    std::set<std::string> stale(stale_lines.begin(), stale_lines.end());
    updates[new_sha] = [fresh, stale](const std::optional<std::string>& cur) -> std::optional<std::string> {
      std::optional<std::string> pruned;
      if (cur) {
        std::vector<std::string> keep;
        std::istringstream in(*cur);
        std::string line;
        while (std::getline(in, line))
          if (!line.empty() && !stale.count(line)) keep.push_back(line);
        pruned = render_note(keep);
      }
      return merge_note(pruned, fresh);
    };
  }
  if (updates.empty() || !opts.write) return out;
  auto w = git::update_notes(repo, updates, "opentraces: re-anchor rewritten commits");
  if (!w.ok()) return w.error();
  out.notes_changed = w->changed;
  return out;
}

}  // namespace ot::trails
