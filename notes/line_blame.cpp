#include "notes/line_blame.h"

#include <fcntl.h>
#include <git2.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <set>

#include "notes/diff.h"
#include "notes/git_util.h"

namespace ot::git {

namespace {

bool is_hex40(std::string_view s) {
  if (s.size() != 40 && s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// git quotes unusual paths C-style ("a\tb"); undo the common escapes.
std::string unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] != '\\' || i + 2 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char c = s[++i];
    if (c >= '0' && c <= '7' && i + 2 < s.size()) {  // octal byte
      out.push_back(static_cast<char>(std::strtol(std::string(s.substr(i, 3)).c_str(), nullptr, 8)));
      i += 2;
    } else {
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    }
  }
  return out;
}

}  // namespace

Result<GitRun> run_git_capture(const Repo& repo, const std::vector<std::string>& args) {
  int out_fd[2], err_fd[2];
  if (pipe(out_fd) != 0) return make_error(ExitCode::kResource, "SPAWN_FAILED", "blame", "cannot create a pipe");
  if (pipe(err_fd) != 0) {
    close(out_fd[0]);
    close(out_fd[1]);
    return make_error(ExitCode::kResource, "SPAWN_FAILED", "blame", "cannot create a pipe");
  }
  std::string dir = repo.bare() ? repo.git_dir().string() : repo.workdir().string();
  std::vector<std::string> full = {"git", "-C", dir};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  // posix_spawn (vfork-style in glibc): no copy of our page tables for a child that
  // only execs git — measurable for a short command like blame.
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_fd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_fd[1], 2);
  for (int fd : {out_fd[0], out_fd[1], err_fd[0], err_fd[1]}) posix_spawn_file_actions_addclose(&fa, fd);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  int src = posix_spawnp(&pid, "git", &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (src != 0) {
    close(out_fd[0]), close(out_fd[1]), close(err_fd[0]), close(err_fd[1]);
    if (src == ENOENT) return make_error(ExitCode::kUnavailable, "GIT_NOT_FOUND", "blame", "the git program is not on PATH");
    return make_error(ExitCode::kResource, "SPAWN_FAILED", "blame", "cannot start git");
  }
  close(out_fd[1]);
  close(err_fd[1]);
  GitRun r;
  // Both pipes drained together: a chatty stderr must not stall git while we read stdout.
  pollfd pf[2] = {{out_fd[0], POLLIN, 0}, {err_fd[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(pf, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(pf[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      } else {
        close(pf[i].fd);
        pf[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  if (r.rc == 127) return make_error(ExitCode::kUnavailable, "GIT_NOT_FOUND", "blame", "the git program is not on PATH");
  return r;
}

Result<FileOrigins> parse_blame_porcelain(std::string_view text) {
  FileOrigins out;
  std::map<std::string, std::string> last_filename;  // porcelain names the file once per group
  std::string sha, group_path;
  int orig = 0, final_line = 0;
  std::set<std::string> boundary;  // said once per commit, like its metadata
  std::pair<std::string, std::string> prev;  // "previous" comes just before "filename"
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.front() == '\t') {
      if (sha.empty()) return make_error(ExitCode::kResource, "BLAME_FAILED", "blame", "unexpected blame output");
      OriginLine o;
      o.line = final_line;
      o.commit_sha = sha;
      o.orig_line = orig;
      o.orig_path = group_path;
      o.text = std::string(line.substr(1));
      o.boundary = boundary.count(sha) > 0;
      out.lines.push_back(std::move(o));
      continue;
    }
    auto f = fields(line);
    if (f.size() >= 3 && is_hex40(f[0])) {
      std::string next(f[0]);
      if (f.size() >= 4 || next != sha) {
        // A new group: its filename line follows (or it repeats the commit's last one).
        auto it = last_filename.find(next);
        group_path = it == last_filename.end() ? std::string() : it->second;
      }
      sha = std::move(next);
      orig = std::atoi(std::string(f[1]).c_str());
      final_line = std::atoi(std::string(f[2]).c_str());
      continue;
    }
    if (sha.empty() || f.empty()) continue;
    std::string_view key = f[0];
    std::string_view rest = line.size() > key.size() ? line.substr(key.size() + 1) : std::string_view();
    OriginCommit& c = out.commits[sha];
    if (key == "filename") {
      group_path = unquote(rest);
      last_filename[sha] = group_path;
      if (!prev.first.empty()) out.previous[{sha, group_path}] = prev;
      prev = {};
    } else if (key == "previous") {
      size_t sp = rest.find(' ');
      if (sp != std::string_view::npos) prev = {std::string(rest.substr(0, sp)), unquote(rest.substr(sp + 1))};
    } else if (key == "boundary") {
      boundary.insert(sha);
    } else if (key == "author") {
      c.author_name = std::string(rest);
    } else if (key == "author-mail") {
      std::string m(rest);
      if (m.size() >= 2 && m.front() == '<' && m.back() == '>') m = m.substr(1, m.size() - 2);
      c.author_email = m;
    } else if (key == "author-time") {
      c.author_time = std::atoll(std::string(rest).c_str());
    } else if (key == "summary") {
      c.summary = std::string(rest);
    }
  }
  return out;
}

namespace {

Result<FileOrigins> origins_git_cli(const Repo& repo, const std::string& path, const std::string& rev_sha,
                                    const FileOriginOptions& opts) {
  std::vector<std::string> args = {"blame", "--porcelain"};
  if (opts.ignore_whitespace) args.push_back("-w");
  if (opts.from > 0) args.push_back("-L" + std::to_string(opts.from) + "," + std::to_string(opts.to));
  args.push_back(rev_sha);
  args.push_back("--");
  args.push_back(path);
  auto run = run_git_capture(repo, args);
  if (!run.ok()) return run.error();
  if (run->rc != 0)
    return make_error(ExitCode::kResource, "BLAME_FAILED", "blame", "git blame failed: " + run->err,
                      "run `git blame " + path + "` to see git's own message");
  return parse_blame_porcelain(run->out);
}

Result<FileOrigins> origins_libgit2(const Repo& repo, const std::string& path, const std::string& rev_sha,
                                    const std::vector<std::string>& lines, const FileOriginOptions& opts) {
  git_blame_options bo = GIT_BLAME_OPTIONS_INIT;
  bo.flags = GIT_BLAME_NORMAL;
  if (opts.ignore_whitespace) bo.flags |= GIT_BLAME_IGNORE_WHITESPACE;
  if (git_oid_fromstr(&bo.newest_commit, rev_sha.c_str()) != 0) return last_git_error("blame", "bad revision " + rev_sha);
  if (opts.from > 0) {
    bo.min_line = static_cast<size_t>(opts.from);
    bo.max_line = static_cast<size_t>(opts.to);
  }
  git_blame* raw = nullptr;
  if (git_blame_file(&raw, repo.raw(), path.c_str(), &bo) != 0) return last_git_error("blame", "cannot blame " + path);
  std::unique_ptr<git_blame, decltype(&git_blame_free)> blame(raw, git_blame_free);
  FileOrigins out;
  int from = opts.from > 0 ? opts.from : 1;
  int to = opts.from > 0 ? opts.to : static_cast<int>(lines.size());
  for (int ln = from; ln <= to; ++ln) {
    const git_blame_hunk* h = git_blame_get_hunk_byline(blame.get(), static_cast<size_t>(ln));
    if (!h) continue;
    OriginLine o;
    o.line = ln;
    o.commit_sha = oid_hex(h->final_commit_id);
    o.orig_path = h->orig_path ? h->orig_path : path;
    o.orig_line = static_cast<int>(h->orig_start_line_number) + (ln - static_cast<int>(h->final_start_line_number));
    o.text = lines[static_cast<size_t>(ln - 1)];
    o.boundary = h->boundary != 0;
    if (!out.commits.count(o.commit_sha)) {
      OriginCommit c;
      if (h->final_signature) {
        c.author_name = h->final_signature->name ? h->final_signature->name : "";
        c.author_email = h->final_signature->email ? h->final_signature->email : "";
        c.author_time = h->final_signature->when.time;
      }
      auto info = commit_info(repo, o.commit_sha);
      if (info.ok()) c.summary = info->subject;
      out.commits[o.commit_sha] = std::move(c);
    }
    out.lines.push_back(std::move(o));
  }
  return out;
}

}  // namespace

Result<FileOrigins> file_origins(const Repo& repo, const std::string& path, const FileOriginOptions& opts) {
  auto sha = resolve_commit(repo, opts.rev);
  if (!sha.ok()) return sha.error();
  auto lines = file_lines_at(repo, *sha, path);
  if (!lines.ok()) {
    Error e = lines.error();
    e.kind = "blame";
    e.hint = "check the path with `git ls-tree -r --name-only " + opts.rev + "`";
    return e;
  }
  FileOriginOptions o = opts;
  int n = static_cast<int>(lines->size());
  if (o.from > 0 || o.to > 0) {
    if (o.from < 1) o.from = 1;
    if (o.to <= 0 || o.to > n) o.to = n;
    if (o.from > n || o.from > o.to)
      return make_error(ExitCode::kUsage, "LINE_OUT_OF_RANGE", "blame",
                        path + " has " + std::to_string(n) + " lines at " + opts.rev + "; -L " +
                            std::to_string(opts.from) + "," + std::to_string(opts.to) + " is outside it",
                        "pick a range within 1," + std::to_string(n));
  }
  if (n == 0) {
    FileOrigins empty;
    empty.rev_sha = *sha;
    return empty;
  }
  Result<FileOrigins> r = o.engine == BlameEngine::kLibgit2 ? origins_libgit2(repo, path, *sha, *lines, o)
                                                           : origins_git_cli(repo, path, *sha, o);
  if (r.ok()) r->rev_sha = *sha;
  return r;
}

}  // namespace ot::git
