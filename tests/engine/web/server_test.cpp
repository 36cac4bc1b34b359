#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "engine/web/assets.h"
#include "engine/web/html.h"
#include "engine/web/pages.h"
#include "engine/web/server.h"

using namespace ot;
using namespace ot::web;

TEST_CASE("serve: only loopback binds are accepted", "[web]") {
  CHECK(check_bind("127.0.0.1").ok());
  CHECK(check_bind("localhost").ok());
  for (const char* b : {"0.0.0.0", "::", "::1", "192.168.1.10", "127.0.0.1 ", "", "example.com"}) {
    auto s = check_bind(b);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == "BIND_REFUSED");
    CHECK(s.error().exit == ExitCode::kUsage);
  }
}

TEST_CASE("serve: tokens are 256 random bits in hex, fresh each time", "[web]") {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto t = new_token();
    REQUIRE(t.ok());
    CHECK(t->size() == 64);
    CHECK(t->find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(*t);
  }
  CHECK(seen.size() == 50);
}

TEST_CASE("serve: requests need the token; writes need it in the header", "[web]") {
  const std::string tok(64, 'a'), cookie = "ot_token_8377";
  auto get = [&](std::string q, std::string c) { return authorized({"GET", q, c, ""}, tok, cookie); };
  CHECK(get(tok, ""));
  CHECK(get("", "ot_token_8377=" + tok));
  CHECK(get("", "a=b; ot_token_8377=" + tok + "; c=d"));
  CHECK_FALSE(get("", ""));
  CHECK_FALSE(get(tok.substr(1), ""));
  CHECK_FALSE(get(tok + "a", ""));
  CHECK_FALSE(get("", "ot_token_9999=" + tok));          // another server's cookie
  CHECK_FALSE(get("", "xot_token_8377=" + tok));
  CHECK_FALSE(authorized({"GET", "", "", ""}, "", cookie));  // an empty token never matches
  CHECK(authorized({"HEAD", tok, "", ""}, tok, cookie));
  // POST: the X-OT-Token header only; neither the cookie nor the query is enough.
  CHECK(authorized({"POST", "", "", tok}, tok, cookie));
  CHECK_FALSE(authorized({"POST", tok, "ot_token_8377=" + tok, ""}, tok, cookie));
  CHECK_FALSE(authorized({"POST", "", "", tok.substr(0, 63) + "b"}, tok, cookie));
  CHECK_FALSE(authorized({"PUT", tok, "", tok}, tok, cookie));
  CHECK_FALSE(authorized({"DELETE", tok, "", tok}, tok, cookie));
}

TEST_CASE("serve: html helpers escape and encode", "[web]") {
  CHECK(esc("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(url_enc("a b/c?d=é") == "a%20b%2Fc%3Fd%3D%C3%A9");
  CHECK(url_enc("row_01-A.~") == "row_01-A.~");
  CHECK(thousands(0) == "0");
  CHECK(thousands(1234567) == "1,234,567");
  CHECK(thousands(-1000) == "-1,000");
  CHECK(short_time("2026-11-24T15:16:02.123Z") == "2026-11-24 15:16");
  CHECK(short_time("") == "");
  CHECK(clip("héllo\nworld", 7) == "héllo w…");
  CHECK(clip("short", 10) == "short");
  std::string page = layout("T<", "graph", "graph", "tok\"", "<p>body</p>");
  CHECK(page.find("<title>T&lt; · opentraces</title>") != std::string::npos);
  CHECK(page.find("content=\"tok&quot;\"") != std::string::npos);
  CHECK(page.find("<a href=\"/graph\" class=\"on\">") != std::string::npos);
  CHECK(page.find("<p>body</p>") != std::string::npos);
  CHECK(page.find("http") == std::string::npos);  // no external reference
}

TEST_CASE("serve: static assets are embedded from web/static", "[web]") {
  for (const char* n : {"app.css", "app.js", "favicon.svg"}) {
    auto a = find_asset(n);
    REQUIRE(a);
    CHECK_FALSE(a->body.empty());
  }
  CHECK(find_asset("app.js")->content_type.find("javascript") != std::string_view::npos);
  CHECK(find_asset("app.css")->content_type.find("text/css") == 0);
  CHECK_FALSE(find_asset("../CMakeLists.txt"));
  CHECK_FALSE(find_asset("missing.js"));
  // What the browser loads must not reach outside the server.
  CHECK(find_asset("app.js")->body.find("http") == std::string_view::npos);
  CHECK(find_asset("app.css")->body.find("url(") == std::string_view::npos);
}

TEST_CASE("serve: the review endpoint validates its request before touching a dataset", "[web]") {
  auto code = [](const Response& r) { return json::parse(r.body)["error"]["code"].get<std::string>(); };
  for (const char* body : {"", "[]", "{\"action\":\"delete\",\"all\":true}", "{\"action\":\"approve\"}",
                           "{\"action\":\"approve\",\"all\":true,\"row_ids\":[\"row_1\"]}", "{\"action\":\"approve\",\"row_ids\":[1]}",
                           "{\"action\":\"approve\",\"row_ids\":\"row_1\"}"}) {
    Response r = api_review("demo", body);
    INFO(body);
    CHECK(r.status == 400);
    CHECK(r.content_type == "application/json");
    CHECK(code(r) == "INVALID_REQUEST");
  }
}

TEST_CASE("serve: engine errors map to HTTP statuses", "[web]") {
  CHECK(http_status(make_error(ExitCode::kNotFound, "TRACE_NOT_FOUND", "x", "m")) == 404);
  CHECK(http_status(make_error(ExitCode::kResource, "DATASET_NOT_FOUND", "x", "m")) == 404);
  CHECK(http_status(make_error(ExitCode::kUsage, "AMBIGUOUS_TRACE_PREFIX", "x", "m")) == 400);
  CHECK(http_status(make_error(ExitCode::kResource, "BUCKET_LOCKED", "x", "m")) == 503);
  CHECK(http_status(make_error(ExitCode::kResource, "BUCKET_CORRUPT", "x", "m")) == 500);
  Response r = api_error(make_error(ExitCode::kNotFound, "TRACE_NOT_FOUND", "trace get", "no <trace>"));
  auto j = json::parse(r.body);
  CHECK(r.status == 404);
  CHECK(j["status"] == "error");
  CHECK(j["schema_version"] == "opentraces.error.v1");
  Response page = error_page(Site{}, make_error(ExitCode::kNotFound, "TRACE_NOT_FOUND", "x", "no <trace>", "try <this>"));
  CHECK(page.status == 404);
  CHECK(page.body.find("no &lt;trace&gt;") != std::string::npos);
  CHECK(page.body.find("try &lt;this&gt;") != std::string::npos);
}

TEST_CASE("serve: a port another listener holds is refused, even one that allows sharing", "[web]") {
  // The other listener sets SO_REUSEPORT, as cpp-httplib's default does: a server that
  // set it too would share the port (and split the requests) instead of failing.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(listen(fd, 4) == 0);
  socklen_t len = sizeof a;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ServeOptions o;
  o.port = ntohs(a.sin_port);
  bool listened = false;
  Status s = serve(o, [&](const Listening&) {
    listened = true;  // wrong: stop the server so the test ends and fails
    std::thread([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      kill(getpid(), SIGTERM);
    }).detach();
  });
  close(fd);
  CHECK_FALSE(listened);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == "PORT_IN_USE");
  CHECK(s.error().exit == ExitCode::kResource);
  CHECK(s.error().message.find(std::to_string(o.port)) != std::string::npos);
}
