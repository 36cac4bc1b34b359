// `git opentraces trail`: Trace Trails. blame (commit / trace mode), graph, track,
// attach (manual anchoring from a patches file), sync. Mechanism in engine/trails.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "engine/trails/anchor.h"
#include "engine/trails/blame.h"
#include "engine/trails/bucket_source.h"
#include "engine/trails/candidates.h"
#include "engine/trails/graph.h"
#include "engine/trails/survival.h"
#include "engine/util/fs.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"
#include "notes/blame.h"
#include "notes/handle.h"
#include "notes/notes_store.h"
#include "notes/sync.h"

namespace ot::cmd {
void register_trail_mature(CLI::App& trail_group);  // git-opentraces/backfill.cpp
void register_trail_export(CLI::App& trail_group);  // git-opentraces/trail_export.cpp

// The repository around the working directory; BARE_REPO (exit 2) for a bare one, saying
// what (`needs`, e.g. "PR bodies") wants a work tree. Shared with trail_pr.cpp.
git::Repo open_work_repo(const std::string& needs) {
  auto r = cli::unwrap(git::Repo::open(std::filesystem::current_path()));
  if (r.bare())
    cli::fail(ExitCode::kUsage, "BARE_REPO", "trail", "this is a bare repository; " + needs + " a work tree",
              "run the command inside a checkout");
  return r;
}

namespace {

namespace fs = std::filesystem;

git::Repo open_repo() { return open_work_repo("Trace Trails needs"); }

std::string short8(const std::string& s) { return s.substr(0, 8); }
std::string pct(int a, int b) { return b == 0 ? "0%" : std::to_string((a * 100 + b / 2) / b) + "%"; }
double ratio(int a, int b) { return b == 0 ? 0.0 : static_cast<double>(a) / b; }

json fact_evidence(const trails::Fact& f) {
  return json{{"trace_id", f.trace_id},
              {"agent", f.agent},
              {"step_index", f.step_index >= 0 ? json(f.step_index) : json(nullptr)},
              {"trace_patch_id", f.patch_id},
              {"git_anchor_id", f.anchor_id},
              {"file_path", f.file},
              {"range", {{"start_line", f.start_line}, {"end_line", f.end_line}}},
              {"evidence_tier", f.tier},
              {"evidence_firmness", f.firmness},
              {"limitations", f.limitation.empty() ? json::array() : json::array({f.limitation})}};
}

// ---- blame ------------------------------------------------------------------

void blame_commit_mode(const git::Repo& repo, const std::string& rev, const std::string& path, bool lines, bool full) {
  auto r = cli::unwrap(trails::blame_commit(repo, rev, path));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trail.blame.v1");
    doc["commit"] = {{"sha", r.commit.sha}, {"subject", r.commit.subject}, {"timestamp", iso_from_ms(r.commit.time_ms)}};
    doc["coverage"] = {{"attributed", r.attributed}, {"total", r.total}, {"ratio", ratio(r.attributed, r.total)}};
    json traces = json::array();
    for (const auto& t : r.traces)
      traces.push_back({{"trace_id", t.trace_id}, {"agent", t.agent}, {"model", t.model.empty() ? json(nullptr) : json(t.model)},
                        {"line_count", t.lines}, {"files", t.files}, {"evidence_tiers", t.tiers}});
    doc["traces"] = traces;
    json files = json::object();
    for (const auto& f : r.files) {
      json ls = json::array();
      for (const auto& l : f.added) {
        if (l.fact < 0) {
          ls.push_back({{"n", l.n}, {"trace_id", nullptr}, {"consistency", "unattributed"}});
        } else {
          const auto& fa = r.facts[static_cast<size_t>(l.fact)];
          ls.push_back({{"n", l.n}, {"trace_id", fa.trace_id}, {"trace_patch_id", fa.patch_id},
                        {"evidence_tier", fa.tier}, {"consistency", "attributed"}});
        }
      }
      files[f.path] = {{"total", f.added.size()}, {"attributed", f.attributed}, {"lines", ls}};
    }
    doc["files"] = files;
    json hook_linked = json::array();
    for (const auto& l : r.other_lines)
      if (l.rfind("opentraces:", 0) == 0) hook_linked.push_back({{"trace_id", l.substr(11, l.find(' ', 11) - 11)}, {"id", l}});
    doc["hookLinked"] = hook_linked;
    json ev = json::array();
    for (const auto& f : r.facts) ev.push_back(fact_evidence(f));
    doc["trailEvidence"] = ev;
    doc["projection_disagreements"] = json::array();
    json lim = json::array();
    if (!r.has_note)
      lim.push_back({{"code", "no_git_anchor_for_commit"}, {"severity", "info"}, {"affects", "coverage"},
                     {"message", "no Trace Trails note on this commit"},
                     {"recommended_action", "git opentraces git-backfill"}});
    doc["projection_limitations"] = lim;
    cli::emit_json(doc);
    return;
  }
  if (!r.notes_ref_exists) {
    std::cerr << "No Trace Trails notes in this repository yet (refs/notes/opentraces is missing).\n"
              << "hint: anchor existing history with `git opentraces git-backfill`, and install the hooks with "
                 "`git opentraces setup git`\n";
    std::exit(to_int(ExitCode::kDeclined));
  }
  cli::say(cli::bold("commit " + r.commit.sha.substr(0, 12)) + "  " + r.commit.subject);
  cli::say(cli::dim("  " + iso_from_ms(r.commit.time_ms) + " · " + r.commit.author_name));
  cli::say("");
  if (r.total == 0) {
    cli::say("no added lines in this commit" + std::string(path.empty() ? "" : " under " + path));
  } else {
    cli::say("agent-written: " + cli::bold(std::to_string(r.attributed) + " of " + std::to_string(r.total)) +
             " added lines (" + pct(r.attributed, r.total) + ")");
  }
  if (!r.has_note) cli::say(cli::dim("  no attribution recorded for this commit (human-written, or not anchored yet)"));
  for (const auto& t : r.traces) {
    std::string tiers;
    for (const auto& x : t.tiers) tiers += (tiers.empty() ? "" : ", ") + x;
    cli::say("");
    cli::say(cli::green("t:" + short8(t.trace_id)) + "  " + t.agent + (t.model.empty() ? "" : " · " + t.model) + "   " +
             std::to_string(t.lines) + " of " + std::to_string(r.total) + " lines · " + pct(t.lines, r.total));
    for (const auto& f : t.files) cli::say("    " + f);
    cli::say(cli::dim("    evidence: " + tiers));
  }
  if (!r.facts.empty()) {
    cli::say("");
    cli::say(cli::bold("Trace Trails"));
    size_t shown = 0;
    for (const auto& f : r.facts) {
      if (!full && shown == 5) {
        cli::say(cli::dim("  … " + std::to_string(r.facts.size() - 5) + " more (--full)"));
        break;
      }
      cli::say("  t:" + short8(f.trace_id) + "  " + f.file + ":" + std::to_string(f.start_line) + "-" +
               std::to_string(f.end_line) + "  " + f.tier + "  " + f.firmness);
      ++shown;
    }
  }
  if (!r.files.empty()) {
    cli::say("");
    cli::say(cli::bold("files"));
    for (const auto& f : r.files)
      cli::say("  " + f.path + "  " + std::to_string(f.attributed) + "/" + std::to_string(f.added.size()) +
               " attributed");
  }
  if (lines) {
    for (const auto& f : r.files) {
      cli::say("");
      cli::say(cli::bold("── " + f.path));
      for (const auto& l : f.added) {
        std::string who = l.fact < 0 ? "   -    " : short8(r.facts[static_cast<size_t>(l.fact)].trace_id);
        std::string num = std::to_string(l.n);
        num = std::string(num.size() < 5 ? 5 - num.size() : 0, ' ') + num;
        std::string text = static_cast<size_t>(l.n) <= f.new_lines.size() ? f.new_lines[static_cast<size_t>(l.n - 1)] : "";
        cli::say((l.fact < 0 ? cli::dim(who) : cli::green(who)) + " " + num + " │ " + text);
      }
    }
  }
}

void blame_trace_mode(const git::Repo& repo, const std::string& trace) {
  auto t = cli::unwrap(trails::blame_trace(repo, trace));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trail.blame_trace.v1");
    doc["trace"] = {{"id", "t:" + short8(t.trace_id)}, {"trace_id", t.trace_id}, {"agent", t.agent},
                    {"model", t.model.empty() ? json(nullptr) : json(t.model)}, {"lines", t.lines}};
    json commits = json::array();
    for (const auto& c : t.commits)
      commits.push_back({{"id", "c:" + short8(c.commit.sha)}, {"sha", c.commit.sha}, {"msg", c.commit.subject},
                         {"linesInCommit", c.lines}, {"totalCommitLines", c.total},
                         {"pct", c.total ? std::min(100, (c.lines * 100 + c.total / 2) / c.total) : 0},
                         {"source", "trail_events"}, {"tier", c.best_tier}});
    doc["commits"] = commits;
    json files = json::array();
    for (const auto& [p, n] : t.files) files.push_back({{"path", p}, {"lines", n}});
    doc["files"] = files;
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold("trace t:" + short8(t.trace_id)) + "  " + t.agent + (t.model.empty() ? "" : " · " + t.model));
  cli::say("  landed in " + std::to_string(t.commits.size()) + " commit(s), " + std::to_string(t.lines) + " line(s)");
  for (const auto& c : t.commits)
    cli::say("  ├─ " + c.commit.sha.substr(0, 8) + "  " + std::to_string(c.lines) + "/" + std::to_string(c.total) +
             " lines  " + c.best_tier + "  " + c.commit.subject);
  cli::say("  files");
  size_t n = 0;
  for (const auto& [p, lines] : t.files) {
    if (++n > 20) break;
    cli::say("    " + p + "  " + std::to_string(lines) + " line(s)");
  }
}


