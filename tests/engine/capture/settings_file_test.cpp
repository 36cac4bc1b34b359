#include "engine/capture/settings_file.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "engine/capture/integrations.h"
#include "engine/util/fs.h"

namespace fs = std::filesystem;
namespace cap = ot::capture;
using ot::ordered_json;

namespace {

struct TempHome {
  fs::path dir;
  TempHome() {
    dir = fs::temp_directory_path() / ("ot-settings-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    fs::create_directories(dir);
    ::setenv("OPENTRACES_HOME", (dir / "ot").c_str(), 1);
  }
  ~TempHome() { fs::remove_all(dir); }
};

std::string slurp(const fs::path& p) { return *ot::read_file(p); }

// A user's Claude settings with their own hooks, in their own formatting.
const char* kUserSettings = R"({
    "model": "opus",
    "hooks": {
        "Stop": [ { "hooks": [ { "type": "command", "command": "notify-send done" } ] } ],
        "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "./guard.sh" } ] } ]
    },
    "env": { "A": "1" }
}
)";

int count_ours(const ordered_json& doc) {
  int n = 0;
  for (const auto& [event, groups] : doc["hooks"].items())
    for (const auto& g : groups)
      for (const auto& h : g["hooks"])
        if (cap::parse_hook_command(h.value("command", ""))) ++n;
  return n;
}

}  // namespace

TEST_CASE("hook command round-trips through parse_hook_command", "[capture][setup]") {
  std::string cmd = cap::hook_command("/opt/it's here/git-opentraces", "claude-code", "PostToolUse");
  auto parsed = cap::parse_hook_command(cmd);
  REQUIRE(parsed);
  CHECK(parsed->binary == "/opt/it's here/git-opentraces");
  CHECK(parsed->agent == "claude-code");
  CHECK(parsed->event == "PostToolUse");
  CHECK(cmd.find("|| true") != std::string::npos);
  CHECK_FALSE(cap::parse_hook_command("notify-send done"));
  CHECK_FALSE(cap::parse_hook_command("OT_HOOK_VERSION=1 something else"));
}

TEST_CASE("install adds our hooks once beside the user's, remove restores the exact bytes", "[capture][setup]") {
  TempHome home;
  fs::path file = home.dir / "claude" / "settings.json";
  fs::create_directories(file.parent_path());
  REQUIRE(ot::write_file_atomic(file, kUserSettings).ok());
  auto add = cap::add_command_hooks("claude-code", "/usr/bin/git-opentraces", cap::claude_events());
  auto strip = cap::strip_command_hooks();

  auto plan = cap::plan_install(file, add);
  REQUIRE(plan.ok());
  CHECK(plan->changed);
  auto backup = cap::apply_plan(*plan, strip);
  REQUIRE(backup.ok());
  REQUIRE(*backup);
  CHECK(slurp(**backup) == kUserSettings);

  auto doc = ordered_json::parse(slurp(file));
  CHECK(count_ours(doc) == static_cast<int>(cap::claude_events().size()));
  CHECK(doc["model"] == "opus");
  CHECK(doc["hooks"]["Stop"][0]["hooks"][0]["command"] == "notify-send done");
  CHECK(doc["hooks"]["PreToolUse"][0]["matcher"] == "Bash");

  // Idempotent: a second install changes nothing.
  std::string installed = slurp(file);
  auto again = cap::plan_install(file, add);
  REQUIRE(again.ok());
  CHECK_FALSE(again->changed);
  REQUIRE(cap::apply_plan(*again, strip).ok());
  CHECK(slurp(file) == installed);

  // A new binary path replaces our entries instead of adding more.
  auto moved = cap::plan_install(file, cap::add_command_hooks("claude-code", "/new/git-opentraces", cap::claude_events()));
  REQUIRE(moved.ok());
  REQUIRE(cap::apply_plan(*moved, strip).ok());
  CHECK(count_ours(ordered_json::parse(slurp(file))) == static_cast<int>(cap::claude_events().size()));

  auto rm = cap::plan_remove(file, strip);
  REQUIRE(rm.ok());
  CHECK(rm->restores_original);
  REQUIRE(cap::apply_plan(*rm, strip).ok());
  CHECK(slurp(file) == kUserSettings);
}

