#include "engine/hub/http.h"

// Plain function declarations (no type-checking macros): the calls go through pointers.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace ot::hub {

namespace {

// libcurl is opened on first use instead of being linked: linking it loads ~30 shared
// libraries (TLS stacks, Kerberos, LDAP, ...) into every command at start-up, ~6 ms of CPU
// measured, though only the Hub commands speak HTTP.
struct CurlApi {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  std::string error;  // why it could not be loaded
};

template <class F>
bool bind(void* lib, const char* name, F& fn, std::string& error) {
  fn = reinterpret_cast<F>(::dlsym(lib, name));
  if (fn == nullptr && error.empty()) error = std::string("libcurl has no ") + name;
  return fn != nullptr;
}

const CurlApi& curl() {
  static const CurlApi api = [] {
    CurlApi a;
    void* lib = nullptr;
    for (const char* name : {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl-nss.so.4"})
      if ((lib = ::dlopen(name, RTLD_NOW | RTLD_LOCAL)) != nullptr) break;
    if (lib == nullptr) {
      const char* why = ::dlerror();
      a.error = std::string("cannot load libcurl (") + (why ? why : "libcurl.so.4 not found") + ")";
      return a;
    }
    bool ok = bind(lib, "curl_global_init", a.global_init, a.error) && bind(lib, "curl_easy_init", a.easy_init, a.error) &&
              bind(lib, "curl_easy_cleanup", a.easy_cleanup, a.error) && bind(lib, "curl_easy_reset", a.easy_reset, a.error) &&
              bind(lib, "curl_easy_setopt", a.easy_setopt, a.error) && bind(lib, "curl_easy_perform", a.easy_perform, a.error) &&
              bind(lib, "curl_easy_getinfo", a.easy_getinfo, a.error) &&
              bind(lib, "curl_easy_strerror", a.easy_strerror, a.error) &&
              bind(lib, "curl_slist_append", a.slist_append, a.error) &&
              bind(lib, "curl_slist_free_all", a.slist_free_all, a.error);
    if (ok) a.global_init(CURL_GLOBAL_DEFAULT);
    return a;
  }();
  return api;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100 Continue)
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
    (*headers)[name] = std::string(value);
  }
  return size * n;
}

struct Slist {
  curl_slist* list = nullptr;
  ~Slist() {
    if (list) curl().slist_free_all(list);
  }
  void add(const std::string& line) { list = curl().slist_append(list, line.c_str()); }
};

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  auto it = headers.find(key);
  return it == headers.end() ? std::string() : it->second;
}

HttpSession::HttpSession() {
  if (curl().error.empty()) curl_ = curl().easy_init();
}

HttpSession::~HttpSession() {
  if (curl_) curl().easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> HttpSession::send(const HttpRequest& request) {
  CURL* c = static_cast<CURL*>(curl_);
  if (!curl().error.empty())
    return make_error(ExitCode::kResource, "HUB_UNREACHABLE", "hub", curl().error,
                      "install libcurl (Debian: `apt-get install libcurl4`)");
  if (!c) return make_error(ExitCode::kResource, "HUB_UNREACHABLE", "hub", "libcurl could not start a session");
  curl().easy_reset(c);  // keeps the connection cache
  HttpResponse response;
  Slist headers;
  for (const auto& [k, v] : request.headers) headers.add(k + ": " + v);
  headers.add("Expect:");  // no 100-continue round trip for uploads
  curl().easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl().easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl().easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
  curl().easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  if (request.fresh_connection) curl().easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
  curl().easy_setopt(c, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl().easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  curl().easy_setopt(c, CURLOPT_USERAGENT, "git-opentraces (libcurl)");
  curl().easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
  if (request.method == "HEAD") {
    curl().easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" || !request.body.empty()) {
    curl().easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl().easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl().easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl().easy_setopt(c, CURLOPT_HTTPHEADER, headers.list);
  curl().easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl().easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl().easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl().easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
  CURLcode rc = curl().easy_perform(c);
  if (rc != CURLE_OK) {
    bool timeout = rc == CURLE_OPERATION_TIMEDOUT;
    std::string what = request.method + " " + url_path_for_log(request.url);
    return make_error(ExitCode::kResource, timeout ? "HUB_TIMEOUT" : "HUB_UNREACHABLE", "hub",
                      what + (timeout ? ": no answer within " + std::to_string(request.timeout_ms) + " ms"
                                      : std::string(": ") + curl().easy_strerror(rc)) + " (" + url_origin(request.url) + ")",
                      "check the network and HF_ENDPOINT, then retry", /*retryable=*/true);
  }
  curl().easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string url_origin(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string scheme(url.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char ch) { return std::tolower(ch); });
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string host(authority);
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char ch) { return std::tolower(ch); });
  bool has_port = host.rfind(':') != std::string::npos && host.back() != ']';
  if (!has_port) host += scheme == "https" ? ":443" : ":80";
  return scheme + "://" + host;
}

std::string url_path_for_log(std::string_view url) {
  auto q = url.find_first_of("?#");
  return std::string(url.substr(0, q));
}

std::string resolve_location(std::string_view base_url, std::string_view location) {
  if (location.find("://") != std::string_view::npos) return std::string(location);
  auto scheme_end = base_url.find("://");
  std::string_view after = base_url.substr(scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  std::string root(base_url.substr(0, (scheme_end == std::string_view::npos ? 0 : scheme_end + 3) + after.find_first_of("/?#")));
  if (after.find_first_of("/?#") == std::string_view::npos) root = std::string(base_url);
  if (location.rfind("//", 0) == 0) return std::string(base_url.substr(0, scheme_end + 1)) + std::string(location);
  if (!location.empty() && location.front() == '/') return root + std::string(location);
  std::string path = url_path_for_log(base_url);
  return path.substr(0, path.rfind('/') + 1) + std::string(location);
}

std::string url_escape(std::string_view s, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || (keep_slash && ch == '/')) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

}  // namespace ot::hub