// `path:line`: which trace/patch wrote the line that is there now, and its survival.
void blame_line_mode(const git::Repo& repo, const std::string& target, const std::string& path, int line) {
  auto o = cli::unwrap(git::line_origin(repo, path, line));
  auto note = cli::unwrap(git::read_note(repo, o.commit_sha));
  std::vector<trails::Fact> hits;
  if (note)
    for (const auto& f : trails::parse_note(*note).facts)
      if (f.file == o.orig_path && o.orig_line >= f.start_line && o.orig_line <= f.end_line) hits.push_back(f);
  auto info = cli::unwrap(git::commit_info(repo, o.commit_sha));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trail.blame_line.v1");
    doc["target"] = target;
    doc["relation"] = hits.empty() ? "unknown" : "anchored_in_git";
    doc["commit"] = {{"sha", o.commit_sha}, {"subject", info.subject}, {"path", o.orig_path}, {"line", o.orig_line}};
    json ev = json::array();
    for (const auto& f : hits) {
      json e = fact_evidence(f);
      auto s = trails::observe_anchor(repo, trails::AnchorRef{o.commit_sha, f});
      if (s.ok()) e["current_survival"] = trails::survival_to_json(*s);
      ev.push_back(e);
    }
    doc["trailEvidence"] = ev;
    doc["trace_patch"] = hits.empty() ? json(nullptr) : json(hits[0].patch_id);
    doc["git_anchor"] = hits.empty() ? json(nullptr) : json(hits[0].anchor_id);
    doc["limitations"] = hits.empty() ? json::array({json{{"code", "no_git_anchor_for_line"}, {"severity", "info"},
                                                          {"affects", "attribution"},
                                                          {"message", "no Trace Trails fact covers this line"},
                                                          {"recommended_action", "git opentraces git-backfill"}}})
                                      : json::array();
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold(target) + "  " + o.text);
  cli::say("  from commit " + o.commit_sha.substr(0, 12) + " " + info.subject + " (" + o.orig_path + ":" +
           std::to_string(o.orig_line) + ")");
  if (hits.empty()) {
    cli::say(cli::dim("  no agent attribution: written by a human, or not anchored yet"));
    return;
  }
  for (const auto& f : hits)
    cli::say("  " + cli::green("t:" + short8(f.trace_id)) + " " + f.agent + "  patch " + f.patch_id.substr(0, 20) +
             "  " + f.tier + " " + f.firmness);
}

