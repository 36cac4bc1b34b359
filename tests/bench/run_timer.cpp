// ot_run_timer: runs a command N times (fork/exec, stdin from a file, output discarded)
// and prints wall-clock percentiles as JSON. Used for sub-5 ms commands such as hooks,
// where a shell-based timer's start-up correction is coarser than the thing measured.
//
//   ot_run_timer --runs N [--warmup W] [--stdin FILE] -- COMMAND [ARGS...]
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

double run_once(char** argv, const char* stdin_path) {
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int in = stdin_path ? open(stdin_path, O_RDONLY) : open("/dev/null", O_RDONLY);
    int null = open("/dev/null", O_WRONLY);
    if (in < 0 || null < 0) _exit(127);
    dup2(in, 0);
    dup2(null, 1);
    dup2(null, 2);
    execvp(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  auto end = std::chrono::steady_clock::now();
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
    std::fprintf(stderr, "ot_run_timer: %s did not run (status %d)\n", argv[0], status);
    std::exit(3);
  }
  return std::chrono::duration<double, std::milli>(end - start).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(std::floor(p * static_cast<double>(v.size() - 1)));
  return v[idx];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 100, warmup = 3;
  const char* stdin_path = nullptr;
  int i = 1;
  for (; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--")) { ++i; break; }
    if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--stdin") && i + 1 < argc) stdin_path = argv[++i];
    else {
      std::fprintf(stderr, "usage: ot_run_timer --runs N [--warmup W] [--stdin FILE] -- COMMAND [ARGS...]\n");
      return 2;
    }
  }
  if (i >= argc || runs < 1) {
    std::fprintf(stderr, "ot_run_timer: no command given\n");
    return 2;
  }
  for (int w = 0; w < warmup; ++w) run_once(argv + i, stdin_path);
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) times.push_back(run_once(argv + i, stdin_path));
  double mean = 0;
  for (double t : times) mean += t;
  mean /= static_cast<double>(times.size());
  double var = 0;
  for (double t : times) var += (t - mean) * (t - mean);
  std::printf("{\"runs\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"mean_ms\":%.3f,\"stddev_ms\":%.3f,\"min_ms\":%.3f}\n",
              runs, percentile(times, 0.5), percentile(times, 0.9), percentile(times, 0.99), mean,
              std::sqrt(var / static_cast<double>(times.size())), percentile(times, 0.0));
  return 0;
}
