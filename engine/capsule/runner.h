// `capsule test` and `capsule replay`.
//
// test: the capsule's test command runs in a fresh detached `git worktree` at the pinned
// commit and another at --against (default HEAD), each with a minimal environment
// (`env -i` with PATH, HOME in a scratch directory, LANG) and a timeout; the worktrees are
// removed afterwards whatever happened. Verdict:
//   fixed         fails at the pin (with the expected error, when one was captured), passes at --against
//   reproduces    fails at both
//   inconclusive  passes at the pin, fails differently than captured, or a run timed out
// replay: the packet an agent (or a person) needs to replay the episode: intent, the commit
// to start from, the oracle that says whether it worked, the steps to follow.
#pragma once

#include <filesystem>
#include <string>

#include "engine/capsule/manifest.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

inline constexpr const char* kTestSchema = "opentraces.capsule.test.v1";
inline constexpr const char* kReplaySchema = "opentraces.capsule.replay.v1";

struct TestOptions {
  std::filesystem::path repo_dir = ".";
  std::string against = "HEAD";
  int timeout_s = 180;
  bool inherit_env = false;  // run with the caller's whole environment
};

// {capsule_id, command, verdict, reason, runs[{label, commit, exit_code, timed_out,
// duration_ms, expected_error_seen, output_tail}]}. Errors (exit 2): NO_TEST_COMMAND,
// NOT_A_GIT_REPO, REV_NOT_FOUND, PINNED_COMMIT_MISSING, WORKTREE_FAILED.
Result<json> test_capsule(const Capsule& c, const TestOptions& o);

// {capsule_id, trace_id, intent, before_commit, against, oracle{strategy, question, command},
// instructions[]}.
json replay_packet(const Capsule& c, const std::string& against);

}  // namespace ot::capsule
