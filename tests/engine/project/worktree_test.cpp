#include "engine/project/worktree.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace ot;

namespace {

std::string sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  char buf[256];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  if (p) pclose(p);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

struct Repo {
  fs::path dir;
  Repo() {
    char tmpl[] = "/tmp/ot-worktree-XXXXXX";
    dir = mkdtemp(tmpl);
    REQUIRE(std::system(("cd " + dir.string() + " && git init -q main && cd main && mkdir -p a/b && "
                         "git -c user.name=t -c user.email=t@e commit -q --allow-empty -m one").c_str()) == 0);
  }
  ~Repo() { fs::remove_all(dir); }
  std::string git(const std::string& args) { return sh("cd " + (dir / "main").string() + " && git " + args); }
};

}  // namespace

TEST_CASE("the work tree is found from a subdirectory and HEAD read from ref files") {
  Repo r;
  auto t = project::find_work_tree(r.dir / "main" / "a" / "b");
  REQUIRE(t.has_value());
  CHECK(t->root == r.dir / "main");
  CHECK(t->git_dir == r.dir / "main" / ".git");
  CHECK(project::read_head_sha(*t) == r.git("rev-parse HEAD"));
  CHECK_FALSE(project::find_work_tree(r.dir).has_value());
}

TEST_CASE("HEAD resolves through packed-refs and when detached") {
  Repo r;
  std::string head = r.git("rev-parse HEAD");
  r.git("pack-refs --all");
  REQUIRE_FALSE(fs::exists(r.dir / "main" / ".git" / "refs" / "heads" / "main"));
  auto t = project::find_work_tree(r.dir / "main");
  REQUIRE(t.has_value());
  CHECK(project::read_head_sha(*t) == head);
  r.git("checkout -q --detach");
  CHECK(project::read_head_sha(*t) == head);
}

TEST_CASE("a linked worktree uses its own git dir and the shared refs") {
  Repo r;
  r.git("worktree add -q -b side ../side");
  r.git("-c user.name=t -c user.email=t@e commit -q --allow-empty -m two");  // main moves on; side stays
  auto t = project::find_work_tree(r.dir / "side");
  REQUIRE(t.has_value());
  CHECK(t->root == r.dir / "side");
  CHECK(t->common_dir == r.dir / "main" / ".git");
  CHECK(project::read_head_sha(*t) == sh("cd " + (r.dir / "side").string() + " && git rev-parse HEAD"));
  CHECK(project::read_head_sha(*t) != r.git("rev-parse HEAD"));
}

TEST_CASE("an unborn branch has no HEAD commit") {
  char tmpl[] = "/tmp/ot-worktree-XXXXXX";
  fs::path dir = mkdtemp(tmpl);
  REQUIRE(std::system(("git init -q " + dir.string()).c_str()) == 0);
  auto t = project::find_work_tree(dir);
  REQUIRE(t.has_value());
  CHECK_FALSE(project::read_head_sha(*t).has_value());
  fs::remove_all(dir);
}
