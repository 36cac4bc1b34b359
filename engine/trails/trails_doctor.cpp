#include "engine/trails/trails_doctor.h"

#include <cstdlib>
#include <fstream>

#include "engine/trails/fact.h"
#include "engine/trails/file_blame.h"
#include "engine/util/process.h"
#include "notes/history.h"
#include "notes/hooks_install.h"
#include "notes/notes_store.h"

namespace ot::trails {

namespace fs = std::filesystem;
using doctor::Check;
using doctor::CheckState;

Check notes_sync_check(const fs::path& cwd) {
  Check c{"trails_notes_sync", CheckState::ok, "", ""};
  auto st = git::git_integration_status(cwd);
  if (!st.ok()) {
    c.detail = "not inside a git work tree (skipped)";
    return c;
  }
  auto repo = git::Repo::open(cwd);
  if (!repo.ok()) {
    c.state = CheckState::fail;
    c.detail = repo.error().message;
    c.hint = repo.error().hint;
    return c;
  }
  auto local = git::notes_tip(*repo);
  if (!local.ok()) {
    c.state = CheckState::fail;
    c.detail = std::string(git::kNotesRef) + " cannot be read: " + local.error().message;
    c.hint = "inspect it with `git notes --ref=opentraces list`; `git update-ref -d " + std::string(git::kNotesRef) +
             "` drops a broken ref (attribution on other clones is unaffected)";
    return c;
  }
  std::string have = *local ? std::string(git::kNotesRef) + " at " + local->value().substr(0, 12)
                            : std::string("no ") + git::kNotesRef + " yet";
  if (!st->has_origin) {
    c.detail = have + "; no origin remote: notes stay in this clone";
    return c;
  }
  const std::string tracking = "refs/notes/remotes/origin/opentraces";
  auto remote = git::notes_tip(*repo, tracking);
  if (!remote.ok()) {
    c.state = CheckState::fail;
    c.detail = tracking + " cannot be read: " + remote.error().message;
    c.hint = "`git update-ref -d " + tracking + "`, then `git opentraces trail sync`";
    return c;
  }
  std::vector<std::string> issues;
  if (!st->fetch_refspec) issues.push_back("no fetch refspec for the notes on origin (plain `git fetch` leaves teammates' notes behind)");
  if (*local) {
    if (!*remote) {
      issues.push_back("local notes were never synced with origin");
    } else {
      auto pushed = git::is_ancestor(*repo, **local, **remote);
      if (pushed.ok() && !*pushed) issues.push_back("local notes hold commits origin's copy lacks (as of the last fetch)");
    }
  }
  c.detail = have + (*remote ? "; origin's copy at " + remote->value().substr(0, 12) : std::string("; origin's copy not fetched")) +
             "; pushed by `git opentraces trail sync` (no push refspec, by design)";
  if (!issues.empty()) {
    c.state = CheckState::warn;
    for (const auto& i : issues) c.detail += "; " + i;
    c.hint = st->fetch_refspec ? "run `git opentraces trail sync`"
                               : "run `git opentraces setup git` (adds the refspec), then `git opentraces trail sync`";
  }
  return c;
}

Check attribution_selfcheck() {
  Check c{"trails_attribution_selfcheck", CheckState::ok, "", ""};
  auto failed = [&](const std::string& what, const std::string& hint) {
    c.state = CheckState::fail;
    c.detail = what;
    c.hint = hint;
    return c;
  };
  std::string tmpl = (fs::temp_directory_path() / "ot-doctor-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return failed("cannot create a scratch directory in " + fs::temp_directory_path().string(), "set TMPDIR to a writable directory");
  fs::path dir = tmpl;
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{dir};
  // Isolated from the user's git config (hooks, signing, templates): only git itself is tested.
  ProcessOptions po;
  po.cwd = dir;
  po.timeout_ms = 20000;
  po.env = {{"GIT_CONFIG_NOSYSTEM", "1"}, {"GIT_CONFIG_GLOBAL", "/dev/null"}, {"HOME", dir.string()},
            {"GIT_AUTHOR_NAME", "doctor"}, {"GIT_AUTHOR_EMAIL", "doctor@localhost"},
            {"GIT_COMMITTER_NAME", "doctor"}, {"GIT_COMMITTER_EMAIL", "doctor@localhost"}};
  {
    std::ofstream f(dir / "selfcheck.py");
    f << "def agent():\n    return 42\nhuman = True\n";
  }
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"git", "init", "-q", "."}, {"git", "add", "selfcheck.py"},
        {"git", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "selfcheck"}}) {
    auto r = run_process(argv, po);
    if (!r.ok()) return failed("cannot run git: " + r.error().message, "install git and put it on PATH");
    if (r->exit_code != 0) return failed("`" + argv[1] + "` failed in a scratch repository: " + r->err, "check `git --version` works");
  }
  auto repo = git::Repo::open(dir);
  if (!repo.ok()) return failed("libgit2 cannot open the scratch repository: " + repo.error().message, "");
  auto head = git::resolve_commit(*repo, "HEAD");
  if (!head.ok()) return failed("cannot resolve the scratch commit: " + head.error().message, "");
  Fact f;
  f.trace_id = "00000000-doctor-selfcheck";
  f.agent = "claude-code";
  f.model = "selfcheck";
  f.patch_id = "sha256:selfcheck";
  f.file = "selfcheck.py";
  f.start_line = 1;
  f.end_line = 2;
  f.tier = "exact_range_hash";
  f.firmness = "firm";
  if (auto w = git::write_note(*repo, *head, fact_line(f) + "\n"); !w.ok())
    return failed("cannot write a note: " + w.error().message, "");
  FileBlameOptions o;
  o.follow_reflow = false;
  auto fb = blame_file(*repo, "selfcheck.py", o);
  if (!fb.ok()) return failed("blame failed: " + fb.error().message, fb.error().hint);
  std::string got;
  for (const auto& l : fb->lines) got += (got.empty() ? "" : ",") + l.who.kind;
  if (got != "agent,agent,human")
    return failed("a note written on a scratch commit blamed back as [" + got + "], expected [agent,agent,human]",
                  "report this with `git --version` and `git opentraces --version`");
  c.detail = "wrote a note on a scratch commit and blamed it back: 2 agent lines, 1 human line";
  return c;
}

std::vector<doctor::Check> doctor_checks(const fs::path& cwd) { return {notes_sync_check(cwd), attribution_selfcheck()}; }

}  // namespace ot::trails
