// `git opentraces capture-otlp start|status|stop|restart|flush`: the local OTLP receiver
// for Claude Code's telemetry exporter (docs/otlp.md). Mechanism in engine/otlp.
#include <unistd.h>

#include <thread>

#include "engine/bucket/bucket.h"
#include "engine/capture/integrations.h"
#include "engine/otlp/daemon.h"
#include "engine/otlp/flush.h"
#include "engine/otlp/snapshot.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

constexpr const char* kSchema = "opentraces.capture_otlp.v1";

struct StartArgs {
  otlp::ReceiverOptions o;
  std::string raw;
  bool foreground = false;
};

ordered_json doc_for(std::string_view verb, const json& payload) {
  ordered_json d = cli::envelope(kSchema);
  d["ok"] = true;
  d["verb"] = verb;
  for (const auto& [k, v] : payload.items()) d[k] = v;
  return d;
}

std::string str_or(const json& j, const char* k, const std::string& dflt = "-") {
  if (!j.contains(k) || j[k].is_null()) return dflt;
  return j[k].is_string() ? j[k].get<std::string>() : j[k].dump();
}

void render_status(const json& s) {
  if (s.value("enabled", false)) {
    cli::say(cli::green("running") + "  pid " + str_or(s, "pid") + "  " + str_or(s, "endpoint") + "  up " +
             str_or(s, "uptime_seconds") + " s");
    cli::say("  captured " + str_or(s, "captures_total", "0") + " records from " + str_or(s, "requests_total", "0") +
             " exports (" + str_or(s, "rejected_total", "0") + " rejected), last " + str_or(s, "last_capture_at", "never"));
    if (s.value("stale", false)) cli::say(cli::yellow("  the status file is more than 60 s old: the receiver may be stuck"));
  } else {
    cli::say(cli::dim("not running") + (s.value("stale_pid", false) ? "  (removed a stale pid file)" : ""));
  }
  const json& sessions = s["sessions"];
  for (const auto& x : sessions)
    cli::say("  session " + str_or(x, "session_id") + ": " + str_or(x, "requests", "0") + " requests, last " +
             str_or(x, "last_seen", "never"));
  cli::say("  snapshots: " + str_or(s, "snapshot_dir") + "   log: " + str_or(s, "log_file"));
  cli::say("  next → " + str_or(s, "next_command"));
}

void run_start(StartArgs a, std::string_view verb) {
  if (!a.raw.empty()) a.o.raw_bodies_dir = std::filesystem::absolute(a.raw);
  cli::unwrap(otlp::check_bind(a.o.bind));
  if (a.foreground) {
    if (auto pid = otlp::running_pid())
      cli::fail(ExitCode::kAlreadyRunning, "ALREADY_RUNNING", "capture-otlp",
                "an OTLP receiver is already running (pid " + std::to_string(*pid) + ")",
                "`git opentraces capture-otlp stop` first");
    cli::unwrap(otlp::run_foreground(a.o));
    return;
  }
  json s = cli::unwrap(otlp::start_daemon(capture::self_binary(), a.o));
  json payload = {{"enabled", true},
                  {"pid", s["pid"]},
                  {"port", s["port"]},
                  {"bind", s["bind"]},
                  {"endpoint", "http://127.0.0.1:" + std::to_string(s.value("port", 0))},
                  {"raw_body_dir", s["raw_body_dir"]},
                  {"log_file", otlp::log_file().string()},
                  {"snapshot_dir", otlp::staging_dir().string()}};
  if (cli::globals().json) return cli::emit_json(doc_for(verb, payload));
  cli::say("OTLP receiver " + std::string(verb == "restart" ? "restarted" : "started") + ": pid " + str_or(payload, "pid") +
           ", " + payload["endpoint"].get<std::string>() + " (OTLP/HTTP JSON)");
  cli::say("  next → git opentraces setup claude-code --otlp --port " + std::to_string(s.value("port", 0)));
}

void add_start_flags(CLI::App* c, StartArgs& a, bool with_foreground) {
  c->add_option("--port", a.o.port, "Port on 127.0.0.1 (default 4318, the OTLP/HTTP port; 0 = any free port)")
      ->check(CLI::Range(0, 65535));
  c->add_option("--bind", a.o.bind, "Address to bind: 127.0.0.1 only (anything else is refused)");
  c->add_option("--raw-bodies-dir", a.raw, "Also keep every export body received, one file each, in DIR");
  c->add_option("--max-body-bytes", a.o.max_body_bytes, "Largest export body accepted (default 8 MiB; larger: 413)")
      ->check(CLI::PositiveNumber);
  c->add_option("--write-interval-ms", a.o.write_interval_ms, "How often changed snapshots are written (default 2000)")
      ->check(CLI::Range(50, 600000));
  if (with_foreground) {
    c->add_flag("--foreground", a.foreground, "Serve in this process until SIGTERM / Ctrl-C (the daemon runs this)");
    c->add_option("--start-token", a.o.start_token, "internal: echoed in the status file for `start`")->group("");
  }
}

