// Repository facts of a capsule (repo_pin.h).
#include "engine/capsule/repo_pin.h"

#include <algorithm>
#include <tuple>

#include "engine/trails/fact.h"
#include "engine/util/fs.h"
#include "engine/util/hash.h"
#include "engine/util/process.h"
#include "notes/handle.h"
#include "notes/notes_store.h"

namespace ot::capsule {

namespace fs = std::filesystem;

namespace {

Result<std::string> git_out(const fs::path& cwd, std::vector<std::string> args) {
  args.insert(args.begin(), "git");
  ProcessOptions po;
  po.cwd = cwd;
  po.timeout_ms = 60000;
  po.unset_env = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"};
  auto r = run_process(args, po);
  if (!r.ok()) return r.error();
  if (r->exit_code != 0)
    return make_error(ExitCode::kUsage, "GIT_FAILED", "capsule", "`" + args[1] + "` failed: " + r->err,
                      "check the repository and the revision");
  std::string out = r->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

Result<RepoPin> pin_repo(const fs::path& dir, const std::string& rev) {
  RepoPin p;
  auto top = git_out(dir, {"rev-parse", "--show-toplevel"});
  if (!top.ok())
    return make_error(ExitCode::kUsage, "NOT_A_GIT_REPO", "capsule", dir.string() + " is not inside a git working tree",
                      "run the command inside the repository the trace worked on, or pass --repo-dir");
  p.root = *top;
  auto c = git_out(p.root, {"rev-parse", "--verify", "--quiet", rev + "^{commit}"});
  if (!c.ok() || c->size() != 40)
    return make_error(ExitCode::kUsage, "REV_NOT_FOUND", "capsule", "`" + rev + "` does not name a commit in " + p.root.string(),
                      "pass --pin with a commit, branch or tag of this repository");
  p.commit = *c;
  auto b = git_out(p.root, {"symbolic-ref", "--quiet", "--short", "HEAD"});
  if (b.ok()) p.branch = *b;
  auto u = git_out(p.root, {"remote", "get-url", "origin"});
  if (u.ok()) p.remote_url = *u;
  return p;
}

bool has_commit(const fs::path& root, const std::string& commit) {
  auto c = git_out(root, {"cat-file", "-e", commit + "^{commit}"});
  return c.ok();
}

Result<json> trail_anchors(const fs::path& root, const std::string& trace_id, int from, int to) {
  auto repo = git::Repo::open(root);
  if (!repo.ok()) return repo.error();
  auto notes = git::all_notes(*repo);
  if (!notes.ok()) return notes.error();
  std::vector<std::pair<std::string, trails::Fact>> facts;
  for (const auto& n : *notes) {
    for (auto& f : trails::parse_note(n.text).facts) {
      if (f.trace_id != trace_id) continue;
      if (f.step_index >= 0 && (f.step_index < from || f.step_index > to)) continue;
      facts.emplace_back(n.commit_sha, std::move(f));
    }
  }
  std::sort(facts.begin(), facts.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second.file, a.second.start_line) < std::tie(b.first, b.second.file, b.second.start_line);
  });
  json out = json::array();
  for (const auto& [commit, f] : facts) {
    out.push_back({{"commit", commit},
                   {"file", f.file},
                   {"start_line", f.start_line},
                   {"end_line", f.end_line},
                   {"patch_id", f.patch_id},
                   {"step_index", f.step_index >= 0 ? json(f.step_index - from) : json(nullptr)},
                   {"source_step_index", f.step_index >= 0 ? json(f.step_index) : json(nullptr)},
                   {"tier", f.tier},
                   {"firmness", f.firmness},
                   {"anchor_id", f.anchor_id.empty() ? trails::anchor_id_for(f, commit) : f.anchor_id}});
  }
  return out;
}

Result<json> write_bundle(const fs::path& root, const std::string& commit, const fs::path& dest) {
  auto r = git_out(root, {"archive", "--format=tar.gz", "-o", fs::absolute(dest).string(), commit});
  if (!r.ok()) return r.error();
  auto bytes = read_file(dest);
  if (!bytes.ok()) return bytes.error();
  return json{{"path", dest.filename().string()},
              {"format", "tar.gz"},
              {"commit", commit},
              {"bytes", bytes->size()},
              {"sha256", sha256_hex(*bytes)}};
}

std::string github_repo_of(const std::string& url) {
  std::string rest;
  for (const char* p : {"https://github.com/", "http://github.com/", "ssh://git@github.com/", "git@github.com:"}) {
    if (url.rfind(p, 0) == 0) {
      rest = url.substr(std::string(p).size());
      break;
    }
  }
  if (rest.empty()) return "";
  if (rest.size() > 4 && rest.compare(rest.size() - 4, 4, ".git") == 0) rest.resize(rest.size() - 4);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || rest.find('/', slash + 1) != std::string::npos) return "";
  return rest;
}

}  // namespace ot::capsule
