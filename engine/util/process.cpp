#include "engine/util/process.h"

#include <spawn.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

extern "C" char** environ;

namespace ot {

namespace fs = std::filesystem;

bool program_on_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* env = std::getenv("PATH");
  std::string_view path = env ? env : "/usr/bin:/bin";
  while (true) {
    size_t end = path.find(':');
    std::string_view dir = path.substr(0, end);
    fs::path cand = fs::path(dir.empty() ? std::string_view(".") : dir) / program;
    std::error_code ec;
    if (::access(cand.c_str(), X_OK) == 0 && !fs::is_directory(cand, ec)) return true;
    if (end == std::string_view::npos) return false;
    path.remove_prefix(end + 1);
  }
}

Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty() || argv[0].empty())
    return make_error(ExitCode::kUsage, "PROGRAM_NOT_FOUND", "process", "no program given");
  if (!program_on_path(argv[0]))
    return make_error(ExitCode::kUsage, "PROGRAM_NOT_FOUND", "process", "`" + argv[0] + "` is not installed (not on PATH)",
                      "install it, or put it on PATH");
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
    return make_error(ExitCode::kResource, "PROCESS_FAILED", "process", std::string("pipe: ") + std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0)
    return make_error(ExitCode::kResource, "PROCESS_FAILED", "process", std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group: a timeout kills the program and its children
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) _exit(126);
    for (const auto& k : options.unset_env) ::unsetenv(k.c_str());
    for (const auto& [k, v] : options.env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::signal(SIGPIPE, SIG_IGN);  // a program that does not read its stdin must not kill us
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  ProcessResult res;
  size_t written = 0;
  int in_fd = in[1];
  if (options.stdin_data.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  int open_outputs = 2;
  char buf[65536];
  while (open_outputs > 0 || in_fd >= 0) {
    pollfd fds[3];
    int n = 0;
    int idx_out = -1, idx_err = -1, idx_in = -1;
    if (out[0] >= 0) fds[idx_out = n++] = {out[0], POLLIN, 0};
    if (err[0] >= 0) fds[idx_err = n++] = {err[0], POLLIN, 0};
    if (in_fd >= 0) fds[idx_in = n++] = {in_fd, POLLOUT, 0};
    int wait_ms = -1;
    if (options.timeout_ms > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) {
        res.timed_out = true;
        ::kill(-pid, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(left);
    }
    int rc = ::poll(fds, static_cast<nfds_t>(n), wait_ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) break;
    auto drain = [&](int idx, int& fd, std::string& into) {
      if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t got = ::read(fd, buf, sizeof buf);
      if (got > 0) {
        if (into.size() < options.max_output_bytes) into.append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fd);
        fd = -1;
        --open_outputs;
      }
    };
    drain(idx_out, out[0], res.out);
    drain(idx_err, err[0], res.err);
    if (idx_in >= 0 && (fds[idx_in].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = ::write(in_fd, options.stdin_data.data() + written, options.stdin_data.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) written = options.stdin_data.size();
      if (written >= options.stdin_data.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  for (int fd : {in_fd, out[0], err[0]})
    if (fd >= 0) ::close(fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::signal(SIGPIPE, SIG_DFL);
  if (WIFEXITED(status)) res.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) res.exit_code = 128 + WTERMSIG(status);
  if (res.exit_code == 127 && !res.timed_out && res.err.empty())
    return make_error(ExitCode::kUsage, "PROGRAM_NOT_FOUND", "process", "cannot run `" + argv[0] + "`");
  return res;
}

Status spawn_detached(const std::vector<std::string>& argv, const std::filesystem::path& output) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  std::string out = output.empty() ? std::string("/dev/null") : output.string();
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return make_error(ExitCode::kResource, "PROCESS_FAILED", "process",
                      "cannot start " + argv[0] + " in the background: " + std::strerror(rc));
  return ok_status();
}

}  // namespace ot