void run_flush(const otlp::FlushOptions& fo) {
  auto b = cli::unwrap(bucket::open_and_drain());
  auto r = cli::unwrap(otlp::flush(*b, fo));
  if (cli::globals().json) return cli::emit_json(doc_for("flush", r));
  cli::say("flushed session=" + r.value("session_id", "") + " trace=" + r.value("trace_id", "") + ": " +
           std::to_string(r.value("layers_appended", 0)) + " layers, " + std::to_string(r.value("nodes_appended", 0)) +
           " nodes appended (" + std::to_string(r.value("requests_already_flushed", 0)) + " requests already there)");
  if (!r.value("trace_stored", false))
    cli::say(cli::yellow("  no record of this trace in the bucket yet: `ctx otel` matches requests to steps once the session is captured"));
  cli::say("  next → git opentraces ctx otel " + r.value("trace_id", ""));
}

}  // namespace

void register_capture_otlp(CLI::App& root) {
  CLI::App* group = cli::add_command(
      root, "capture-otlp", "Local OTLP receiver for Claude Code telemetry: per-request tokens, cost, tools",
      "  git opentraces capture-otlp start                  background receiver on 127.0.0.1:4318\n"
      "  git opentraces setup claude-code --otlp            point Claude Code's exporter at it\n"
      "  git opentraces capture-otlp status --json\n"
      "  git opentraces capture-otlp flush --session <id>   snapshot → context-tree evidence\n"
      "  git opentraces ctx otel <trace>                    requests beside the session file's steps\n"
      "\nDocs: docs/otlp.md");
  group->require_subcommand(1);

  auto sa = std::make_shared<StartArgs>();
  CLI::App* start = cli::add_command(*group, "start", "Start the receiver (in the background unless --foreground)",
                                     "  git opentraces capture-otlp start\n"
                                     "  git opentraces capture-otlp start --port 4319 --json\n"
                                     "  git opentraces capture-otlp start --foreground     (Ctrl-C stops it)\n"
                                     "\nExit codes: 0 started, 2 --bind not loopback, 4 already running, 6 bind/start failure");
  add_start_flags(start, *sa, true);
  start->callback([sa] { run_start(*sa, "start"); });

  CLI::App* st = cli::add_command(*group, "status", "Is the receiver running; what it captured, per session",
                                  "  git opentraces capture-otlp status\n  git opentraces capture-otlp status --json\n");
  st->callback([] {
    json s = otlp::status();
    if (cli::globals().json) return cli::emit_json(doc_for("status", s));
    render_status(s);
  });

  CLI::App* sp = cli::add_command(*group, "stop", "Stop the receiver (SIGTERM, then SIGKILL after 5 s); snapshots are written first",
                                  "  git opentraces capture-otlp stop\n");
  sp->callback([] {
    json s = otlp::stop();
    if (cli::globals().json) return cli::emit_json(doc_for("stop", s));
    if (!s.value("was_running", false)) return cli::say("not running");
    cli::say("stopped pid " + str_or(s, "pid") + (s.value("forced_kill", false) ? " (killed after 5 s)" : ""));
  });

  auto ra = std::make_shared<StartArgs>();
  CLI::App* rs = cli::add_command(*group, "restart", "Stop the receiver if it runs, then start it",
                                  "  git opentraces capture-otlp restart --port 4319\n");
  add_start_flags(rs, *ra, false);
  rs->callback([ra] {
    otlp::stop();
    run_start(*ra, "restart");
  });

  auto fo = std::make_shared<otlp::FlushOptions>();
  CLI::App* fl = cli::add_command(
      *group, "flush", "Turn a session's snapshot into context-tree evidence (capture method otel) in the bucket",
      "  git opentraces capture-otlp flush --session 353eec04-6006-41dd-b2d3-070193fd7d21\n"
      "  git opentraces capture-otlp flush --session <id> --trace <trace id> --json\n"
      "\nExit codes: 0 flushed (again: nothing new), 7 no snapshot for the session (lists those that have one), 8 failure");
  fl->add_option("--session", fo->session_id, "Claude Code session id (session.id in the telemetry)")->required();
  fl->add_option("--trace,--trace-id", fo->trace_id, "Trace to attach it to (default: the trace with the session's id)");
  fl->callback([fo] { run_flush(*fo); });
}

}  // namespace ot::cmd
