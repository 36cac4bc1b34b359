// `git opentraces git-backfill`: anchor first-parent history made without the hook.
#include <filesystem>

#include "engine/trails/backfill.h"
#include "engine/trails/bucket_source.h"
#include "git-opentraces/cli.h"
#include "notes/handle.h"

namespace ot::cmd {
namespace {

struct BackfillFlags {
  int max_commits = 2000;
  int window_hours = 48;
  std::string patches;
  std::string from_notes;
  bool dry_run = false;
};

void run_backfill(const BackfillFlags& f, const char* schema) {
  if (f.max_commits < 1 || f.window_hours < 1)
    cli::fail(ExitCode::kUsage, "BAD_FLAGS", "git-backfill", "--max-commits and --window-hours must be at least 1");
  auto repo = cli::unwrap(git::Repo::open(std::filesystem::current_path()));
  if (repo.bare())
    cli::fail(ExitCode::kUsage, "BARE_REPO", "git-backfill", "this is a bare repository; backfill needs a work tree");
  trails::BackfillOptions o;
  o.max_commits = f.max_commits;
  o.window_hours = f.window_hours;
  o.write = !f.dry_run;
  if (!f.patches.empty() && !f.from_notes.empty())
    cli::fail(ExitCode::kUsage, "BAD_FLAGS", "git-backfill", "--patches and --from-notes are two candidate sources: pick one");
  trails::CandidateSet cands;
  if (!f.from_notes.empty()) {
    cands = cli::unwrap(trails::candidates_from_notes(repo, f.from_notes));
  } else if (!f.patches.empty()) {
    cands = cli::unwrap(trails::candidates_from_file(f.patches));
  } else {
    int64_t from = cli::unwrap(trails::backfill_window_start(repo, o));
    cands = cli::unwrap(trails::candidates_from_bucket(repo.workdir(), from));
  }
  auto r = cli::unwrap(trails::backfill(repo, cands, o));
  if (cli::globals().json) {
    auto doc = cli::envelope(schema);
    doc["commits_scanned"] = r.commits_scanned;
    doc["commits_correlated"] = r.commits_correlated;
    doc["commits_skipped"] = r.commits_skipped;
    doc["traces_linked"] = r.traces_linked.size();
    doc["traces_persisted"] = 0;  // records are updated by the bucket, not here
    doc["trace_ids"] = r.traces_linked;
    doc["facts"] = r.facts;
    doc["notes_changed"] = r.notes_changed;
    doc["tiers"] = r.tiers;
    doc["errors"] = r.errors;
    doc["candidate_traces"] = cands.traces.size();
    doc["dry_run"] = f.dry_run;
    cli::emit_json(doc);
    return;
  }
  cli::say("scanned " + std::to_string(r.commits_scanned) + " commit(s): " + std::to_string(r.commits_correlated) +
           " attributed, " + std::to_string(r.commits_skipped) + " skipped (merges or no trace in the window)");
  cli::say("  " + std::to_string(cands.traces.size()) + " candidate trace(s), " +
           std::to_string(r.traces_linked.size()) + " linked, " + std::to_string(r.facts) + " fact(s), " +
           std::to_string(r.notes_changed) + " note(s) " + (f.dry_run ? "would change" : "changed"));
  for (const auto& [tier, n] : r.tiers) cli::say("  " + tier + ": " + std::to_string(n));
  for (const auto& e : r.errors) cli::say(cli::yellow("  error: " + e));
}

void add_flags(CLI::App* c, const std::shared_ptr<BackfillFlags>& f) {
  c->add_option("--max-commits", f->max_commits, "First-parent commits to scan from HEAD")->capture_default_str();
  c->add_option("--window-hours", f->window_hours, "A trace matches a commit within this many hours either side")
      ->capture_default_str();
  c->add_option("--patches", f->patches, "Take candidate traces from this file instead of the bucket");
  c->add_option("--from-notes", f->from_notes,
                "Take candidates from the notes of the commits in A..B (a pull request's own commits after a "
                "hosted squash/rebase merge)");
  c->add_flag("--dry-run", f->dry_run, "Match and report, write no notes");
}

}  // namespace

void register_backfill(CLI::App& root) {
  auto f = std::make_shared<BackfillFlags>();
  CLI::App* c = cli::add_command(root, "git-backfill", "Anchor commits made without the post-commit hook",
                                 "  git opentraces git-backfill                        last 2000 commits, 48 h window\n"
                                 "  git opentraces git-backfill --max-commits 50 --json\n"
                                 "  git opentraces git-backfill --patches record.json  candidates from a file\n"
                                 "  git opentraces git-backfill --max-commits 1 --from-notes origin/main~1..pr-head\n"
                                 "                                 after a hosted squash merge: the PR commits' notes\n");
  add_flags(c, f);
  c->callback([f] { run_backfill(*f, "opentraces.git_backfill.v1"); });
}

// `trail mature`: the same pass over recent commits (reference 5.5), for commits that
// arrived after their traces (pulled, cherry-picked, rebased elsewhere).
void register_trail_mature(CLI::App& trail_group) {
  auto f = std::make_shared<BackfillFlags>();
  f->max_commits = 50;
  f->window_hours = 48;
  CLI::App* c = cli::add_command(trail_group, "mature", "Anchor recent commits that arrived after their traces",
                                 "  git opentraces trail mature\n  git opentraces trail mature --max-commits 200 --json\n");
  add_flags(c, f);
  c->callback([f] { run_backfill(*f, "opentraces.trail.mature.v1"); });
}

}  // namespace ot::cmd
