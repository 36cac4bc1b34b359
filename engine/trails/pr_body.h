// PR bodies from trace evidence (`trail pr`, reference 5.7): the commits of a branch
// (merge-base(base, head)..head), the notes that attribute their lines, and the traces
// behind those notes become a deterministic Markdown body: the same inputs give the
// same bytes, so a CI job can re-render on every push and only touch the PR when the
// evidence changed.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/schema/record.h"
#include "engine/util/json.h"
#include "engine/util/result.h"
#include "notes/diff.h"
#include "notes/handle.h"

namespace ot::trails {

// GitHub refuses PR bodies longer than this many characters.
inline constexpr size_t kGithubBodyLimit = 65536;

struct PrScopeOptions {
  std::string base;  // empty = the remote's default branch, else main/master
  std::string head = "HEAD";
};

// A trace's record, when this machine's bucket has it (nullopt: render from notes alone).
using TraceLoader = std::function<std::optional<schema::TraceRecord>(const std::string& trace_id)>;

struct PrIntent {
  std::string trace_id, agent, model;
  int user_step = -1;            // the user step whose instruction this is (-1: not known)
  std::string instruction;       // the user's words (trimmed), "" when not captured
  std::map<std::string, int> files;  // file → attributed lines in the branch
  std::vector<std::string> commits;  // shas, branch order (oldest first)
  int lines = 0, alive = 0;      // attributed lines; of those still present at head
  std::map<std::string, int> survival;  // state → lines
  std::set<std::string> tiers;
  int first_step = -1, last_step = -1;
};

struct PrSession {
  std::string trace_id, agent, model, started, title;
  int steps = -1;                // -1: record not available
  int lines = 0;                 // attributed lines in the branch
  std::optional<double> cost_usd;
  bool provisional = false;
};

struct PrTestRun {
  std::string command, trace_id, result;  // result: passed | failed | unknown
  int runs = 0;
};

struct PrCommit {
  git::CommitInfo info;
  bool merge = false;
  int added = 0, attributed = 0;
  std::set<std::string> traces;
};

struct PrAgentShare {
  std::string agent, model;
  int lines = 0, sessions = 0;
};

struct PrEvidence {
  std::string base_ref, base_sha, head_ref, head_sha, merge_base, branch;
  std::vector<PrCommit> commits;          // oldest first
  std::set<std::string> files;            // files changed by non-merge commits
  int added = 0, attributed = 0;
  std::vector<PrAgentShare> shares;       // most lines first
  std::vector<PrIntent> intents;          // branch order of their first commit
  std::vector<PrSession> sessions;        // most lines first
  std::vector<PrTestRun> tests;
  std::vector<std::string> risks;
  std::vector<std::string> limitations;   // what could not be known, plainly
  std::string scope_digest;               // "sha256:..." over everything the body depends on
};

Result<PrEvidence> gather_pr_evidence(const git::Repo& repo, const PrScopeOptions& options, const TraceLoader& load);

struct PrBody {
  std::string markdown;
  bool truncated = false;
};

// Deterministic Markdown; at most `limit` characters (sections are cut with a note).
PrBody render_pr_markdown(const PrEvidence& e, size_t limit = kGithubBodyLimit);

// The default PR title: the latest non-merge commit's subject, else "opentraces: branch <digest12>".
std::string default_pr_title(const PrEvidence& e);

json pr_evidence_to_json(const PrEvidence& e);

// Test-runner commands seen in a trace and the result of their last run.
std::vector<PrTestRun> tests_seen(const schema::TraceRecord& r);

}  // namespace ot::trails
