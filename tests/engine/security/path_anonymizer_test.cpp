#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "engine/security/detectors.h"
#include "engine/security/sanitize.h"
#include "test_support.h"

using namespace ot;
using namespace ot::security;

TEST_CASE("path anonymizer: same path, same placeholder within a trace; different across traces", "[security][paths]") {
  Policy p;
  p.enabled = {"path_anonymizer"};
  p.version = "v";
  json v = {{"a", "cd /home/alice/src/app"}, {"b", "ls /home/alice/.ssh and /Users/bob.smith/x"}, {"c", "alice@laptop:~$ make"}};
  auto t1 = sanitize(v, p, {.scope = "trace-1", .path_key = test::key32()});
  auto t1b = sanitize(v, p, {.scope = "trace-1", .path_key = test::key32()});
  auto t2 = sanitize(v, p, {.scope = "trace-2", .path_key = test::key32()});
  REQUIRE(t1.ok());
  REQUIRE(t2.ok());
  CHECK(t1->value == t1b->value);  // deterministic
  std::string a = t1->value["a"], b = t1->value["b"], c = t1->value["c"];
  CHECK(a.find("alice") == std::string::npos);
  CHECK(b.find("alice") == std::string::npos);
  CHECK(b.find("bob.smith") == std::string::npos);
  CHECK(c.find("alice") == std::string::npos);  // the name learnt from the path, elsewhere too
  std::string tok = a.substr(a.find("[USER:"), a.find(']') - a.find("[USER:") + 1);
  CHECK(b.find(tok) != std::string::npos);
  CHECK(c.find(tok) != std::string::npos);
  CHECK(t2->value["a"] != t1->value["a"]);  // traces cannot be joined on the token
  CHECK(a.starts_with("cd /home/[USER:"));
  CHECK(a.ends_with("]/src/app"));
}

TEST_CASE("path anonymizer: reversible only with the local key and the scope", "[security][paths]") {
  std::string key = test::key32('a'), other = test::key32('b');
  Policy p;
  p.enabled = {"path_anonymizer"};
  p.version = "v";
  auto r = sanitize(json{{"t", "/home/mgonzalez/projects"}}, p, {.scope = "tr", .path_key = key});
  REQUIRE(r.ok());
  std::string anon = r->value["t"];
  CHECK(*reveal_paths(anon, "tr", key) == "/home/mgonzalez/projects");
  CHECK(*reveal_paths(anon, "tr", other) == anon);     // wrong key: left alone
  CHECK(*reveal_paths(anon, "other", key) == anon);    // wrong scope: left alone
  std::string hex = anon.substr(anon.find("[USER:") + 6);
  hex = hex.substr(0, hex.find(']'));
  CHECK(open_user_token(key, "tr", hex) == "mgonzalez");
  hex[20] = hex[20] == '0' ? '1' : '0';  // a tampered token does not open
  CHECK(open_user_token(key, "tr", hex).empty());
}

TEST_CASE("path anonymizer: generic accounts stay, the key file is private", "[security][paths]") {
  test::TempHome home;
  Policy p;
  p.enabled = {"path_anonymizer"};
  p.version = "v";
  auto r = sanitize(json{{"t", "/home/runner/work and /root/.cache and /home/dev/src"}}, p, {.scope = "s", .path_key = {}});
  REQUIRE(r.ok());
  std::string t = r->value["t"];
  CHECK(t.find("/home/runner/work") != std::string::npos);
  CHECK(t.find("/home/dev/src") == std::string::npos);
  auto keyfile = home.path / "ot" / "security" / "path.key";
  REQUIRE(std::filesystem::exists(keyfile));
  struct stat st {};
  REQUIRE(::stat(keyfile.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // The same key is reused: the placeholder reverses with the default (local) key.
  CHECK(*reveal_paths(t, "s") == "/home/runner/work and /root/.cache and /home/dev/src");
  // A damaged key file is refused, never silently replaced.
  std::ofstream(keyfile) << "not hex";
  auto bad = sanitize(json{{"t", "/home/dev"}}, p, {.scope = "s", .path_key = {}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "PATH_KEY_CORRUPT");
}
