// `git opentraces hook post-commit|post-rewrite|pre-push` (hidden): the git side of
// Trace Trails, run by the stubs `setup git` installs. Never fails the git command:
// every outcome (including errors) is one JSON line in <git dir>/opentraces-hook.log,
// and the exit code is always 0.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "engine/capture/integrations.h"
#include "engine/sync/bucket_remote.h"
#include "engine/trails/anchor.h"
#include "engine/trails/bucket_source.h"
#include "engine/trails/hook_log.h"
#include "engine/util/fs.h"
#include "engine/util/log.h"
#include "engine/util/paths.h"
#include "engine/util/process.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"
#include "notes/history.h"

namespace ot::cmd {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kWindowMs = 2 * 3600 * 1000;  // candidates: traces active in the last 2 h

int64_t elapsed_ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

// Runs one hook body: whatever happens (errors, exceptions) ends as one JSON line in
// the hook log with the elapsed time, and nothing escapes to git.
template <typename Body>
void run_logged(json line, Body body) {
  auto t0 = std::chrono::steady_clock::now();
  fs::path git_dir;
  try {
    body(line, git_dir);
  } catch (const std::exception& e) {
    line["error"] = std::string("internal: ") + e.what();
  } catch (...) {
    line["error"] = "internal: unknown exception";
  }
  line["elapsed_ms"] = elapsed_ms(t0);
  trails::append_hook_log(git_dir, line);
}

// Sync policy on-commit (bucket.remote.sync_policy): a background `bucket push`, never on
// the commit's path; its output goes to $OPENTRACES_HOME/logs/bucket-push.log.
void schedule_bucket_push(json& line) {
  auto remote = sync::load_remote();
  if (!remote.ok() || !remote->enabled || remote->sync_policy != "on-commit") return;
  (void)ensure_dir(logs_dir(), 0700);
  auto started = spawn_detached({capture::main_binary().string(), "bucket", "push", "--json"}, logs_dir() / "bucket-push.log");
  line["bucket_push"] = started.ok() ? "scheduled" : started.error().message;
}

void post_commit() {
  run_logged({{"ts", utc_now_iso()}, {"hook", "post-commit"}}, [](json& line, fs::path& git_dir) {
    auto repo = git::Repo::open(fs::current_path());
    if (!repo.ok()) {
      line["skipped"] = "not_a_git_repo";
    } else if (repo->bare()) {
      git_dir = repo->git_dir();
      line["skipped"] = "bare_repository";
    } else {
      git_dir = repo->git_dir();
      line["repo"] = repo->workdir().string();
      auto head = git::resolve_commit(*repo, "HEAD");
      git::RepoState st = git::repo_state(*repo);
      line["detached"] = st.detached;
      if (st.shallow) line["shallow"] = true;
      if (!head.ok()) {
        line["skipped"] = "no_head";
      } else if (line["sha"] = *head; st.rebasing) {
        line["skipped"] = "rebase_in_progress";  // post-rewrite re-anchors the rebased commits
      } else {
        auto cands = trails::candidates_from_bucket(repo->workdir(), now_ms() - kWindowMs, 0, 500);
        trails::CandidateSet set;
        if (!cands.ok()) {
          // No bucket candidates; a cherry-pick -x source can still carry facts over.
          line["candidates_error"] = cands.error().code + ": " + cands.error().message;
        } else {
          set = std::move(*cands);
        }
        {
          line["traces_in_window"] = set.traces_in_window;
          line["candidates"] = set.traces.size();
          line["patches"] = set.patches.size();
          auto out = trails::anchor_commit(*repo, *head, set.patches, {});
          if (!out.ok()) {
            line["error"] = out.error().code + ": " + out.error().message;
          } else {
            if (out->skipped) line["skipped"] = out->skip_reason;
            line["added_lines"] = out->added_lines;
            line["attributed_lines"] = out->attributed_lines;
            line["patches_matched"] = out->patches_matched;
            line["patches_already_anchored"] = out->patches_already_anchored;
            line["facts"] = out->facts.size();
            line["traces"] = out->trace_ids;
            line["note_written"] = out->note_changed;
          }
        }
      }
      schedule_bucket_push(line);
    }
  });
}

void post_rewrite(const std::vector<std::string>& args) {
  json start = {{"ts", utc_now_iso()}, {"hook", "post-rewrite"}, {"command", args.empty() ? "" : args[0]}};
  run_logged(std::move(start), [](json& line, fs::path& git_dir) {
    std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    auto pairs = trails::parse_rewrite_pairs(input);
    line["pairs"] = pairs.size();
    auto repo = git::Repo::open(fs::current_path());
    if (!repo.ok()) {
      line["skipped"] = "not_a_git_repo";
    } else {
      git_dir = repo->git_dir();
      auto out = trails::reanchor_rewritten(*repo, pairs, {});
      if (!out.ok()) {
        line["error"] = out.error().code + ": " + out.error().message;
      } else {
        line["commits"] = out->commits;
        line["facts_in"] = out->facts_in;
        line["facts_out"] = out->facts_out;
        line["notes_changed"] = out->notes_changed;
      }
    }
  });
}

void pre_push(const std::vector<std::string>& args) {
  // Notes travel by the push refspec `setup git` adds; nothing to block or rewrite here.
  json line = {{"ts", utc_now_iso()}, {"hook", "pre-push"}, {"remote", args.empty() ? "" : args[0]}};
  fs::path git_dir;
  auto repo = git::Repo::open(fs::current_path());
  if (repo.ok()) git_dir = repo->git_dir();
  trails::append_hook_log(git_dir, line);
}

}  // namespace

void register_git_hook_handlers(CLI::App& hook_group) {
  for (const char* name : {"post-commit", "post-rewrite", "pre-push"}) {
    CLI::App* sub = hook_group.add_subcommand(name, std::string("git ") + name + " hook");
    sub->allow_extras();
    sub->fallthrough(false);
    std::string n = name;
    sub->callback([n, sub] {
      std::vector<std::string> args = sub->remaining();
      if (n == "post-commit") post_commit();
      else if (n == "post-rewrite") post_rewrite(args);
      else pre_push(args);
    });
  }
}

}  // namespace ot::cmd
