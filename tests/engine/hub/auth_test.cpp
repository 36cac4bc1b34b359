#include "engine/hub/auth.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/util/paths.h"

using namespace ot;
namespace fs = std::filesystem;

namespace {

// Points every token source at a fresh temp dir, restoring the environment afterwards.
struct TokenEnv {
  fs::path dir;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved;
  TokenEnv() {
    dir = fs::temp_directory_path() / ("ot-auth-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "hf");
    for (const char* v : {"HF_TOKEN", "HUGGINGFACE_TOKEN", "OPENTRACES_HOME", "HF_HOME", "HF_TOKEN_PATH"}) {
      const char* old = std::getenv(v);
      saved.emplace_back(v, old ? std::optional<std::string>(old) : std::nullopt);
      unsetenv(v);
    }
    setenv("OPENTRACES_HOME", (dir / "ot").c_str(), 1);
    setenv("HF_HOME", (dir / "hf").c_str(), 1);
  }
  ~TokenEnv() {
    for (auto& [k, v] : saved) v ? setenv(k.c_str(), v->c_str(), 1) : unsetenv(k.c_str());
    fs::remove_all(dir);
  }
};

void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << s;
}

}  // namespace

TEST_CASE("auth: token precedence HF_TOKEN, HUGGINGFACE_TOKEN, credentials, HF cache", "[hub][auth]") {
  TokenEnv env;
  CHECK_FALSE(hub::resolve_token().has_value());

  write(env.dir / "hf" / "token", "hf_from_cache\n");
  CHECK(hub::resolve_token()->source == "hf_cache");
  CHECK(hub::resolve_token()->token == "hf_from_cache");

  REQUIRE(hub::save_credentials({"hf_from_credentials", "alice", "token", ""}).ok());
  CHECK(hub::resolve_token()->source == "credentials");
  CHECK(hub::resolve_token()->token == "hf_from_credentials");

  setenv("HUGGINGFACE_TOKEN", "hf_from_hugging", 1);
  CHECK(hub::resolve_token()->source == "HUGGINGFACE_TOKEN");
  setenv("HF_TOKEN", "hf_from_env", 1);
  CHECK(hub::resolve_token()->token == "hf_from_env");

  unsetenv("HF_TOKEN");
  unsetenv("HUGGINGFACE_TOKEN");
  REQUIRE(*hub::remove_credentials());
  CHECK_FALSE(*hub::remove_credentials());
  CHECK(hub::resolve_token()->source == "hf_cache");

  setenv("HF_TOKEN_PATH", (env.dir / "elsewhere").c_str(), 1);
  CHECK_FALSE(hub::resolve_token().has_value());
}

TEST_CASE("auth: credentials are 0600 JSON; files without an hf_ token are ignored", "[hub][auth]") {
  TokenEnv env;
  umask(022);
  REQUIRE(hub::save_credentials({"hf_secret_value", "alice", "device", "hf_refresh"}).ok());
  struct stat st{};
  REQUIRE(stat(credentials_path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(stat(ot_home().c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);
  CHECK(hub::read_token_file(credentials_path()) == std::optional<std::string>("hf_secret_value"));

  write(credentials_path(), "not-a-token\n");
  CHECK_FALSE(hub::read_token_file(credentials_path()).has_value());
  write(credentials_path(), "  hf_bare_line  \nrest\n");
  CHECK(hub::read_token_file(credentials_path()) == std::optional<std::string>("hf_bare_line"));
}

TEST_CASE("auth: token shape check", "[hub][auth]") {
  CHECK(*hub::check_token_shape("  hf_abcdefgh\n") == "hf_abcdefgh");
  auto bad = hub::check_token_shape("ghp_abcdefgh");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "INVALID_TOKEN");
  CHECK(bad.error().exit == ExitCode::kResource);
  CHECK(bad.error().message.find("ghp_") == std::string::npos);
  CHECK_FALSE(hub::check_token_shape("hf_ab cd efgh").ok());
  CHECK_FALSE(hub::check_token_shape("").ok());
}
