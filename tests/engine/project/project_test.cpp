#include "engine/project/project.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "engine/project/config.h"
#include "engine/project/marker.h"
#include "engine/util/fs.h"

namespace fs = std::filesystem;
using namespace ot;

namespace {

// A temp OPENTRACES_HOME plus a git repo with one commit; restored on scope exit.
struct Sandbox {
  fs::path dir;
  fs::path repo;
  std::string old_home;
  Sandbox() {
    char tmpl[] = "/tmp/ot-project-XXXXXX";
    dir = mkdtemp(tmpl);
    repo = dir / "My Repo";
    const char* prev = std::getenv("OPENTRACES_HOME");
    old_home = prev ? prev : "";
    setenv("OPENTRACES_HOME", (dir / "home").c_str(), 1);
    std::string cmd = "git init -q '" + repo.string() + "' && cd '" + repo.string() +
                      "' && git -c user.name=t -c user.email=t@e commit -q --allow-empty -m root";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  ~Sandbox() {
    if (old_home.empty()) unsetenv("OPENTRACES_HOME"); else setenv("OPENTRACES_HOME", old_home.c_str(), 1);
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

TEST_CASE("slug follows the marker rule") {
  CHECK(project::make_slug("My Repo!", "0123456789abcdef") == "my-repo-01234567");
  CHECK(project::make_slug("___", "abcdef0123") == "project-abcdef01");
  CHECK(project::make_slug(std::string(60, 'a'), "12345678").size() == 48 + 9);
}

TEST_CASE("init writes a marker, registers, and merges agents when run again") {
  Sandbox sb;
  auto first = project::init_project(sb.repo / ".", {"claude-code"});
  REQUIRE(first.ok());
  CHECK_FALSE(first->already_initialized);
  auto marker = project::read_marker(sb.repo);
  REQUIRE(marker.ok());
  REQUIRE(marker->has_value());
  CHECK((**marker)["marker_version"] == "2");
  CHECK((**marker)["project_id"].get<std::string>().size() == 32);
  CHECK((**marker)["review_policy"] == "review");
  CHECK((**marker)["push_policy"] == "manual");
  CHECK((**marker)["agents"] == json::array({"claude-code"}));

  auto second = project::init_project(sb.repo, {"pi", "claude-code"});
  REQUIRE(second.ok());
  CHECK(second->already_initialized);
  CHECK(second->agents_added == std::vector<std::string>{"pi"});
  CHECK(second->project.project_id == first->project.project_id);
  auto projects = project::registered_projects();
  REQUIRE(projects.ok());
  CHECK(projects->size() == 1);
}

TEST_CASE("a moved checkout keeps its project id") {
  Sandbox sb;
  auto first = project::init_project(sb.repo, {});
  REQUIRE(first.ok());
  fs::remove(project::marker_path(sb.repo));  // marker not committed: identity comes from the root commit
  fs::path moved = sb.dir / "moved";
  fs::rename(sb.repo, moved);
  auto again = project::init_project(moved, {});
  REQUIRE(again.ok());
  CHECK(again->project.project_id == first->project.project_id);
  REQUIRE(again->moved_from.has_value());
  auto projects = project::registered_projects();
  REQUIRE(projects.ok());
  CHECK(projects->size() == 1);
}

TEST_CASE("a corrupt marker is reported by name and left untouched") {
  Sandbox sb;
  REQUIRE(write_file_atomic(project::marker_path(sb.repo), "{not json").ok());
  auto r = project::init_project(sb.repo, {"pi"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "MARKER_CORRUPT");
  CHECK(r.error().message.find(".opentraces.json") != std::string::npos);
  CHECK(*read_file(project::marker_path(sb.repo)) == "{not json");
}

TEST_CASE("ensure_enrolled honours tracking mode and exclusion") {
  Sandbox sb;
  SECTION("global mode enrols on first capture") {
    auto r = project::ensure_enrolled(sb.repo, "codex-cli");
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    CHECK((*r)->agents == std::vector<std::string>{"codex"});
    CHECK(fs::exists(project::marker_path(sb.repo)));
  }
  SECTION("manual mode leaves an unenrolled repo alone") {
    REQUIRE(project::update_config([](json& c) { return project::config_set(c, "capture.tracking_mode", "manual", false); }).ok());
    auto r = project::ensure_enrolled(sb.repo, "pi");
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_value());
    CHECK_FALSE(fs::exists(project::marker_path(sb.repo)));
  }
  SECTION("an excluded project is not captured") {
    REQUIRE(project::init_project(sb.repo, {}).ok());
    auto marker = *project::read_marker(sb.repo);
    REQUIRE(project::marker_set(*marker, "excluded", "yes", false).ok());
    REQUIRE(project::write_marker(sb.repo, *marker).ok());
    auto r = project::ensure_enrolled(sb.repo, "claude-code");
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_value());
  }
  SECTION("outside a git repository nothing is captured") {
    auto r = project::ensure_enrolled(sb.dir, "pi");
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_value());
  }
}

TEST_CASE("config set coerces by type and refuses the token") {
  json c = project::default_config();
  REQUIRE(project::config_set(c, "security.trufflehog.enabled", "on", false).ok());
  CHECK(c["security"]["trufflehog"]["enabled"] == true);
  REQUIRE(project::config_set(c, "security.llm_review.timeout", "30", false).ok());
  CHECK(c["security"]["llm_review"]["timeout"] == 30);
  CHECK(project::config_set(c, "security.llm_review.timeout", "3x", false).error().code == "INVALID_CONFIG_VALUE");
  REQUIRE(project::config_set(c, "excluded_projects", "/a", true).ok());
  REQUIRE(project::config_set(c, "excluded_projects", "/a", true).ok());
  CHECK(c["excluded_projects"].size() == 1);
  CHECK(project::config_set(c, "hf_token", "hf_x", false).error().exit == ExitCode::kUsage);
  CHECK(project::config_set(c, "nope", "1", false).error().code == "UNKNOWN_CONFIG_KEY");
  CHECK(project::config_get(c, "capture.tracking_mode").value() == "global");
}

TEST_CASE("a corrupt config.json is named and never overwritten") {
  Sandbox sb;
  REQUIRE(ensure_dir(sb.dir / "home").ok());
  REQUIRE(write_file_atomic(sb.dir / "home" / "config.json", "[1,").ok());
  auto r = project::update_config([](json&) { return ok_status(); });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "CONFIG_CORRUPT");
  CHECK(*read_file(sb.dir / "home" / "config.json") == "[1,");
}