TEST_CASE("remove of a file setup created deletes it; later user edits are kept", "[capture][setup]") {
  TempHome home;
  fs::path file = home.dir / "codex" / "hooks.json";
  auto add = cap::add_command_hooks("codex", "/usr/bin/git-opentraces", cap::codex_events());
  auto strip = cap::strip_command_hooks();
  REQUIRE(cap::apply_plan(*cap::plan_install(file, add), strip).ok());
  REQUIRE(fs::exists(file));
  auto rm = cap::plan_remove(file, strip);
  REQUIRE(rm.ok());
  CHECK(rm->remove_file);
  REQUIRE(cap::apply_plan(*rm, strip).ok());
  CHECK_FALSE(fs::exists(file));

  // The user adds a key after our install: remove keeps it (no exact restore possible).
  REQUIRE(cap::apply_plan(*cap::plan_install(file, add), strip).ok());
  auto doc = ordered_json::parse(slurp(file));
  doc["mine"] = true;
  REQUIRE(ot::write_file_atomic(file, doc.dump(2)).ok());
  rm = cap::plan_remove(file, strip);
  REQUIRE(rm.ok());
  CHECK_FALSE(rm->restores_original);
  REQUIRE(cap::apply_plan(*rm, strip).ok());
  auto left = ordered_json::parse(slurp(file));
  CHECK(left == ordered_json{{"mine", true}});
}

TEST_CASE("a corrupt settings file is an error naming it, and is not written", "[capture][setup]") {
  TempHome home;
  fs::path file = home.dir / "settings.json";
  const std::string bad = "{\"hooks\": {\"Stop\": [ }\n";
  REQUIRE(ot::write_file_atomic(file, bad).ok());
  auto plan = cap::plan_install(file, cap::add_command_hooks("claude-code", "/b", cap::claude_events()));
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error().code == "SETTINGS_CORRUPT");
  CHECK(plan.error().message.find(file.string()) != std::string::npos);
  CHECK(slurp(file) == bad);

  REQUIRE(ot::write_file_atomic(file, "[1, 2]").ok());
  CHECK(cap::plan_install(file, cap::add_command_hooks("claude-code", "/b", cap::claude_events())).error().code ==
        "SETTINGS_CORRUPT");

  REQUIRE(ot::write_file_atomic(file, "{\"hooks\": []}").ok());
  auto wrong = cap::plan_install(file, cap::add_command_hooks("claude-code", "/b", cap::claude_events()));
  REQUIRE_FALSE(wrong.ok());
  CHECK(slurp(file) == "{\"hooks\": []}");
}

TEST_CASE("a symlinked settings file is edited through the link", "[capture][setup]") {
  TempHome home;
  fs::path real = home.dir / "dotfiles" / "settings.json";
  fs::create_directories(real.parent_path());
  REQUIRE(ot::write_file_atomic(real, "{}\n").ok());
  fs::path link = home.dir / "settings.json";
  fs::create_symlink(real, link);
  auto strip = cap::strip_command_hooks();
  REQUIRE(cap::apply_plan(*cap::plan_install(link, cap::add_command_hooks("claude-code", "/b", {"Stop"})), strip).ok());
  CHECK(fs::is_symlink(link));
  CHECK(slurp(real).find("hook claude-code Stop") != std::string::npos);
}

TEST_CASE("Pi packages: our directory is listed once beside the user's packages", "[capture][setup]") {
  TempHome home;
  fs::path file = home.dir / "pi-settings.json";
  const std::string user = "{\n  \"packages\": [\"npm:pi-skills\"],\n  \"theme\": \"dark\"\n}\n";
  REQUIRE(ot::write_file_atomic(file, user).ok());
  auto strip = cap::strip_pi_package();
  auto add = cap::add_pi_package(cap::pi_package_dir());
  REQUIRE(cap::apply_plan(*cap::plan_install(file, add), strip).ok());
  REQUIRE(cap::apply_plan(*cap::plan_install(file, add), strip).ok());
  auto doc = ordered_json::parse(slurp(file));
  REQUIRE(doc["packages"].size() == 2);
  CHECK(doc["packages"][0] == "npm:pi-skills");
  CHECK(doc["packages"][1] == cap::pi_package_dir().string());
  REQUIRE(cap::apply_plan(*cap::plan_remove(file, strip), strip).ok());
  CHECK(slurp(file) == user);
}
