#include "engine/web/server.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "engine/util/log.h"
#include "engine/util/process.h"
#include "engine/web/assets.h"
#include "engine/web/pages.h"

namespace ot::web {
namespace {

bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    pos = end + 1;
  }
  return {};
}

Params params_of(const httplib::Request& req) {
  Params p;
  for (const auto& [k, v] : req.params) p.emplace(k, v);  // the first value of a repeated key
  return p;
}

void send(httplib::Response& res, const Response& r) {
  res.status = r.status;
  res.set_content(r.body, r.content_type.c_str());
}

// No inline script or style, no other origin: the pages use /static/* only.
const httplib::Headers kSecurityHeaders = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; "
     "base-uri 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
};

}  // namespace

Status check_bind(std::string_view bind) {
  if (bind == "127.0.0.1" || bind == "localhost") return ok_status();
  return make_error(ExitCode::kUsage, "BIND_REFUSED", "serve",
                    "serve only listens on the loopback interface (127.0.0.1); refusing to bind " + std::string(bind),
                    "the web view shows private traces: use --bind 127.0.0.1 (the default); reach it from elsewhere through an SSH tunnel");
}

Result<std::string> new_token() {
  unsigned char buf[32];
  size_t got = 0;
  while (got < sizeof buf) {
    ssize_t n = getrandom(buf + got, sizeof buf - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ExitCode::kInternal, "RANDOM_UNAVAILABLE", "serve", "the kernel random source failed: " + std::string(strerror(errno)));
    }
    got += static_cast<size_t>(n);
  }
  static const char* hex = "0123456789abcdef";
  std::string t;
  for (unsigned char c : buf) {
    t += hex[c >> 4];
    t += hex[c & 15];
  }
  return t;
}

bool authorized(const Credentials& c, const std::string& token, const std::string& cookie_name) {
  if (c.method == "POST") return same(c.header_token, token);
  if (c.method != "GET" && c.method != "HEAD") return false;
  return same(c.query_token, token) || same(cookie_value(c.cookie_header, cookie_name), token);
}

bool open_browser(const std::string& url) {
  const char* x = std::getenv("DISPLAY");
  const char* w = std::getenv("WAYLAND_DISPLAY");
  if ((!x || !*x) && (!w || !*w)) return false;
  if (!program_on_path("xdg-open")) return false;
  return spawn_detached({"xdg-open", url}).ok();
}

Status serve(const ServeOptions& opts, const std::function<void(const Listening&)>& on_listening) {
  OT_TRY_STATUS(check_bind(opts.bind));
  if (opts.port < 0 || opts.port > 65535)
    return make_error(ExitCode::kUsage, "INVALID_PORT", "serve", "--port must be 0..65535, got " + std::to_string(opts.port),
                      "--port 0 picks a free port");
  Site site{opts.cwd, opts.token};
  if (site.token.empty()) {
    auto t = new_token();
    if (!t.ok()) return t.error();
    site.token = *t;
  }

  httplib::Server svr;
  // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which would let a
  // second server share a port already in use instead of failing.
  svr.set_socket_options([](socket_t s) {
    int yes = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  svr.set_default_headers(kSecurityHeaders);
  svr.set_payload_max_length(1 << 20);
  std::mutex engine_mu;  // one request in the engine at a time (bucket, libgit2, dataset files)
  int port = 0;
  std::string cookie_name;

  svr.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    Credentials c{req.method, req.get_param_value("t"), req.get_header_value("Cookie"), req.get_header_value("X-OT-Token")};
    if (authorized(c, site.token, cookie_name)) {
      if (same(c.query_token, site.token))
        res.set_header("Set-Cookie", cookie_name + "=" + site.token + "; Path=/; HttpOnly; SameSite=Strict");
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 403;
    res.set_content("403 Forbidden: this local server needs the token printed by `git opentraces serve` (open the URL it printed).\n",
                    "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });

  auto page = [&](auto fn) {
    return [&, fn](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(engine_mu);
      send(res, fn(req));
    };
  };
  svr.Get("/", page([&](const httplib::Request& r) { return traces_page(site, params_of(r)); }));
  svr.Get(R"(/trace/([^/]+))", page([&](const httplib::Request& r) { return trace_page(site, r.matches[1].str(), params_of(r)); }));
  svr.Get("/graph", page([&](const httplib::Request& r) { return graph_page(site, params_of(r)); }));
  svr.Get("/blame", page([&](const httplib::Request& r) { return blame_page(site, params_of(r)); }));
  svr.Get("/datasets", page([&](const httplib::Request&) { return datasets_page(site); }));
  svr.Get(R"(/datasets/([^/]+))", page([&](const httplib::Request& r) { return review_page(site, r.matches[1].str(), params_of(r)); }));
  svr.Get("/api/query", page([&](const httplib::Request& r) { return api_query(params_of(r)); }));
  svr.Get(R"(/api/traces/([^/]+))", page([&](const httplib::Request& r) { return api_trace(r.matches[1].str()); }));
  svr.Get("/api/graph", page([&](const httplib::Request& r) { return api_graph(site, params_of(r)); }));
  svr.Post(R"(/api/datasets/([^/]+)/review)", page([&](const httplib::Request& r) { return api_review(r.matches[1].str(), r.body); }));
  svr.Get(R"(/static/([A-Za-z0-9._-]+))", [](const httplib::Request& req, httplib::Response& res) {
    auto a = find_asset(req.matches[1].str());
    if (!a) {
      res.status = 404;
      res.set_content("not found\n", "text/plain");
      return;
    }
    res.set_content(std::string(a->body), std::string(a->content_type).c_str());
    res.set_header("Cache-Control", "private, max-age=300");
  });
  svr.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    res.set_content(std::to_string(res.status) + ": no page at " + req.path + "\n", "text/plain; charset=utf-8");
  });
  svr.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    ot::log().error("serve: {} {}: {}", req.method, req.path, what);
    res.status = 500;
    res.set_content("500: internal error (" + what + ")\n", "text/plain; charset=utf-8");
  });

  // SIGINT/SIGTERM are blocked here (and in the worker threads, which inherit the mask)
  // and taken by one waiter thread with sigwait, which stops the server cleanly.
  sigset_t sigs, old;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGUSR1);  // wakes the waiter when the server ends by itself
  pthread_sigmask(SIG_BLOCK, &sigs, &old);

  std::string host = "127.0.0.1";
  bool bound = false;
  if (opts.port == 0) {
    port = svr.bind_to_any_port(host);
    bound = port > 0;
  } else {
    bound = svr.bind_to_port(host, opts.port);
    port = opts.port;
  }
  if (!bound) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return make_error(ExitCode::kResource, "PORT_IN_USE", "serve",
                      "cannot listen on 127.0.0.1:" + std::to_string(opts.port) + " (in use, or not permitted)",
                      "pick another --port, or --port 0 for a free one");
  }
  cookie_name = "ot_token_" + std::to_string(port);  // cookies are per host, not per port
  std::atomic<bool> signalled{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    if (sig == SIGINT || sig == SIGTERM) {
      signalled = true;
      ot::log().info("serve: signal {}, stopping", sig);
      svr.stop();
    }
  });
  on_listening(Listening{"http://127.0.0.1:" + std::to_string(port) + "/?t=" + site.token, site.token, port});
  bool clean = svr.listen_after_bind();
  if (!signalled) pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (!clean && !signalled)
    return make_error(ExitCode::kResource, "SERVE_FAILED", "serve", "the server stopped accepting connections on port " + std::to_string(port));
  return ok_status();
}

}  // namespace ot::web
