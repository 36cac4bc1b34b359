// `git opentraces blame <path>`: every line of a file at a revision, joined with
// the attribution of the commit that introduced it. Git answers "which commit and
// which line there" (notes/line_blame.h, renames followed, whitespace-only changes
// ignored); the commit's notes answer "who": our facts on refs/notes/opentraces,
// else git-ai's authorship/3.0.0 note on refs/notes/ai (read-only).
//
// Line kinds:
//   agent           a fact (ours or git-ai's) covers the line in its commit
//   human_modified  the line sits inside an agent block but is not the agent's text
//                   (the matcher left it out: a human changed it before committing)
//   human           the commit has a note (or our hook ran on it and found no
//                   agent lines) and no fact covers the line
//   unknown         nothing was recorded for the commit
// A line whose commit only reflowed text (the same characters, whitespace and line
// breaks aside) is followed to the commit before the reflow.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/trails/fact.h"
#include "engine/trails/gitai.h"
#include "engine/util/result.h"
#include "notes/handle.h"
#include "notes/line_blame.h"
#include "notes/notes_store.h"

namespace ot::trails {

struct LineClass {
  std::string kind = "unknown";  // agent | human_modified | human | unknown
  std::string source;            // opentraces | git-ai | note | hook_log | "" (unknown)
  std::string trace_id;          // ours: trace id; git-ai: its session key
  std::string agent, model;
  std::string tier, firmness;    // ours only ("" for git-ai)
  std::string patch_id;          // ours only
  std::string human_author;      // git-ai h_ entries
};

// Per-commit attribution, read lazily and cached (one note read per commit).
class AttributionIndex {
 public:
  explicit AttributionIndex(const git::Repo& repo) : repo_(repo) {}
  LineClass classify(const std::string& commit_sha, const std::string& path, int line);
  // True when the commit carries a note of ours or git-ai's.
  bool has_note(const std::string& commit_sha);
  // Our facts of one commit (empty when none).
  const std::vector<Fact>& facts(const std::string& commit_sha);
  const std::optional<GitAiNote>& gitai(const std::string& commit_sha);

 private:
  struct Entry {
    bool ours = false;
    std::vector<Fact> facts;
    std::optional<GitAiNote> ai;
  };
  Entry& load(const std::string& sha);
  bool hook_saw(const std::string& sha);
  const git::Repo& repo_;
  // Both notes refs resolved once, on first use (one ref lookup + commit parse each).
  std::optional<git::NotesSnapshot> ours_, ai_;
  std::map<std::string, Entry> cache_;
  std::optional<std::set<std::string>> hook_clean_;  // commits our post-commit hook fully processed
};

struct BlamedLine {
  git::OriginLine origin;
  LineClass who;
  std::string reflow_commit;  // the reflow commit followed through, if any
};

struct TraceTotal {
  std::string trace_id, agent, model, source;
  int lines = 0;
};

struct FileBlame {
  std::string path, rev, rev_sha;
  std::vector<BlamedLine> lines;
  std::map<std::string, git::OriginCommit> commits;
  std::map<std::string, int> kinds;  // kind → lines (every kind present, 0 included)
  std::vector<TraceTotal> traces;    // most lines first
  // (commit, path) → (parent, path there), from git blame; lets reflow following
  // skip commits cheaply (a reflowed line's characters must be in the parent).
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> previous;
  int reflow_diffs = 0;              // commits diffed while looking for reflows
};

struct FileBlameOptions {
  std::string rev = "HEAD";
  int from = 0, to = 0;
  bool follow_reflow = true;
  git::BlameEngine engine = git::BlameEngine::kGitCli;
};

Result<FileBlame> blame_file(const git::Repo& repo, const std::string& path, const FileBlameOptions& opts = {});

// A reflow hunk: the old and new lines hold the same characters once whitespace is
// removed. Returns, per new line (index into new_lines), the old line index holding
// its first non-blank character (-1 for blank new lines); empty when not a reflow.
std::vector<int> reflow_map(const std::vector<std::string>& old_lines, const std::vector<std::string>& new_lines);

}  // namespace ot::trails
