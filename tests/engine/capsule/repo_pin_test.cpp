#include "engine/capsule/repo_pin.h"

#include <catch2/catch.hpp>

#include "engine/trails/fact.h"
#include "engine/util/fs.h"
#include "engine/util/process.h"
#include "tests/engine/bucket/test_support.h"

using namespace ot;

namespace {

std::string git(const std::filesystem::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "git");
  ProcessOptions po;
  po.cwd = dir;
  po.env = {{"GIT_CONFIG_NOSYSTEM", "1"}, {"GIT_CONFIG_GLOBAL", "/dev/null"}, {"GIT_AUTHOR_NAME", "t"},
            {"GIT_AUTHOR_EMAIL", "t@example.com"}, {"GIT_COMMITTER_NAME", "t"}, {"GIT_COMMITTER_EMAIL", "t@example.com"}};
  auto r = run_process(args, po);
  REQUIRE(r.ok());
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
  std::string out = r->out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

trails::Fact fact(const std::string& trace, int step, int start) {
  trails::Fact f;
  f.trace_id = trace;
  f.agent = "claude-code";
  f.patch_id = "sha256:" + std::string(64, 'b');
  f.step_index = step;
  f.file = "calc.py";
  f.start_line = start;
  f.end_line = start + 2;
  f.tier = "exact_range_hash";
  f.firmness = "firm";
  return f;
}

}  // namespace

TEST_CASE("repo pin, trail anchors from the notes, bundle", "[capsule]") {
  bucket::test::TempDir tmp;
  auto repo = tmp.path / "r";
  std::filesystem::create_directories(repo);
  git(repo, {"init", "-q"});
  REQUIRE(write_file_atomic(repo / "calc.py", "a\nb\nc\nd\n").ok());
  git(repo, {"add", "."});
  git(repo, {"commit", "-qm", "one"});
  std::string head = git(repo, {"rev-parse", "HEAD"});
  git(repo, {"remote", "add", "origin", "git@github.com:acme/calc.git"});
  std::string note = trails::fact_line(fact("t1", 1, 1)) + "\n" + trails::fact_line(fact("t1", 7, 2)) + "\n" +
                     trails::fact_line(fact("t2", 1, 1)) + "\n";
  git(repo, {"notes", "--ref=refs/notes/opentraces", "add", "-m", note, head});

  auto pin = capsule::pin_repo(repo);
  REQUIRE(pin.ok());
  CHECK(pin->commit == head);
  CHECK(pin->remote_url == "git@github.com:acme/calc.git");
  CHECK(capsule::has_commit(repo, head));
  CHECK(!capsule::has_commit(repo, std::string(40, '0')));
  CHECK(capsule::pin_repo(repo, "no-such-branch").error().code == "REV_NOT_FOUND");
  CHECK(capsule::pin_repo(tmp.path).error().code == "NOT_A_GIT_REPO");

  // Steps 0-3 of t1: the fact at step 1 only (step 7 is outside, t2 is another trace).
  auto anchors = capsule::trail_anchors(repo, "t1", 0, 3);
  REQUIRE(anchors.ok());
  REQUIRE(anchors->size() == 1);
  CHECK((*anchors)[0]["commit"] == head);
  CHECK((*anchors)[0]["step_index"] == 1);
  CHECK((*anchors)[0]["file"] == "calc.py");
  CHECK((*anchors)[0]["anchor_id"].get<std::string>().rfind("gitanchor-sha256:", 0) == 0);
  // A span starting at 5: step 7 re-based to 2.
  auto later = capsule::trail_anchors(repo, "t1", 5, 9);
  REQUIRE(later.ok());
  REQUIRE(later->size() == 1);
  CHECK((*later)[0]["step_index"] == 2);
  CHECK((*later)[0]["source_step_index"] == 7);

  auto bundle = capsule::write_bundle(repo, head, tmp.path / "b.tar.gz");
  REQUIRE(bundle.ok());
  CHECK((*bundle)["bytes"].get<int64_t>() > 0);
  auto again = capsule::write_bundle(repo, head, tmp.path / "c.tar.gz");
  REQUIRE(again.ok());
  CHECK((*again)["sha256"] == (*bundle)["sha256"]);  // git archive of a commit is reproducible
}
