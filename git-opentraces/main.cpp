// git-opentraces: entry point. Builds the command tree from the group files, parses,
// and maps failures to the error envelope and exit-code table (app_main.cpp).
//
// Start-up is paid by every command and every hook, so only the group being run is
// registered when the first word names one (the whole tree costs more than the rest of
// `--version`); help, errors and bare trace addresses get the whole tree. `serve` and
// `capture-otlp` run in the helper ot-server (it links the HTTP server library).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/capture/integrations.h"
#include "git-opentraces/app_main.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {  // trace_inspect.cpp: `git opentraces <trace-address>` → `trace get <address>`
std::vector<std::string> dispatch_bare_address(int argc, char** argv, const CLI::App& root);
}

namespace {

using namespace ot;
using Register = void (*)(CLI::App&);

// The top-level commands in --help order, each with the function that registers it.
// tests/e2e/startup_test.sh checks every listed command answers --help, so a wrong
// name here fails a test; a missing one only costs the whole-tree start-up.
struct Group {
  const char* name;
  Register add;
};

// Registered in the main binary for --help only: ot-server runs them.
void add_serve_stub(CLI::App& a) {
  a.add_subcommand("serve", "Local web view: search traces, read a trace, the commit/trace graph, blame, dataset review")
      ->allow_extras();
}
void add_capture_otlp_stub(CLI::App& a) {
  a.add_subcommand("capture-otlp", "Local OTLP receiver for Claude Code telemetry: per-request tokens, cost, tools")
      ->allow_extras();
}

const Group kGroups[] = {
    {"setup", cmd::register_setup},       {"init", cmd::register_init},         {"remove", nullptr},
    {"status", cmd::register_status},     {"doctor", nullptr},                  {"config", cmd::register_config},
    {"auth", cmd::register_auth},         {"trace", cmd::register_trace},                 {"trail", cmd::register_trail},
    {"ctx", cmd::register_ctx},                     {"bucket", cmd::register_bucket},     {"capture", cmd::register_capture},
    {"workflow", cmd::register_workflow}, {"dataset", cmd::register_dataset},   {"schedule", cmd::register_schedule},
    {"security", cmd::register_security}, {"hook", cmd::register_hook},         {"git-backfill", cmd::register_backfill},
    {"blame", cmd::register_blame},       {"stats", cmd::register_stats},       {"report", cmd::register_report},
    {"serve", add_serve_stub},            {"capture-otlp", add_capture_otlp_stub}, {"capsule", cmd::register_capsule},
};
// Names registered by the entry before them (init adds remove, status adds doctor).
Register register_of(std::string_view name) {
  Register last = nullptr;
  for (const auto& g : kGroups) {
    if (g.add) last = g.add;
    if (name == g.name) return last;
  }
  return nullptr;
}

CLI::App* find_command(CLI::App& app, const char* name) {
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

// The first word that is not a flag: the group to run ("" when there is none).
std::string_view first_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") return {};
    if (!a.empty() && a[0] != '-') return a;
  }
  return {};
}

// serve / capture-otlp: the same argv in ot-server. Returns only when it cannot start.
int exec_server(char** argv) {
  auto bin = capture::server_binary();
  if (!bin.empty()) {
    std::string path = bin.string();
    argv[0] = path.data();
    ::execv(path.c_str(), argv);
  }
  return cli::report_error(make_error(
      ExitCode::kInternal, "HELPER_MISSING", "cli",
      "cannot start ot-server (it runs serve and capture-otlp)" + (bin.empty() ? std::string() : ": " + std::string(std::strerror(errno))),
      "reinstall git-opentraces: ot-server belongs beside the binary or in <prefix>/libexec/git-opentraces/"));
}

}  // namespace

int main(int argc, char** argv) {
  cmd::init_globals(argc, argv);
  std::string_view word = first_word(argc, argv);
  if (word == "serve" || word == "capture-otlp") return exec_server(argv);

  // Never destroyed: tearing the tree down at exit costs as much as a group's set-up
  // (still reachable through this static, so leak checkers stay quiet).
  static CLI::App* const tree = new CLI::App;
  CLI::App& app = *tree;
  cmd::init_root(app);
  if (Register one = register_of(word)) {
    one(app);
  } else if (!(word.empty() && argc == 2 && std::string_view(argv[1]) == "--version")) {
    for (const auto& g : kGroups)
      if (g.add) g.add(app);
  }
  // What extends other groups, once those exist.
  if (CLI::App* ctx = find_command(app, "ctx")) cmd::register_ctx_otel(*ctx);
  cmd::register_remote_reads(app);  // --remote on trace query|get and ctx, where registered
  cmd::set_root_footer(app);
  return cmd::run_app(app, cmd::dispatch_bare_address(argc, argv, app));
}
