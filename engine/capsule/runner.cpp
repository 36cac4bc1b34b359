// Running a capsule's test command in isolated worktrees; the replay packet (runner.h).
#include "engine/capsule/runner.h"

#include <chrono>
#include <cstdlib>

#include "engine/capsule/mini_bucket.h"
#include "engine/capsule/repo_pin.h"
#include "engine/util/process.h"

namespace ot::capsule {

namespace fs = std::filesystem;

namespace {

Error usage(std::string code, std::string msg, std::string hint) {
  return make_error(ExitCode::kUsage, std::move(code), "capsule test", std::move(msg), std::move(hint));
}

Result<ProcessResult> git(const fs::path& root, std::vector<std::string> args) {
  args.insert(args.begin(), "git");
  ProcessOptions po;
  po.cwd = root;
  po.timeout_ms = 120000;
  po.unset_env = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"};
  return run_process(args, po);
}

std::string tail(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(s.size() - n); }

struct Run {
  json j;
  bool passed = false, failed_as_captured = false, timed_out = false;
};

Result<Run> run_at(const fs::path& root, const fs::path& scratch, const std::string& label, const std::string& commit,
                   const std::string& command, const std::string& expect, const TestOptions& o) {
  fs::path wt = scratch / label;
  auto add = git(root, {"worktree", "add", "--detach", "--quiet", wt.string(), commit});
  if (!add.ok()) return add.error();
  if (add->exit_code != 0)
    return usage("WORKTREE_FAILED", "cannot make a worktree of " + commit + ": " + add->err, "check `git worktree list` in " + root.string());
  std::vector<std::string> argv;
  if (!o.inherit_env) {
    const char* path = std::getenv("PATH");
    fs::create_directories(scratch / "home");
    argv = {"env", "-i", std::string("PATH=") + (path ? path : "/usr/bin:/bin"), "HOME=" + (scratch / "home").string(),
            "LANG=C.UTF-8", "TERM=dumb"};
  }
  argv.insert(argv.end(), {"sh", "-c", command});
  ProcessOptions po;
  po.cwd = wt;
  po.timeout_ms = o.timeout_s > 0 ? o.timeout_s * 1000 : 0;
  po.unset_env = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"};
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_process(argv, po);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  auto rm = git(root, {"worktree", "remove", "--force", wt.string()});
  (void)rm;
  if (!r.ok()) return r.error();
  std::string output = r->out + r->err;
  Run run;
  run.timed_out = r->timed_out;
  run.passed = !r->timed_out && r->exit_code == 0;
  bool seen = !expect.empty() && output.find(expect) != std::string::npos;
  run.failed_as_captured = !run.passed && !r->timed_out && (expect.empty() || seen);
  run.j = {{"label", label},
           {"commit", commit},
           {"exit_code", r->exit_code},
           {"timed_out", r->timed_out},
           {"duration_ms", ms},
           {"expected_error_seen", expect.empty() ? json() : json(seen)},
           {"output_tail", tail(output, 2000)}};
  return run;
}

}  // namespace

Result<json> test_capsule(const Capsule& c, const TestOptions& o) {
  const json& test = c.doc.value("test", json());
  std::string command = test.is_object() ? test.value("command", "") : "";
  if (command.empty())
    return usage("NO_TEST_COMMAND", "capsule " + c.doc.value("capsule_id", "") + " carries no test command",
                 "create the capsule with --test-command '<command that fails before the fix>'");
  std::string expect = test.is_object() && test["expect_error"].is_string() ? test["expect_error"].get<std::string>() : "";
  auto against = pin_repo(o.repo_dir, o.against.empty() ? "HEAD" : o.against);
  if (!against.ok()) return against.error();
  std::string pinned = c.doc["repo"].value("commit", "");
  if (pinned.empty() || !has_commit(against->root, pinned))
    return usage("PINNED_COMMIT_MISSING", "the pinned commit " + (pinned.empty() ? std::string("(none)") : pinned) + " is not in " +
                                              against->root.string(),
                 "fetch it (git fetch <remote> " + pinned + "), or run in the repository the capsule was made from (--repo-dir)");

  fs::path scratch = scratch_dir("test");
  struct Cleanup {
    fs::path root, p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
      auto pr = git(root, {"worktree", "prune"});
      (void)pr;
    }
  } cleanup{against->root, scratch};
  auto before = run_at(against->root, scratch, "pinned", pinned, command, expect, o);
  if (!before.ok()) return before.error();
  auto after = run_at(against->root, scratch, "against", against->commit, command, expect, o);
  if (!after.ok()) return after.error();

  std::string verdict, reason;
  if (before->timed_out || after->timed_out) {
    verdict = "inconclusive";
    reason = std::string("the command timed out at ") + (before->timed_out ? "the pinned commit" : "--against") + " (--timeout " +
             std::to_string(o.timeout_s) + "s)";
  } else if (before->passed) {
    verdict = "inconclusive";
    reason = "the command passes at the pinned commit: the captured failure does not reproduce";
  } else if (!before->failed_as_captured) {
    verdict = "inconclusive";
    reason = "the command fails at the pinned commit, but without the expected error";
  } else if (after->passed) {
    verdict = "fixed";
    reason = "fails at the pinned commit, passes at " + o.against;
  } else {
    verdict = "reproduces";
    reason = "fails at the pinned commit and at " + o.against;
  }
  return json{{"capsule_id", c.doc.value("capsule_id", "")},
              {"command", command},
              {"against", o.against},
              {"verdict", verdict},
              {"reason", reason},
              {"environment", o.inherit_env ? "inherited" : "minimal"},
              {"runs", {before->j, after->j}}};
}

json replay_packet(const Capsule& c, const std::string& against) {
  const json& d = c.doc;
  const json& test = d.value("test", json());
  std::string commit = d["repo"].value("commit", "");
  std::string intent = d.value("title", "");
  for (const auto& s : d["slice"].value("steps", json::array()))
    if (text_of(s, "role") == "user" && !text_of(s, "summary").empty()) {
      intent = text_of(s, "summary");
      break;
    }
  json oracle;
  json instructions = json::array();
  instructions.push_back("git worktree add --detach ../replay-" + d.value("capsule_id", "") + " " + commit);
  instructions.push_back("read the capsule's steps (capsule.md, or `git opentraces capsule get " + c.source + " --summary`)");
  if (test.is_object()) {
    oracle = {{"strategy", "test_command"},
              {"question", "does `" + test.value("command", "") + "` pass after the replay, where it failed at " + commit.substr(0, 12) + "?"},
              {"command", test.value("command", "")}};
    instructions.push_back("run `" + test.value("command", "") + "`: it should fail before the change");
    instructions.push_back("make the change the steps describe, then run the command again: it should pass");
    instructions.push_back("git opentraces capsule test " + c.source + " --against " + against);
  } else {
    oracle = {{"strategy", "manual_review"},
              {"question", "does the replayed change do what the captured steps did?"},
              {"command", nullptr}};
    instructions.push_back("make the change the steps describe and compare with the trail anchors");
  }
  return {{"capsule_id", d.value("capsule_id", "")},
          {"trace_id", d["trace"].value("trace_id", "")},
          {"intent", intent},
          {"before_commit", commit},
          {"against", against},
          {"oracle", oracle},
          {"instructions", instructions}};
}

}  // namespace ot::capsule
