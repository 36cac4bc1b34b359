// ot-server: runs `git opentraces serve` and `git opentraces capture-otlp ...`, the two
// commands that need an HTTP server (cpp-httplib, which loads OpenSSL and brotli). The
// main binary execs this one with the same argv for them, so no other command pays for
// loading those libraries. Same command files, same flags, same output and exit codes.
#include <string>
#include <vector>

#include "git-opentraces/app_main.h"
#include "git-opentraces/cli.h"

int main(int argc, char** argv) {
  using namespace ot;
  cmd::init_globals(argc, argv);
  CLI::App app;
  cmd::init_root(app);
  cmd::register_serve(app);
  cmd::register_capture_otlp(app);
  cmd::set_root_footer(app);
  return cmd::run_app(app, std::vector<std::string>(argv + 1, argv + argc));
}
