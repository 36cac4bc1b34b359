// Shared plumbing for the command files: global flags, output rendering (human or
// one JSON document), the error envelope, and the exit-code mapping. Command files
// stay thin: parse flags, call engine/, render with these helpers.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::cli {

struct Globals {
  bool json = false;        // --json anywhere on the command line
  bool stdout_tty = false;
  bool stdin_tty = false;
  bool color = false;       // stdout is a TTY and NO_COLOR is unset
};
Globals& globals();

// Thrown by command callbacks; main() renders it and exits with its code.
struct Failure {
  Error error;
};
[[noreturn]] void fail(Error e);
[[noreturn]] void fail(ExitCode exit, std::string code, std::string kind, std::string message,
                       std::string hint = {});

template <typename T>
T unwrap(Result<T> r) {
  if (!r.ok()) fail(r.error());
  return std::move(r).value();
}
inline void unwrap(const Status& s) {
  if (!s.ok()) fail(s.error());
}

// {"status":"ok","schema_version":id} — add payload fields after these two.
ordered_json envelope(std::string_view schema_version, std::string_view status = "ok");
// Prints exactly one JSON document to stdout.
void emit_json(const ordered_json& doc);
void emit_json(const json& doc);
// The error envelope (JSON) or a human message on stderr; returns the exit code.
int report_error(const Error& e);

// Human output helpers (stdout). Styling is dropped when color is off.
void say(std::string_view line);
std::string bold(std::string_view s);
std::string dim(std::string_view s);
std::string green(std::string_view s);
std::string yellow(std::string_view s);
std::string red(std::string_view s);

// True when the command may prompt: no --json and both stdin and stdout are TTYs.
bool interactive();
// Fails with INTERACTIVE_REQUIRED (exit 2) unless interactive(); `hint` names the flag.
void require_interactive(std::string_view kind, std::string_view hint);

// Adds a subcommand with a description and an "Examples:" footer.
CLI::App* add_command(CLI::App& parent, std::string name, std::string description,
                      std::string examples = {});
// Adds a planned (not yet implemented) verb: it exists, takes any arguments, and
// answers NOT_IMPLEMENTED naming the issue that will bring it.
CLI::App* add_planned(CLI::App& parent, std::string name, std::string description, std::string issue);
// Adds a group none of whose verbs exist yet: the bare group (with any arguments)
// answers NOT_IMPLEMENTED too; add its planned verbs with add_planned.
CLI::App* add_planned_group(CLI::App& parent, std::string name, std::string description, std::string issue);

}  // namespace ot::cli

// Each command file registers its group on the root app.
namespace ot::cmd {
void register_setup(CLI::App& root);
void register_init(CLI::App& root);    // init, remove
void register_status(CLI::App& root);  // status, doctor
void register_config(CLI::App& root);
void register_auth(CLI::App& root);
void register_trace(CLI::App& root);
void register_trail(CLI::App& root);
void register_ctx(CLI::App& root);
void register_bucket(CLI::App& root);
void register_capture(CLI::App& root);
void register_workflow(CLI::App& root);
void register_dataset(CLI::App& root);
void register_schedule(CLI::App& root);  // schedule tick (schedule.cpp)
void register_security(CLI::App& root);
void register_hook(CLI::App& root);
void register_backfill(CLI::App& root);
void register_blame(CLI::App& root);  // blame (blame.cpp)
void register_stats(CLI::App& root);  // stats (stats.cpp)
void register_report(CLI::App& root);  // report (report.cpp)
void register_serve(CLI::App& root);  // serve (serve.cpp)
void register_capture_otlp(CLI::App& root);  // capture-otlp (capture_otlp.cpp)
void register_capsule(CLI::App& root);  // capsule ... (capsule.cpp)
// Sub-registrations, one file per owner, so parallel work does not collide:
void register_trace_query(CLI::App& trace_group);     // trace query, index (trace_query.cpp)
void register_trace_inspect(CLI::App& trace_group);   // trace get/map/slice/skills/compare (trace_inspect.cpp)
void register_trace_export(CLI::App& trace_group);    // trace export (trace_export.cpp)
void register_bucket_security(CLI::App& bucket_group);  // bucket security ... (bucket_security.cpp)
void register_bucket_remote(CLI::App& bucket_group);    // bucket remote/push/pull (bucket_remote.cpp)
void register_remote_reads(CLI::App& root);             // --remote on trace query|get, ctx (bucket_remote.cpp)
void register_dataset_remote(CLI::App& dataset_group);  // dataset remote/publish (dataset_remote.cpp)
void register_ctx_otel(CLI::App& ctx_group);          // ctx otel (ctx_otel.cpp)
void register_trail_pr(CLI::App& trail_group);        // trail pr render/create/update (trail_pr.cpp)
// Adds post-commit / post-rewrite / pre-push under the hidden `hook` group.
void register_git_hook_handlers(CLI::App& hook_group);
}  // namespace ot::cmd
