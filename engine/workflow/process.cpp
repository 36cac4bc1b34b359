#include "engine/workflow/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace ot::workflow {

namespace {

int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void keep_tail(std::string& buf, const char* data, size_t n, size_t limit) {
  buf.append(data, n);
  if (buf.size() > limit) buf.erase(0, buf.size() - limit);
}

}  // namespace

std::string tail_lines(const std::string& text, int max_lines) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  size_t pos = t.size();
  for (int i = 0; i < max_lines && pos != std::string::npos && pos > 0; ++i) pos = t.rfind('\n', pos - 1);
  return pos == std::string::npos || pos == 0 ? t : t.substr(pos + 1);
}

Result<ProcessResult> run_process(const ProcessSpec& spec) {
  if (spec.argv.empty()) return make_error(ExitCode::kInternal, "SPAWN_FAILED", "workflow", "empty argv");
  // Build argv/envp before fork: the child only calls async-signal-safe functions.
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (!spec.env.count(key)) env_store.push_back(kv);
  }
  for (const auto& [k, v] : spec.env) env_store.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_store) envp.push_back(s.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2], exec_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(exec_pipe, O_CLOEXEC) != 0)
    return make_error(ExitCode::kResource, "SPAWN_FAILED", "workflow", std::string("pipe: ") + std::strerror(errno));
  const int64_t start = mono_ms();
  pid_t pid = fork();
  if (pid < 0) return make_error(ExitCode::kResource, "SPAWN_FAILED", "workflow", std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) {
      int err = errno;
      ssize_t w = write(exec_pipe[1], &err, sizeof err);
      (void)w;
      _exit(127);
    }
    execve(argv[0], argv.data(), envp.data());
    int err = errno;
    ssize_t w = write(exec_pipe[1], &err, sizeof err);
    (void)w;
    _exit(127);
  }
  setpgid(pid, pid);
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(exec_pipe[1]);
  int exec_errno = 0;
  ssize_t got = read(exec_pipe[0], &exec_errno, sizeof exec_errno);
  close(exec_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    waitpid(pid, nullptr, 0);
    close(out_pipe[0]);
    close(err_pipe[0]);
    return make_error(ExitCode::kResource, "SPAWN_FAILED", "workflow",
                      "cannot run " + spec.argv[0] + ": " + std::strerror(exec_errno),
                      "check the workflow's scripts/build_rows exists and is executable (chmod +x)");
  }

  ProcessResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool exited = false;
  int status = 0;
  int64_t exited_at = 0;
  char buf[65536];
  while (true) {
    if (!exited) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        exited = true;
        exited_at = mono_ms();
      }
    }
    const int64_t now = mono_ms();
    if (!exited && now - start >= spec.timeout_ms) {
      r.timed_out = true;
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      exited = true;
      exited_at = now;
    }
    // After exit, drain briefly: a stray grandchild may hold the pipes open.
    if (exited && (open_fds == 0 || now - exited_at > 200)) break;
    int wait = exited ? 20 : static_cast<int>(std::min<int64_t>(50, spec.timeout_ms - (now - start)));
    int n = poll(fds, 2, std::max(wait, 1));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t k = read(fds[i].fd, buf, sizeof buf);
      if (k > 0) {
        if (i == 0) {
          keep_tail(r.stdout_tail, buf, static_cast<size_t>(k), spec.capture_limit);
          r.stdout_bytes += k;
        } else {
          keep_tail(r.stderr_tail, buf, static_cast<size_t>(k), spec.capture_limit);
          r.stderr_bytes += k;
        }
      } else if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN)) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  kill(-pid, SIGKILL);  // leftovers of the group (no-op when all exited)
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  r.duration_ms = mono_ms() - start;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace ot::workflow
