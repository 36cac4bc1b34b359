#include "notes/bucket_transport.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "engine/util/fs.h"
#include "engine/util/process.h"

namespace ot::git {
namespace fs = std::filesystem;

namespace {

constexpr int kNetworkTimeoutMs = 10 * 60 * 1000;

// OT_GIT_NETWORK_TIMEOUT_MS overrides the limit (tests use it to fault a hung remote).
int network_timeout_ms() {
  const char* v = std::getenv("OT_GIT_NETWORK_TIMEOUT_MS");
  if (v == nullptr || *v == '\0') return kNetworkTimeoutMs;
  char* end = nullptr;
  long ms = std::strtol(v, &end, 10);
  return (end != nullptr && *end == '\0' && ms > 0 && ms < kNetworkTimeoutMs) ? static_cast<int>(ms) : kNetworkTimeoutMs;
}

// What a hook or the user's shell may have set that would point git elsewhere.
const std::vector<std::string> kInheritedGitEnv = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                                                    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX", "GIT_NAMESPACE",
                                                    "GIT_COMMON_DIR"};

struct GitCall {
  std::vector<std::string> args;
  fs::path work_tree;   // for add / checkout-index
  fs::path index_file;  // a private index, never the staging repo's
  int timeout_ms = 0;
};

GitCall plain(std::vector<std::string> args) {
  GitCall c;
  c.args = std::move(args);
  return c;
}
GitCall network(std::vector<std::string> args) {
  GitCall c = plain(std::move(args));
  c.timeout_ms = network_timeout_ms();
  return c;
}
GitCall with_index(std::vector<std::string> args, const fs::path& index, const fs::path& work_tree = {}) {
  GitCall c = plain(std::move(args));
  c.index_file = index;
  c.work_tree = work_tree;
  return c;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<ProcessResult> run_git(const fs::path& staging, const GitCall& call) {
  std::vector<std::string> argv = {"git", "--git-dir=" + staging.string(),
                                   // Ours, not the user's: no hooks, no ignore rules, no line-ending filters.
                                   "-c", "core.hooksPath=/dev/null", "-c", "core.excludesFile=/dev/null",
                                   "-c", "core.autocrlf=false", "-c", "core.safecrlf=false"};
  if (!call.work_tree.empty()) argv.push_back("--work-tree=" + call.work_tree.string());
  argv.insert(argv.end(), call.args.begin(), call.args.end());
  ProcessOptions o;
  o.unset_env = kInheritedGitEnv;
  // The child runs in its own process group and cannot own the terminal: never prompt.
  o.env = {{"GIT_TERMINAL_PROMPT", "0"},
           {"GIT_AUTHOR_NAME", "git-opentraces"},
           {"GIT_AUTHOR_EMAIL", "git-opentraces@localhost"},
           {"GIT_COMMITTER_NAME", "git-opentraces"},
           {"GIT_COMMITTER_EMAIL", "git-opentraces@localhost"}};
  if (!call.index_file.empty()) o.env.emplace_back("GIT_INDEX_FILE", call.index_file.string());
  o.timeout_ms = call.timeout_ms;
  if (!call.work_tree.empty()) o.cwd = call.work_tree;  // pathspecs are relative to it
  auto r = run_process(argv, o);
  if (!r.ok() && r.error().code == "PROGRAM_NOT_FOUND")
    return make_error(ExitCode::kUnavailable, "GIT_NOT_FOUND", "bucket remote", "the git program is not on PATH",
                      "install git (apt-get install -y git)");
  return r;
}

Error git_failed(const std::string& what, const ProcessResult& r) {
  std::string detail = trim(r.err.empty() ? r.out : r.err);
  if (r.timed_out) detail = "timed out";
  return make_error(ExitCode::kResource, "GIT_FAILED", "bucket remote", what + " failed: " + detail,
                    "run the same with GIT_TRACE=1 for details, or `git opentraces doctor`");
}

// A private index file per call, removed afterwards.
struct ScratchIndex {
  fs::path path;
  explicit ScratchIndex(const fs::path& staging) {
    path = staging / ("opentraces-index-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove(path, ec);
  }
  ~ScratchIndex() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

ProcessOptions init_options() {
  ProcessOptions o;
  o.unset_env = kInheritedGitEnv;
  return o;
}

bool looks_like_url_or_path(const std::string& s) {
  return s.find("://") != std::string::npos || s.find(':') != std::string::npos || s.find('/') != std::string::npos ||
         s.rfind(".", 0) == 0;
}

}  // namespace

Result<BucketTransport> BucketTransport::open(const fs::path& staging, std::string url) {
  std::error_code ec;
  if (!fs::exists(staging / "HEAD", ec)) {
    OT_TRY_STATUS(ensure_dir(staging.parent_path(), 0700));
    auto r = run_process({"git", "init", "--quiet", "--bare", staging.string()}, init_options());
    if (!r.ok()) {
      if (r.error().code == "PROGRAM_NOT_FOUND")
        return make_error(ExitCode::kUnavailable, "GIT_NOT_FOUND", "bucket remote", "the git program is not on PATH",
                          "install git (apt-get install -y git)");
      return r.error();
    }
    if (r->exit_code != 0) return git_failed("creating the staging repository " + staging.string(), *r);
  }
  return BucketTransport(staging, std::move(url));
}

Result<std::string> BucketTransport::fetch() const {
  auto ls = run_git(staging_, network({"ls-remote", "--exit-code", url_, kBucketRef}));
  if (!ls.ok()) return ls.error();
  if (ls->exit_code == 2) {  // reachable, no bucket yet
    forget_cached_head();
    return std::string();
  }
  if (ls->exit_code != 0) {
    Error e = git_failed("reaching " + url_, *ls);
    e.code = "REMOTE_UNREACHABLE";
    e.retryable = true;
    e.hint = "check the remote URL (`git opentraces bucket remote status`), your network and credentials";
    return e;
  }
  auto f = run_git(staging_, network({"fetch", "--quiet", "--no-tags", "--no-write-fetch-head", url_,
                                       std::string("+") + kBucketRef + ":" + kBucketTrackingRef}));
  if (!f.ok()) return f.error();
  if (f->exit_code != 0) {
    Error e = git_failed("fetching the bucket from " + url_, *f);
    e.retryable = true;
    return e;
  }
  return cached_head();
}

std::string BucketTransport::cached_head() const {
  auto r = run_git(staging_, plain({"rev-parse", "--verify", "--quiet", std::string(kBucketTrackingRef) + "^{commit}"}));
  if (!r.ok() || r->exit_code != 0) return "";
  return trim(r->out);
}

void BucketTransport::forget_cached_head() const {
  (void)run_git(staging_, plain({"update-ref", "-d", kBucketTrackingRef}));
}

Result<std::optional<std::string>> BucketTransport::read_file(const std::string& commit, const std::string& path) const {
  auto r = run_git(staging_, plain({"cat-file", "blob", commit + ":" + path}));
  if (!r.ok()) return r.error();
  if (r->exit_code != 0) return std::optional<std::string>();
  return std::optional<std::string>(std::move(r->out));
}

Status BucketTransport::checkout(const std::string& commit, const fs::path& dir) const {
  OT_TRY_STATUS(ensure_dir(dir, 0700));
  ScratchIndex index(staging_);
  auto rt = run_git(staging_, with_index({"read-tree", commit}, index.path));
  if (!rt.ok()) return rt.error();
  if (rt->exit_code != 0) return git_failed("reading the remote bucket tree", *rt);
  auto co = run_git(staging_, with_index({"checkout-index", "--all", "--force"}, index.path, dir));
  if (!co.ok()) return co.error();
  if (co->exit_code != 0) return git_failed("writing the remote bucket into " + dir.string(), *co);
  return ok_status();
}

Result<std::string> BucketTransport::commit_dir(const fs::path& dir, const std::string& parent,
                                                const std::string& message) const {
  ScratchIndex index(staging_);
  auto add = run_git(staging_, with_index({"add", "--all", "--force", "."}, index.path, dir));
  if (!add.ok()) return add.error();
  if (add->exit_code != 0) return git_failed("staging the bucket export", *add);
  auto wt = run_git(staging_, with_index({"write-tree"}, index.path, dir));
  if (!wt.ok()) return wt.error();
  if (wt->exit_code != 0) return git_failed("writing the bucket tree", *wt);
  std::string tree = trim(wt->out);
  if (!parent.empty()) {
    auto pt = run_git(staging_, plain({"rev-parse", parent + "^{tree}"}));
    if (pt.ok() && pt->exit_code == 0 && trim(pt->out) == tree) return parent;
  }
  std::vector<std::string> args = {"commit-tree", tree, "-m", message};
  if (!parent.empty()) args.insert(args.begin() + 2, {"-p", parent});
  auto ct = run_git(staging_, plain(args));
  if (!ct.ok()) return ct.error();
  if (ct->exit_code != 0) return git_failed("committing the bucket tree", *ct);
  return trim(ct->out);
}

Result<int> BucketTransport::changed_paths(const std::string& from, const std::string& to) const {
  // 4b825dc... is git's empty tree: a first push counts every path.
  std::string base = from.empty() ? "4b825dc642cb6eb9a060e54bf8d69288fbee4904" : from;
  auto r = run_git(staging_, plain({"diff-tree", "-r", "--name-only", "--no-commit-id", base, to}));
  if (!r.ok()) return r.error();
  if (r->exit_code != 0) return git_failed("comparing bucket commits", *r);
  int n = 0;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) n++;
  return n;
}

Result<BucketTransport::PushOutcome> BucketTransport::push(const std::string& commit) const {
  // No "+": a push that is not a fast-forward of the remote is refused by git itself.
  auto r = run_git(staging_, network({"push", "--porcelain", "--quiet", url_, commit + ":" + kBucketRef}));
  if (!r.ok()) return r.error();
  if (r->exit_code == 0) {
    // Remember what the remote now holds, as a fetch would.
    (void)run_git(staging_, plain({"update-ref", kBucketTrackingRef, commit}));
    return PushOutcome::kPushed;
  }
  // "[rejected] (fetch first|non-fast-forward)", or a concurrent pusher held the ref lock.
  const std::string all = r->out + r->err;
  // A server policy (a hook, a protected ref) refusing the push is not a race: retrying
  // cannot help, so it is reported with the server's own words.
  if (all.find("hook declined") != std::string::npos || all.find("denied") != std::string::npos ||
      all.find("protected") != std::string::npos) {
    Error e = git_failed("pushing the bucket to " + url_, *r);
    e.code = "REMOTE_REJECTED";
    e.hint = "the remote's message is above; ask its admin to allow pushes to " + std::string(kBucketRef) +
             ", then run `git opentraces bucket push` again";
    e.retryable = false;
    return e;
  }
  if (all.find("[rejected]") != std::string::npos || all.find("[remote rejected]") != std::string::npos ||
      all.find("cannot lock ref") != std::string::npos)
    return PushOutcome::kRejected;
  Error e = git_failed("pushing the bucket to " + url_, *r);
  e.code = "PUSH_FAILED";
  e.retryable = true;
  return e;
}

Result<std::string> resolve_git_remote(const std::string& name_or_url, const fs::path& cwd) {
  if (looks_like_url_or_path(name_or_url)) return name_or_url;
  ProcessOptions o;
  o.cwd = cwd;
  o.unset_env = kInheritedGitEnv;
  auto r = run_process({"git", "remote", "get-url", name_or_url}, o);
  if (!r.ok()) return r.error();
  if (r->exit_code != 0)
    return make_error(ExitCode::kUsage, "UNKNOWN_GIT_REMOTE", "bucket remote connect",
                      "`" + name_or_url + "` is not a remote of the repository at " + cwd.string(),
                      "give a URL (git:https://..., git:file:///srv/team.git) or run inside a repository that "
                      "has this remote (`git remote -v`)");
  return trim(r->out);
}

}  // namespace ot::git