void run_blame(std::vector<std::string> args, bool lines, bool full) {
  if (!args.empty() && args[0] == "commit") args.erase(args.begin());
  if (args.empty())
    cli::fail(ExitCode::kUsage, "MISSING_TARGET", "trail blame", "trail blame needs a commit, t:<trace> or path:line",
              "e.g. `git opentraces trail blame HEAD`");
  git::Repo repo = open_repo();
  std::string target = args[0];
  std::string path = args.size() > 1 ? args[1] : "";
  if (target.rfind("t:", 0) == 0 || target.rfind("s:", 0) == 0) {
    if (lines || !path.empty())
      cli::fail(ExitCode::kUsage, "BAD_FLAGS", "trail blame", "--lines and PATH apply to commit mode only");
    return blame_trace_mode(repo, target.substr(2));
  }
  if (target.rfind("c:", 0) == 0) target = target.substr(2);
  if (size_t colon = target.rfind(':'); colon != std::string::npos && colon > 0 && colon + 1 < target.size() &&
                                        target.size() - colon <= 9 &&
                                        target.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
    if (lines || !path.empty())
      cli::fail(ExitCode::kUsage, "BAD_FLAGS", "trail blame", "--lines and PATH apply to commit mode only");
    return blame_line_mode(repo, target, target.substr(0, colon), std::stoi(target.substr(colon + 1)));
  }
  auto sha = git::resolve_commit(repo, target);
  if (sha.ok()) return blame_commit_mode(repo, *sha, path, lines, full);
  // Not a commit: maybe a trace id.
  auto t = trails::blame_trace(repo, target);
  if (t.ok() && path.empty() && !lines) return blame_trace_mode(repo, target);
  cli::fail(ExitCode::kNotFound, "TARGET_NOT_FOUND", "trail blame",
            "'" + target + "' is neither a commit nor a trace with anchored lines",
            "pass a commit (sha, HEAD~1) or t:<trace id>");
}

