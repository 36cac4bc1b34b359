// git-opentraces: entry point. Builds the command tree from the group files,
// parses, and maps failures to the error envelope and exit-code table.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "engine/util/log.h"
#include "engine/version.h"
#include "git-opentraces/cli.h"

namespace {

// Looks for --json anywhere before "--" so errors raised during parsing can use it too.
bool argv_has_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--json") return true;
  }
  return false;
}

}  // namespace

namespace ot::cmd {  // trace_inspect.cpp: `git opentraces <trace-address>` → `trace get <address>`
std::vector<std::string> dispatch_bare_address(int argc, char** argv, const CLI::App& root);
}

int main(int argc, char** argv) {
  using namespace ot;
  auto& g = cli::globals();
  g.stdout_tty = isatty(STDOUT_FILENO);
  g.stdin_tty = isatty(STDIN_FILENO);
  g.json = argv_has_json(argc, argv);
  const char* no_color = std::getenv("NO_COLOR");
  g.color = g.stdout_tty && !(no_color && *no_color) && !g.json;

  CLI::App app{"git-opentraces: capture coding-agent sessions, anchor agent edits to commits, and\n"
               "turn them into blame, graphs, PR bodies and dataset rows.",
               "git opentraces"};
  app.set_version_flag("--version", std::string("git-opentraces ") + OT_VERSION);
  app.add_flag("--json", g.json, "Print exactly one JSON document on stdout");
  app.fallthrough();
  app.require_subcommand(1);

  cmd::register_setup(app);
  cmd::register_init(app);
  cmd::register_status(app);
  cmd::register_config(app);
  cmd::register_auth(app);
  cmd::register_trace(app);
  cmd::register_trail(app);
  cmd::register_ctx(app);
  cmd::register_bucket(app);
  cmd::register_capture(app);
  cmd::register_workflow(app);
  cmd::register_dataset(app);
  cmd::register_schedule(app);
  cmd::register_security(app);
  cmd::register_hook(app);
  cmd::register_backfill(app);
  cmd::register_blame(app), cmd::register_stats(app);
  cmd::register_report(app);
  cmd::register_serve(app);
  cmd::register_capture_otlp(app), cmd::register_ctx_otel(*app.get_subcommand("ctx"));
  cmd::register_capsule(app);
  cmd::register_remote_reads(app);  // after trace and ctx exist
  // Set after the groups exist: CLI11 copies a parent's footer into new subcommands.
  app.footer(
      "\nExamples:\n"
      "  git opentraces init --agent claude-code     enrol this repository\n"
      "  git opentraces setup git                    install the git hooks\n"
      "  git opentraces trace parse session.jsonl    show a session as a TraceRecord\n"
      "  git opentraces doctor --json                check the installation\n"
      "\nDocs: docs/commands.md (every group, its status, exit codes)");

  try {
    std::vector<std::string> args = cmd::dispatch_bare_address(argc, argv, app);
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last-first
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (g.json)
      return cli::report_error(make_error(ExitCode::kUsage, "USAGE", "cli", e.what(),
                                          "run with --help to see the accepted flags"));
    int rc = app.exit(e);
    return rc == 0 ? 0 : to_int(ExitCode::kUsage);
  } catch (const cli::Failure& f) {
    return cli::report_error(f.error);
  } catch (const std::exception& e) {
    log().error("internal error: {}", e.what());
    return cli::report_error(make_error(ExitCode::kInternal, "INTERNAL", "cli",
                                        std::string("internal error: ") + e.what(),
                                        "this is a bug; the log under $OPENTRACES_HOME/logs has details"));
  }
  return 0;
}
