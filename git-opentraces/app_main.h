// The part of main() both executables share (git-opentraces and ot-server): global
// flags from argv, then parse the command tree and map failures to the error envelope
// and the exit-code table.
#pragma once

#include <CLI/CLI.hpp>

namespace ot::cmd {

// --json anywhere before "--", TTYs, NO_COLOR.
void init_globals(int argc, char** argv);

// The root app of `git opentraces`, with its global flags (no groups yet).
void init_root(CLI::App& app);
// Its "Examples:" footer; set after the groups exist (CLI11 copies a parent's footer
// into subcommands added later).
void set_root_footer(CLI::App& app);

// Parses `args` (argv without argv[0]) and runs the chosen callbacks; returns the exit code.
int run_app(CLI::App& app, std::vector<std::string> args);

}  // namespace ot::cmd
