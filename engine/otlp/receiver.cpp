#include "engine/otlp/receiver.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <httplib.h>
#include <thread>

#include "engine/otlp/decode.h"
#include "engine/otlp/snapshot.h"
#include "engine/util/fs.h"
#include "engine/util/paths.h"
#include "engine/util/time.h"

namespace ot::otlp {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

void say(const std::string& line) {
  std::fprintf(stderr, "%s %s\n", utc_now_iso().c_str(), line.c_str());
  std::fflush(stderr);
}

struct Counters {
  std::atomic<int64_t> captures{0}, requests{0}, rejected{0}, bad{0}, ignored{0};
  std::atomic<int64_t> last_capture_ms{0};
};

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

Status check_bind(const std::string& bind) {
  if (bind == "127.0.0.1" || bind == "localhost") return ok_status();
  return make_error(ExitCode::kUsage, "BIND_NOT_LOOPBACK", "capture-otlp",
                    "the OTLP receiver binds 127.0.0.1 only, not " + bind,
                    "it receives prompts and tool details from local agents; drop --bind or pass --bind 127.0.0.1");
}

fs::path pid_file() { return ot_home() / "otlp-receiver.pid"; }
fs::path status_file() { return ot_home() / "otlp-receiver.status.json"; }
fs::path log_file() { return logs_dir() / "otlp-receiver.log"; }

Status run_foreground(const ReceiverOptions& o) {
  OT_TRY_STATUS(check_bind(o.bind));
  const std::string host = "127.0.0.1";
  const int64_t started_ms = now_ms();
  SnapshotStore store;
  Counters n;
  OT_TRY_STATUS(ensure_dir(ot_home(), 0700));

  auto write_status = [&](const std::string& state, int port, const std::string& error) {
    json s = {{"schema_version", "opentraces.capture_otlp.v1"},
              {"state", state},
              {"pid", static_cast<int>(::getpid())},
              {"port", port},
              {"bind", host},
              {"raw_body_dir", o.raw_bodies_dir.empty() ? json(nullptr) : json(o.raw_bodies_dir.string())},
              {"max_body_bytes", o.max_body_bytes},
              {"started_at", iso_from_ms(started_ms)},
              {"uptime_seconds", (now_ms() - started_ms) / 1000},
              {"captures_total", n.captures.load()},
              {"requests_total", n.requests.load()},
              {"rejected_total", n.rejected.load()},
              {"bad_requests_total", n.bad.load()},
              {"unattributed_total", store.unattributed()},
              {"last_capture_at", n.last_capture_ms ? json(iso_from_ms(n.last_capture_ms)) : json(nullptr)},
              {"written_at", utc_now_iso()},
              {"start_token", o.start_token},
              {"error", error.empty() ? json(nullptr) : json(error)},
              {"sessions", store.sessions()}};
    (void)write_file_atomic(status_file(), pretty_json(s), 0600);
  };

  httplib::Server svr;
  // httplib's default also sets SO_REUSEPORT, which would let a second receiver share the
  // port (and split the exports between them): SO_REUSEADDR only, for quick restarts.
  svr.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  svr.new_task_queue = [] { return new httplib::ThreadPool(2); };
  svr.set_payload_max_length(o.max_body_bytes);
  svr.set_read_timeout(5, 0);
  svr.set_write_timeout(5, 0);
  if (!o.raw_bodies_dir.empty()) (void)ensure_dir(o.raw_bodies_dir, 0700);

  auto keep_raw = [&](const std::string& kind, const std::string& body) {
    if (o.raw_bodies_dir.empty()) return;
    char name[64];
    std::snprintf(name, sizeof name, "%013lld-%06lld-%s.json", static_cast<long long>(now_ms()),
                  static_cast<long long>(n.requests.load()), kind.c_str());
    (void)write_file_atomic(o.raw_bodies_dir / name, body, 0600);
  };

  // One handler for logs and metrics: check the encoding, decode, merge, answer.
  auto handler = [&](bool logs) {
    return [&, logs](const httplib::Request& req, httplib::Response& res) {
      ++n.requests;
      const std::string kind = logs ? "logs" : "metrics";
      auto enc = encoding_of(req.get_header_value("Content-Type"));
      if (enc != BodyEncoding::kJson) {
        ++n.rejected;
        return reply(res, 415,
                     {{"code", 415},
                      {"message", "this receiver takes OTLP/HTTP with JSON encoding only (Content-Type: application/json); got " +
                                      (req.has_header("Content-Type") ? req.get_header_value("Content-Type") : std::string("none")) +
                                      ". Set OTEL_EXPORTER_OTLP_PROTOCOL=http/json"}});
      }
      keep_raw(kind, req.body);
      int changed = 0;
      if (logs) {
        auto ev = decode_logs(req.body);
        if (!ev.ok()) {
          ++n.bad;
          return reply(res, 400, {{"code", 400}, {"message", ev.error().message}});
        }
        changed = store.ingest(*ev);
      } else {
        auto pts = decode_metrics(req.body);
        if (!pts.ok()) {
          ++n.bad;
          return reply(res, 400, {{"code", 400}, {"message", pts.error().message}});
        }
        changed = store.ingest(*pts);
      }
      if (changed > 0) {
        n.captures += changed;
        n.last_capture_ms = now_ms();
      }
      reply(res, 200, json::object());
    };
  };
  svr.Post("/v1/logs", handler(true));
  svr.Post("/v1/metrics", handler(false));
  svr.Post("/v1/traces", [&](const httplib::Request&, httplib::Response& res) {
    ++n.requests;
    ++n.ignored;
    reply(res, 200, json::object());
  });
  svr.Get("/", [&](const httplib::Request&, httplib::Response& res) {
    reply(res, 200, {{"service", "git-opentraces capture-otlp"}, {"pid", static_cast<int>(::getpid())},
                     {"endpoints", {"/v1/logs", "/v1/metrics"}}, {"encoding", "application/json"}});
  });

  int port = o.port;
  bool bound = o.port == 0 ? (port = svr.bind_to_any_port(host)) > 0 : svr.bind_to_port(host, o.port);
  if (!bound) {
    std::string why = "cannot listen on " + host + ":" + std::to_string(o.port) + " (in use, or not permitted)";
    write_status("failed", o.port, why);
    say(why);
    return make_error(ExitCode::kStartFailed, "BIND_FAILED", "capture-otlp", why,
                      "stop whatever holds the port, or pick another with --port (and `setup claude-code --otlp --port`)");
  }

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  g_stop = false;

  std::thread server([&] { svr.listen_after_bind(); });
  (void)write_file_atomic(pid_file(), std::to_string(::getpid()) + "\n", 0600);
  write_status("running", port, "");
  say("listening on http://" + host + ":" + std::to_string(port) + " (OTLP/HTTP JSON: /v1/logs, /v1/metrics); pid " +
      std::to_string(::getpid()));

  auto last_write = std::chrono::steady_clock::now();
  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto now = std::chrono::steady_clock::now();
    if (now - last_write < std::chrono::milliseconds(o.write_interval_ms)) continue;
    last_write = now;
    auto w = store.write_dirty();
    if (!w.ok()) say("could not write a snapshot: " + w.error().message);
    write_status("running", port, "");
  }
  svr.stop();
  server.join();
  auto w = store.write_dirty();
  if (!w.ok()) say("could not write a snapshot: " + w.error().message);
  write_status("stopped", port, "");
  std::error_code ec;
  fs::remove(pid_file(), ec);
  say("stopped after " + std::to_string(n.requests.load()) + " requests, " + std::to_string(n.captures.load()) +
      " captured records");
  return ok_status();
}

}  // namespace ot::otlp
