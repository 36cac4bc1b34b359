// One HTTP exchange over libcurl: no redirects followed (the Hub client decides where its
// token may go), no retries (the Hub client owns the retry policy), http/https only.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/result.h"

namespace ot::hub {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long timeout_ms = 120000;         // whole exchange
  long connect_timeout_ms = 10000;
  // libcurl silently resends a request whose reused connection died before answering;
  // a call that must never be sent twice asks for a fresh connection instead.
  bool fresh_connection = false;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; the last value wins
  std::string body;
  std::string header(std::string_view name) const;  // "" when absent
};

// A reusable connection (keep-alive across calls). Not thread-safe: one per thread.
class HttpSession {
 public:
  HttpSession();
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // The answer, whatever its status; an Error only when no answer arrived (connection
  // refused or dropped, timeout, TLS failure): code HUB_TIMEOUT or HUB_UNREACHABLE, retryable.
  Result<HttpResponse> send(const HttpRequest& request);

 private:
  void* curl_;
};

// "scheme://host:port" of a URL (port made explicit), for same-origin checks.
std::string url_origin(std::string_view url);
// The path of a URL without its query string (safe to log: presigned URLs carry secrets there).
std::string url_path_for_log(std::string_view url);
// Resolves a Location header against the URL that answered it.
std::string resolve_location(std::string_view base_url, std::string_view location);
// Percent-encodes one path segment or query value (RFC 3986 unreserved characters kept).
std::string url_escape(std::string_view s, bool keep_slash = false);

}  // namespace ot::hub