// ---- attach -----------------------------------------------------------------

void run_attach(const std::string& rev, const std::string& file, bool dry_run) {
  git::Repo repo = open_repo();
  auto cands = cli::unwrap(trails::candidates_from_file(file));
  auto& patches = cands.patches;
  trails::AnchorOptions opts;
  opts.write = !dry_run;
  auto out = cli::unwrap(trails::anchor_commit(repo, rev, patches, opts));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trail.attach.v1");
    doc["commit"] = out.commit_sha;
    doc["skipped"] = out.skipped;
    doc["skip_reason"] = out.skip_reason.empty() ? json(nullptr) : json(out.skip_reason);
    doc["patches_considered"] = out.patches_considered;
    doc["patches_matched"] = out.patches_matched;
    doc["attributed_lines"] = out.attributed_lines;
    doc["added_lines"] = out.added_lines;
    doc["note_changed"] = out.note_changed;
    doc["dry_run"] = dry_run;
    json ev = json::array();
    for (const auto& f : out.facts) ev.push_back(fact_evidence(f));
    doc["facts"] = ev;
    cli::emit_json(doc);
    return;
  }
  if (out.skipped) {
    cli::say("skipped " + out.commit_sha.substr(0, 12) + ": " + out.skip_reason);
    return;
  }
  cli::say((dry_run ? "would anchor " : "anchored ") + std::to_string(out.facts.size()) + " fact(s) on " +
           out.commit_sha.substr(0, 12) + ": " + std::to_string(out.attributed_lines) + " of " +
           std::to_string(out.added_lines) + " added lines, " + std::to_string(out.patches_matched) + "/" +
           std::to_string(out.patches_considered) + " patches matched");
  for (const auto& f : out.facts)
    cli::say("  t:" + short8(f.trace_id) + "  " + f.file + ":" + std::to_string(f.start_line) + "-" +
             std::to_string(f.end_line) + "  " + f.tier);
}


// ---- track ------------------------------------------------------------------

json patch_survival_json(const trails::PatchSurvival& ps) {
  json obs = json::array();
  const trails::AnchorRef* best = nullptr;
  for (const auto& [ref, s] : ps.anchors) {
    json o = {{"observation_type", "patch_survival_observed"},
              {"git_anchor_id", ref.fact.anchor_id},
              {"trace_patch_id", ps.patch_id},
              {"anchor_commit_id", ref.commit_sha},
              {"observed_ref", "HEAD"},
              {"path", ref.fact.file},
              {"range", {{"start_line", ref.fact.start_line}, {"end_line", ref.fact.end_line}}},
              {"evidence_tier", ref.fact.tier},
              {"evidence_firmness", ref.fact.firmness}};
    o.update(trails::survival_to_json(s));
    obs.push_back(o);
    if (!best || s.state == ps.current.state) best = best ? best : &ref;
  }
  return {{"trace_patch_id", ps.patch_id},
          {"trace_id", ps.trace_id},
          {"file", ps.file},
          {"git_anchor_id", best ? json(best->fact.anchor_id) : json(nullptr)},
          {"relation", ps.anchors.empty() ? "unknown" : "patch_trail_observed"},
          {"current_survival", trails::survival_to_json(ps.current)},
          {"observations", obs},
          {"observation_scope", "anchor_to_head"}};
}

