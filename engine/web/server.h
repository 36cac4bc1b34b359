// `git opentraces serve`: the local web view over cpp-httplib. Bound to loopback only,
// every request carries the per-run token (query ?t=, or the cookie the first page
// sets; writes: the X-OT-Token header), runs until SIGINT/SIGTERM. Pages: pages.h.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace ot::web {

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 0;                // 0: a free port the kernel picks
  std::filesystem::path cwd;   // graph and blame read the repository around it
  std::string token;           // empty: a fresh random token
};

struct Listening {
  std::string url;             // http://127.0.0.1:PORT/?t=TOKEN
  std::string token;
  int port = 0;
};

// Only loopback: 127.0.0.1 or localhost. Anything else: BIND_REFUSED (exit 2).
Status check_bind(std::string_view bind);
// 256 bits from the kernel's CSPRNG (getrandom), as 64 hex characters.
Result<std::string> new_token();

// The request's credentials against the run's token (constant-time compares).
// GET/HEAD: ?t= or the cookie `cookie_name`; POST (writes): the X-OT-Token header only,
// which another site's page cannot send.
struct Credentials {
  std::string method, query_token, cookie_header, header_token;
};
bool authorized(const Credentials& c, const std::string& token, const std::string& cookie_name);

// Binds, calls `on_listening` once the socket accepts connections, serves until
// SIGINT or SIGTERM, then returns. Errors: BIND_REFUSED (2), INVALID_PORT (2),
// PORT_IN_USE (3). Call from the main thread: it blocks those signals while it runs.
Status serve(const ServeOptions& opts, const std::function<void(const Listening&)>& on_listening);

// Opens `url` with xdg-open when a display is available. false (nothing started)
// when there is no display or no xdg-open.
bool open_browser(const std::string& url);

}  // namespace ot::web
