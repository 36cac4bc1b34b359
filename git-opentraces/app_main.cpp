#include "git-opentraces/app_main.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "engine/util/log.h"
#include "engine/version.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

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

void init_globals(int argc, char** argv) {
  auto& g = cli::globals();
  g.stdout_tty = isatty(STDOUT_FILENO);
  g.stdin_tty = isatty(STDIN_FILENO);
  g.json = argv_has_json(argc, argv);
  const char* no_color = std::getenv("NO_COLOR");
  g.color = g.stdout_tty && !(no_color && *no_color) && !g.json;
}

void init_root(CLI::App& app) {
  app.description(
      "git-opentraces: capture coding-agent sessions, anchor agent edits to commits, and\n"
      "turn them into blame, graphs, PR bodies and dataset rows.");
  app.name("git opentraces");
  app.set_version_flag("--version", std::string("git-opentraces ") + OT_VERSION);
  app.add_flag("--json", cli::globals().json, "Print exactly one JSON document on stdout");
  app.fallthrough();
  app.require_subcommand(1);
}

void set_root_footer(CLI::App& app) {
  app.footer(
      "\nExamples:\n"
      "  git opentraces init --agent claude-code     enrol this repository\n"
      "  git opentraces setup git                    install the git hooks\n"
      "  git opentraces trace parse session.jsonl    show a session as a TraceRecord\n"
      "  git opentraces doctor --json                check the installation\n"
      "\nDocs: docs/commands.md (every group, its status, exit codes)");
}

int run_app(CLI::App& app, std::vector<std::string> args) {
  auto& g = cli::globals();
  try {
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

}  // namespace ot::cmd