void run_track(const std::string& trace, const std::string& patch, const std::string& since) {
  if (trace.empty() && patch.empty() && since.empty())
    cli::fail(ExitCode::kUsage, "MISSING_SELECTOR", "trail track", "trail track needs a trace, --patch ID or --since",
              "e.g. `git opentraces trail track 0f3c9a2e` or `git opentraces trail track --since 2d`");
  if (!patch.empty() && !since.empty())
    cli::fail(ExitCode::kUsage, "BAD_FLAGS", "trail track", "--patch and --since cannot be combined");
  int64_t since_ms = since.empty() ? 0 : cli::unwrap(parse_since(since));
  git::Repo repo = open_repo();
  std::string t = trace.rfind("t:", 0) == 0 ? trace.substr(2) : trace;
  auto rows = cli::unwrap(trails::track(repo, t, patch, since_ms));
  if (rows.empty() && (!t.empty() || !patch.empty()))
    cli::fail(ExitCode::kNotFound, "NOT_ANCHORED", "trail track",
              "no anchored lines for " + (patch.empty() ? "trace " + t : "patch " + patch) + " in this repository's notes",
              "check the id, or run `git opentraces git-backfill` to anchor older commits");
  std::map<std::string, int> summary;
  for (const auto& r : rows) summary[r.current.state]++;
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trail.track.v1");
    if (!patch.empty() && rows.size() == 1) {
      json one = patch_survival_json(rows[0]);
      for (auto& [k, v] : one.items()) doc[k] = v;
    } else {
      doc["trace_id"] = t.empty() ? json(nullptr) : json(rows.empty() ? t : rows[0].trace_id);
      json ps = json::array();
      for (const auto& r : rows) ps.push_back(patch_survival_json(r));
      doc["patches"] = ps;
      doc["summary"] = summary;
    }
    doc["phase4_states"] = {"alive_on_path", "alive_transformed", "reverted", "lost", "unknown"};
    doc["phase5_states"] = {"alive_moved", "partially_preserved", "repaired"};
    cli::emit_json(doc);
    return;
  }
  if (rows.empty()) {
    cli::say("no anchored patches in range");
    return;
  }
  std::string head = t.empty() ? "patches" : "trace t:" + short8(rows[0].trace_id);
  cli::say(cli::bold(head) + "  " + std::to_string(rows.size()) + " anchored patch(es)");
  for (const auto& r : rows) {
    const auto& s = r.current;
    std::string where = s.current_path.empty() || s.current_path == r.file ? r.file : r.file + " → " + s.current_path;
    char ret[16];
    std::snprintf(ret, sizeof ret, "%.2f", s.retention_fraction);
    std::string state = s.state.rfind("alive", 0) == 0 ? cli::green(s.state)
                        : (s.state == "lost" || s.state == "reverted") ? cli::red(s.state) : cli::yellow(s.state);
    cli::say("  tp:" + r.patch_id.substr(r.patch_id.find(':') + 1, 8) + "  " + where + "  " + state + "  retention " +
             ret + (s.revert_commit.empty() ? "" : "  (reverted by " + s.revert_commit.substr(0, 8) + ")"));
  }
  std::string line;
  for (const auto& [k, v] : summary) line += (line.empty() ? "" : " · ") + std::to_string(v) + " " + k;
  cli::say(cli::dim("  " + line));
}

// ---- graph ------------------------------------------------------------------

void run_graph(trails::GraphOptions opts) {
  git::Repo repo = open_repo();
  if (opts.trace.rfind("t:", 0) == 0) opts.trace = opts.trace.substr(2);
  auto commits = cli::unwrap(trails::build_graph(repo, opts));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trail.graph.v1");
    doc["mode"] = opts.trace.empty() ? "commit" : "trace";
    doc["pivot_trace_id"] = opts.trace.empty() ? json(nullptr) : json(opts.trace);
    json cs = json::array();
    for (const auto& c : commits) {
      json ts = json::array();
      for (const auto& t : c.traces)
        ts.push_back({{"trace_id", t.trace_id}, {"agent", t.agent}, {"line_count", t.lines}, {"files", t.files},
                      {"source", "trail_notes"}, {"evidence_tier", t.best_tier}});
      cs.push_back({{"sha", c.commit.sha}, {"short_sha", c.commit.sha.substr(0, 8)}, {"subject", c.commit.subject},
                    {"timestamp", iso_from_ms(c.commit.time_ms)}, {"parents", c.commit.parents}, {"traces", ts}});
    }
    doc["commits"] = cs;
    cli::emit_json(doc);
    return;
  }
  auto tip = cli::unwrap(git::notes_tip(repo));
  if (!tip) std::cerr << "hint: no Trace Trails notes yet; run `git opentraces git-backfill` to anchor history\n";
  for (const auto& l : trails::render_graph(commits, 80)) cli::say(l);
}


