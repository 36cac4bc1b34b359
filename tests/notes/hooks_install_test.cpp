#include "notes/hooks_install.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "engine/util/fs.h"

namespace fs = std::filesystem;
namespace git = ot::git;

namespace {

struct TempRepo {
  fs::path dir;
  TempRepo() {
    dir = fs::temp_directory_path() / ("ot-hooks-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    fs::create_directories(dir);
    REQUIRE(std::system(("git init -q " + dir.string()).c_str()) == 0);
  }
  ~TempRepo() { fs::remove_all(dir); }
  void git_cmd(const std::string& args) const {
    REQUIRE(std::system(("git -C " + dir.string() + " " + args + " >/dev/null").c_str()) == 0);
  }
  std::string config(const std::string& key) const {
    std::string out;
    FILE* p = ::popen(("git -C " + dir.string() + " config --get-all " + key).c_str(), "r");
    char buf[256];
    while (p && std::fgets(buf, sizeof buf, p)) out += buf;
    if (p) ::pclose(p);
    return out;
  }
};

std::string slurp(const fs::path& p) { return *ot::read_file(p); }

}  // namespace

TEST_CASE("a new hook is a shell stub; an existing shell hook gets our block after its shebang", "[notes][hooks]") {
  auto created = git::chain_hook_text("", false, "post-commit", "/usr/bin/git-opentraces");
  CHECK(created.action == "created");
  CHECK(created.text.rfind("#!/bin/sh\n# >>> git-opentraces post-commit >>>\n", 0) == 0);
  CHECK(created.text.find("hook post-commit \"$@\"") != std::string::npos);

  const std::string user = "#!/usr/bin/env bash\nset -e\nrun-linter\nexit 7\n";
  auto chained = git::chain_hook_text(user, true, "post-commit", "/b");
  CHECK(chained.action == "chained");
  CHECK(chained.text.rfind("#!/usr/bin/env bash\n# >>> git-opentraces", 0) == 0);
  const std::string tail = "\nset -e\nrun-linter\nexit 7\n";
  CHECK(chained.text.substr(chained.text.size() - tail.size()) == tail);
  // Re-running changes nothing; a new binary path updates the block in place.
  CHECK(git::chain_hook_text(chained.text, true, "post-commit", "/b").action == "unchanged");
  auto updated = git::chain_hook_text(chained.text, true, "post-commit", "/new/b");
  CHECK(updated.action == "updated");
  CHECK(git::read_block(updated.text).binary == "/new/b");

  auto stripped = git::strip_hook_text(updated.text);
  CHECK(stripped.found);
  CHECK_FALSE(stripped.delete_file);
  CHECK(stripped.text == user);
  auto gone = git::strip_hook_text(created.text);
  CHECK(gone.delete_file);
}

TEST_CASE("a hook that is not a shell script is never rewritten", "[notes][hooks]") {
  auto r = git::chain_hook_text("#!/usr/bin/env python3\nprint('hi')\n", true, "pre-push", "/b");
  CHECK(r.action == "refused");
  CHECK(r.refusal.find("not a shell script") != std::string::npos);
  CHECK(git::chain_hook_text("echo no shebang\n", true, "pre-push", "/b").action == "refused");
}

TEST_CASE("stdin-reading hooks keep their input for the rest of the script", "[notes][hooks]") {
  std::string block = git::hook_block("pre-push", "/b", false);
  CHECK(block.find("cat >\"$ot_in\"") != std::string::npos);
  CHECK(block.find("exec <\"$ot_in\"") != std::string::npos);
  CHECK(git::hook_block("post-commit", "/b", false).find("</dev/null") != std::string::npos);
}

TEST_CASE("install/remove in a repository: chained, created, config, exact removal", "[notes][hooks]") {
  TempRepo repo;
  repo.git_cmd("remote add origin /nowhere.git");
  fs::path hook = repo.dir / ".git" / "hooks" / "post-commit";
  const std::string user = "#!/bin/sh\necho mine\n";
  REQUIRE(ot::write_file_atomic(hook, user, 0755).ok());

  auto dry = git::install_git_integration(repo.dir, "/usr/bin/git-opentraces", true);
  REQUIRE(dry.ok());
  CHECK(slurp(hook) == user);  // dry run writes nothing
  CHECK(repo.config("notes.rewriteRef").empty());

  auto r = git::install_git_integration(repo.dir, "/usr/bin/git-opentraces", false);
  REQUIRE(r.ok());
  REQUIRE(r->hooks.size() == 3);
  CHECK(r->hooks[0].action == "chained");
  CHECK(r->hooks[1].action == "created");
  CHECK(r->hooks[2].action == "created");
  CHECK(repo.config("notes.rewriteRef") == "refs/notes/opentraces\n");
  CHECK(repo.config("remote.origin.fetch").find(git::kNotesFetchRefspec) != std::string::npos);
  CHECK(::access((repo.dir / ".git/hooks/pre-push").c_str(), X_OK) == 0);

  auto again = git::install_git_integration(repo.dir, "/usr/bin/git-opentraces", false);
  REQUIRE(again.ok());
  CHECK_FALSE(again->changed());
  CHECK(repo.config("notes.rewriteRef") == "refs/notes/opentraces\n");

  auto st = git::git_integration_status(repo.dir);
  REQUIRE(st.ok());
  CHECK(st->installed);
  CHECK(st->rewrite_ref);
  CHECK(st->fetch_refspec);
  CHECK(st->hooks[0].block.foreign_content);

  auto rm = git::remove_git_integration(repo.dir, false);
  REQUIRE(rm.ok());
  CHECK(slurp(hook) == user);
  CHECK_FALSE(fs::exists(repo.dir / ".git/hooks/pre-push"));
  CHECK_FALSE(fs::exists(repo.dir / ".git/hooks/post-rewrite"));
  CHECK(repo.config("notes.rewriteRef").empty());
  CHECK(repo.config("remote.origin.fetch") == "+refs/heads/*:refs/remotes/origin/*\n");
}

TEST_CASE("core.hooksPath decides where hooks go", "[notes][hooks]") {
  TempRepo repo;
  repo.git_cmd("config core.hooksPath .githooks");
  auto r = git::install_git_integration(repo.dir, "/b", false);
  REQUIRE(r.ok());
  CHECK(r->hooks_path_configured);
  CHECK(r->hooks_dir == repo.dir / ".githooks");
  CHECK(fs::exists(repo.dir / ".githooks" / "post-commit"));
  CHECK_FALSE(fs::exists(repo.dir / ".git" / "hooks" / "post-commit"));
  // No origin: the refspec is skipped, not an error.
  CHECK(r->config.back().action == "skipped");
}

TEST_CASE("a non-executable existing hook is left alone", "[notes][hooks]") {
  TempRepo repo;
  fs::path hook = repo.dir / ".git" / "hooks" / "post-commit";
  REQUIRE(ot::write_file_atomic(hook, "#!/bin/sh\necho off\n", 0644).ok());
  auto r = git::install_git_integration(repo.dir, "/b", false);
  REQUIRE(r.ok());
  CHECK(r->refused());
  CHECK(r->hooks[0].action == "refused");
  CHECK(slurp(hook) == "#!/bin/sh\necho off\n");
}
