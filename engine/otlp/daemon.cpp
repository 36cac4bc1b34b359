#include "engine/otlp/daemon.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <random>
#include <thread>

#include "engine/otlp/snapshot.h"
#include "engine/util/fs.h"
#include "engine/util/paths.h"
#include "engine/util/process.h"
#include "engine/util/time.h"

namespace ot::otlp {

namespace fs = std::filesystem;

namespace {

std::optional<int> read_pid() {
  auto text = read_file(pid_file());
  if (!text.ok()) return std::nullopt;
  try {
    int pid = std::stoi(*text);
    return pid > 1 ? std::optional<int>(pid) : std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
}

// Alive and a capture-otlp receiver (not a recycled pid): /proc/<pid>/cmdline names it.
bool is_receiver(int pid) {
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  auto cmd = read_file(fs::path("/proc") / std::to_string(pid) / "cmdline");
  if (!cmd.ok()) return true;  // no /proc: trust kill()
  if (cmd->find("capture-otlp") == std::string::npos) return false;
  // A zombie (exited, not yet reaped) is not running.
  auto st = read_file(fs::path("/proc") / std::to_string(pid) / "stat");
  if (st.ok()) {
    auto close = st->rfind(')');
    if (close != std::string::npos && close + 2 < st->size() && (*st)[close + 2] == 'Z') return false;
  }
  return true;
}

// Gone for good: no such process, or a zombie waiting to be reaped.
bool exited(int pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  auto st = read_file(fs::path("/proc") / std::to_string(pid) / "stat");
  if (!st.ok()) return true;
  auto close = st->rfind(')');
  return close != std::string::npos && close + 2 < st->size() && (*st)[close + 2] == 'Z';
}

json read_status_file() {
  auto text = read_file(status_file());
  if (!text.ok()) return json();
  json doc = json::parse(*text, nullptr, false);
  return doc.is_object() ? doc : json();
}

int64_t dir_size(const fs::path& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) total += static_cast<int64_t>(it->file_size(ec));
  return total;
}

std::string token() {
  std::random_device rd;
  return std::to_string(rd()) + "-" + std::to_string(now_ms());
}

}  // namespace

std::optional<int> running_pid() {
  auto pid = read_pid();
  if (pid && is_receiver(*pid)) return pid;
  return std::nullopt;
}

Result<json> start_daemon(const fs::path& self, const ReceiverOptions& o, int wait_ms) {
  OT_TRY_STATUS(check_bind(o.bind));
  if (auto pid = running_pid()) {
    json s = read_status_file();
    return make_error(ExitCode::kAlreadyRunning, "ALREADY_RUNNING", "capture-otlp",
                      "an OTLP receiver is already running (pid " + std::to_string(*pid) + ", port " +
                          std::to_string(s.value("port", 0)) + ")",
                      "`git opentraces capture-otlp status` shows it; `capture-otlp restart` restarts it");
  }
  OT_TRY_STATUS(ensure_dir(logs_dir(), 0700));
  const std::string tok = token();
  std::vector<std::string> argv = {self.string(), "capture-otlp", "start", "--foreground",
                                   "--port", std::to_string(o.port), "--bind", o.bind,
                                   "--max-body-bytes", std::to_string(o.max_body_bytes),
                                   "--write-interval-ms", std::to_string(o.write_interval_ms), "--start-token", tok};
  if (!o.raw_bodies_dir.empty()) {
    argv.push_back("--raw-bodies-dir");
    argv.push_back(fs::absolute(o.raw_bodies_dir).string());
  }
  OT_TRY_STATUS(spawn_detached(argv, log_file()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    json s = read_status_file();
    if (s.is_object() && s.value("start_token", "") == tok) {
      if (s.value("state", "") == "running") return s;
      return make_error(ExitCode::kStartFailed, "BIND_FAILED", "capture-otlp",
                        s.value("error", json()).is_string() ? s["error"].get<std::string>() : "the receiver did not start",
                        "stop whatever holds the port, or pick another with --port; log: " + log_file().string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return make_error(ExitCode::kStartFailed, "START_FAILED", "capture-otlp",
                    "the receiver did not confirm within " + std::to_string(wait_ms / 1000) + " s",
                    "see " + log_file().string() + ", or run `git opentraces capture-otlp start --foreground`");
}

json status() {
  auto pid = read_pid();
  bool alive = pid && is_receiver(*pid);
  bool stale_pid = pid && !alive;
  if (stale_pid) {
    std::error_code ec;
    fs::remove(pid_file(), ec);
  }
  json s = read_status_file();
  json out = json::object();
  out["enabled"] = alive;
  out["pid"] = alive ? json(*pid) : json(nullptr);
  auto field = [&](const char* k) { return s.is_object() && s.contains(k) ? s[k] : json(nullptr); };
  out["port"] = field("port");
  out["bind"] = field("bind");
  out["uptime_seconds"] = alive ? field("uptime_seconds") : json(nullptr);
  out["captures_total"] = field("captures_total");
  out["requests_total"] = field("requests_total");
  out["rejected_total"] = field("rejected_total");
  out["last_capture_at"] = field("last_capture_at");
  out["raw_body_dir"] = field("raw_body_dir");
  out["raw_body_dir_size_bytes"] = field("raw_body_dir").is_string() ? json(dir_size(s["raw_body_dir"].get<std::string>())) : json(nullptr);
  int64_t written = field("written_at").is_string() ? ms_from_iso(s["written_at"].get<std::string>()).value_or(0) : 0;
  out["status_written_at"] = field("written_at");
  out["stale"] = alive && written > 0 && now_ms() - written > 60000;
  out["stale_pid"] = stale_pid;
  out["sessions"] = field("sessions").is_array() ? s["sessions"] : json::array();
  out["snapshot_dir"] = staging_dir().string();
  out["log_file"] = log_file().string();
  if (alive) {
    std::string endpoint = "http://127.0.0.1:" + std::to_string(s.value("port", 0));
    out["endpoint"] = endpoint;
    out["next_steps"] = {"point Claude Code at " + endpoint + ": git opentraces setup claude-code --otlp --port " +
                             std::to_string(s.value("port", 0)),
                         "after a session: git opentraces capture-otlp flush --session <session id>"};
    out["next_command"] = "git opentraces setup claude-code --otlp --port " + std::to_string(s.value("port", 0));
  } else {
    out["endpoint"] = nullptr;
    out["next_steps"] = {"start the receiver: git opentraces capture-otlp start"};
    out["next_command"] = "git opentraces capture-otlp start";
  }
  return out;
}

json stop(int wait_ms) {
  json out = {{"enabled", false}, {"pid", nullptr}, {"was_running", false}, {"forced_kill", false}};
  auto pid = running_pid();
  if (!pid) {
    std::error_code ec;
    fs::remove(pid_file(), ec);
    return out;
  }
  out["pid"] = *pid;
  out["was_running"] = true;
  ::kill(*pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (std::chrono::steady_clock::now() < deadline && !exited(*pid))
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  if (!exited(*pid)) {
    ::kill(*pid, SIGKILL);
    out["forced_kill"] = true;
    for (int i = 0; i < 40 && !exited(*pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::error_code ec;
    fs::remove(pid_file(), ec);
  }
  return out;
}

}  // namespace ot::otlp