// ---- sync -------------------------------------------------------------------

void run_sync(const git::SyncOptions& opts) {
  git::Repo repo = open_repo();
  auto r = cli::unwrap(git::sync_notes(repo, opts));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trail.sync.v1");
    doc["remote"] = r.remote;
    doc["ref"] = git::kNotesRef;
    doc["remote_has_notes"] = r.remote_has_notes;
    doc["merge"] = r.merge;
    doc["notes_changed"] = r.notes_changed;
    doc["pushed"] = r.pushed;
    doc["local_before"] = r.local_before.empty() ? json(nullptr) : json(r.local_before);
    doc["remote_tip"] = r.remote_tip.empty() ? json(nullptr) : json(r.remote_tip);
    doc["local_after"] = r.local_after.empty() ? json(nullptr) : json(r.local_after);
    doc["attempts"] = r.attempts;
    doc["rejections"] = r.rejections;
    doc["dry_run"] = r.dry_run;
    if (r.dry_run) {
      doc["would_push"] = r.would_push;
      doc["notes_to_push"] = r.notes_to_push;
      doc["notes_to_merge"] = r.notes_to_merge;
    }
    cli::emit_json(doc);
    return;
  }
  const std::string& remote = r.remote;
  if (r.dry_run) {
    std::string what = r.merge == "merged"        ? "would merge " + std::to_string(r.notes_to_merge) + " note(s) from " + remote
                       : r.merge == "fast_forward" ? "would fast-forward to " + remote + "'s notes"
                       : r.merge == "adopted"      ? "would take " + remote + "'s notes (none here yet)"
                       : r.remote_has_notes        ? "already have " + remote + "'s notes"
                                                   : remote + " has no Trace Trails notes yet";
    cli::say("trail sync (dry run): " + what +
             (r.would_push ? "; would push " + std::string(git::kNotesRef) + " (" + std::to_string(r.notes_to_push) +
                                 " commit note(s) with lines " + remote + " lacks)"
                           : "; nothing to push"));
    return;
  }
  std::string what = r.merge == "merged"        ? "merged " + std::to_string(r.notes_changed) + " note(s) from " + remote
                     : r.merge == "fast_forward" ? "fast-forwarded to " + remote + "'s notes"
                     : r.merge == "adopted"      ? "took " + remote + "'s notes (none here yet)"
                     : r.remote_has_notes        ? "already have " + remote + "'s notes"
                                                 : remote + " has no Trace Trails notes yet";
  cli::say("trail sync: " + what + (r.pushed ? "; pushed " + std::string(git::kNotesRef) : "; nothing to push") +
           (r.rejections.empty() ? ""
                                 : " (after " + std::to_string(r.rejections.size()) +
                                       " refused push(es) while others pushed: fetched and merged again)"));
}

}  // namespace

