// `git opentraces serve`: the local web view (engine/web): traces, a trace, the
// commit/trace graph, blame and dataset review, on 127.0.0.1 behind a per-run token.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "engine/web/server.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {
namespace {

struct ServeFlags {
  int port = 0;
  bool open = false;
  std::string bind = "127.0.0.1";
};

void run_serve(const ServeFlags& f) {
  web::ServeOptions o;
  o.bind = f.bind;
  o.port = f.port;
  std::error_code ec;
  o.cwd = std::filesystem::current_path(ec);
  cli::unwrap(web::serve(o, [&](const web::Listening& l) {
    if (cli::globals().json) {
      auto doc = cli::envelope("opentraces.serve.v1");
      doc["url"] = l.url;
      doc["port"] = l.port;
      doc["pid"] = static_cast<int64_t>(getpid());
      cli::emit_json(doc);
    } else {
      cli::say("Serving the opentraces web view at " + cli::bold(l.url));
      cli::say(cli::dim("  local only (127.0.0.1); the token in the URL is the key. Ctrl-C stops."));
    }
    if (f.open && !web::open_browser(l.url) && !cli::globals().json)
      cli::say(cli::yellow("--open: no display (DISPLAY/WAYLAND_DISPLAY) or no xdg-open here; open the URL yourself."));
    std::fflush(stdout);
  }));
  if (!cli::globals().json) cli::say("stopped");
}

}  // namespace

void register_serve(CLI::App& root) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* c = cli::add_command(root, "serve",
                                 "Local web view: search traces, read a trace, the commit/trace graph, blame, dataset review",
                                 "  git opentraces serve                      a free port; prints the URL with its token\n"
                                 "  git opentraces serve --port 8377 --open   a fixed port, opened in the browser\n"
                                 "  git opentraces serve --json               {url, port, pid} once listening\n");
  c->add_option("--port", f->port, "Port on 127.0.0.1 (0, the default: a free one)");
  c->add_flag("--open", f->open, "Open the URL with xdg-open (when there is a display)");
  c->add_option("--bind", f->bind, "Address to listen on; only 127.0.0.1 (or localhost) is accepted");
  c->callback([f] { run_serve(*f); });
}

}  // namespace ot::cmd