void register_trail(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "trail", "Trace Trails: which agent wrote which committed lines",
                                     "  git opentraces trail blame HEAD\n"
                                     "  git opentraces trail graph --limit 10\n"
                                     "  git opentraces trail track <trace>\n");
  group->require_subcommand(1);

  {
    auto args = std::make_shared<std::vector<std::string>>();
    auto lines = std::make_shared<bool>(false);
    auto full = std::make_shared<bool>(false);
    CLI::App* c = cli::add_command(
        *group, "blame", "Which trace wrote which added lines of a commit (or where a trace landed)",
        "  git opentraces trail blame HEAD                 coverage and traces of the last commit\n"
        "  git opentraces trail blame commit a1b2c3 src/   only files under src/\n"
        "  git opentraces trail blame HEAD --lines         every added line with its trace\n"
        "  git opentraces trail blame t:0f3c9a2e           commits a trace landed in\n"
        "  git opentraces trail blame src/calc.py:12       which trace wrote line 12, and is it still alive\n"
        "  git opentraces trail blame HEAD --json          opentraces.trail.blame.v1\n");
    c->add_option("target", *args, "[commit] <sha|ref> [path], t:<trace>, or path:line")->expected(0, 3);
    c->add_flag("--lines", *lines, "Print each added line with the 8-char trace id that wrote it");
    c->add_flag("--full", *full, "Do not truncate the Trace Trails list");
    c->callback([args, lines, full] { run_blame(*args, *lines, *full); });
  }
  {
    auto rev = std::make_shared<std::string>("HEAD");
    auto file = std::make_shared<std::string>();
    auto dry = std::make_shared<bool>(false);
    CLI::App* c = cli::add_command(
        *group, "attach", "Anchor patches from a file to a commit (manual; what post-commit does from the bucket)",
        "  git opentraces trail attach --patches record.json            a TraceRecord with patches[]\n"
        "  git opentraces trail attach --commit HEAD~1 --patches p.jsonl  one {trace_id,agent,cwd,patch} per line\n");
    c->add_option("--commit", *rev, "Commit to anchor (default HEAD)");
    c->add_option("--patches", *file, "TraceRecord JSON, or JSON Lines of records / {trace_id,agent,model,cwd,patch}")
        ->required();
    c->add_flag("--dry-run", *dry, "Match and report, write no note");
    c->group("");  // substrate verb: hidden like upstream's `trail attach`
    c->callback([rev, file, dry] { run_attach(*rev, *file, *dry); });
  }
  {
    auto o = std::make_shared<trails::GraphOptions>();
    CLI::App* c = cli::add_command(*group, "graph", "Commits and the traces whose lines they carry (80 columns)",
                                   "  git opentraces trail graph                     last 20 commits\n"
                                   "  git opentraces trail graph --since main        this branch only\n"
                                   "  git opentraces trail graph --trace 0f3c9a2e    commits of one trace\n");
    c->add_option("--limit", o->limit, "Commits to show (default 20; 0 = all)");
    c->add_option("--since", o->since, "Leave out commits reachable from this ref");
    c->add_option("--until", o->until, "Newest commit (default HEAD)");
    c->add_option("--trace", o->trace, "Only commits carrying this trace (id or prefix)");
    c->callback([o] { run_graph(*o); });
  }
  {
    auto trace = std::make_shared<std::string>();
    auto patch = std::make_shared<std::string>();
    auto since = std::make_shared<std::string>();
    CLI::App* c = cli::add_command(
        *group, "track", "What became of an agent's anchored lines (alive, moved, reverted, lost...)",
        "  git opentraces trail track 0f3c9a2e              every anchored patch of a trace, at HEAD\n"
        "  git opentraces trail track --patch sha256:ab12   one patch, every anchor\n"
        "  git opentraces trail track --since 2d --json     patches anchored in the last two days\n");
    c->add_option("trace", *trace, "Trace id or prefix (t: accepted)");
    c->add_option("--patch", *patch, "A trace patch id (or prefix), or a gitanchor id");
    c->add_option("--since", *since, "Patches anchored on commits since 12h, 2d, an ISO date...");
    c->callback([trace, patch, since] { run_track(*trace, *patch, *since); });
  }
  {
    auto o = std::make_shared<git::SyncOptions>();
    auto no_push = std::make_shared<bool>(false);
    CLI::App* c = cli::add_command(
        *group, "sync", "Share Trace Trails notes: fetch a remote's, merge (cat_sort_uniq), push ours",
        "  git opentraces trail sync                 with origin\n"
        "  git opentraces trail sync --remote team   another remote\n"
        "  git opentraces trail sync --no-push       fetch and merge only\n"
        "  git opentraces trail sync --dry-run       what it would merge and push; changes nothing\n"
        "Notes commits are by opentraces.notesName/notesEmail (git config), else user.name/email.\n");
    c->add_option("--remote", o->remote, "Remote to sync with (default origin)");
    c->add_flag("--no-push", *no_push, "Fetch and merge, do not push");
    c->add_flag("--dry-run,-n", o->dry_run, "Fetch the remote's notes and report what would be merged and pushed");
    c->add_option("--max-attempts", o->max_attempts,
                  "Fetch-merge-push rounds when the remote refuses a push because others pushed (default 6)")
        ->check(CLI::Range(1, 50));
    c->callback([o, no_push] {
      o->push = !*no_push;
      run_sync(*o);
    });
  }
  register_trail_mature(*group);
  register_trail_pr(*group);
  register_trail_export(*group);
}

}  // namespace ot::cmd
