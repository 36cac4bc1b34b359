// `trail blame` models: which trace wrote which added line of a commit (commit
// mode), and which commits a trace landed in (trace mode). Read from notes only,
// so a teammate who fetched refs/notes/opentraces sees the same answer.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/trails/fact.h"
#include "engine/util/result.h"
#include "notes/diff.h"
#include "notes/handle.h"

namespace ot::trails {

struct BlameLine {
  int n = 0;
  int fact = -1;  // index into BlameReport::facts, -1 = not attributed
};

struct BlameFile {
  std::string path;
  std::vector<BlameLine> added;        // every added line, ascending
  std::vector<std::string> new_lines;  // the file at the commit (for --lines)
  int attributed = 0;
};

struct BlameTrace {
  std::string trace_id, agent, model;
  int lines = 0;
  std::set<std::string> files;
  std::set<std::string> tiers;
};

struct BlameReport {
  git::CommitInfo commit;
  bool notes_ref_exists = false;
  bool has_note = false;
  int total = 0;
  int attributed = 0;
  std::vector<Fact> facts;
  std::vector<std::string> other_lines;  // note lines that are not facts (e.g. "opentraces:<trace>")
  std::vector<BlameFile> files;
  std::vector<std::string> changed_paths;  // every file the commit changed (also those with no added line)
  std::vector<BlameTrace> traces;        // most lines first
};

// `path` restricts files (exact path or directory prefix); empty = all.
Result<BlameReport> blame_commit(const git::Repo& repo, std::string_view rev, const std::string& path = {});

struct TraceCommit {
  git::CommitInfo commit;
  int lines = 0;          // lines attributed to the trace in this commit
  int total = 0;          // added lines of the commit
  std::set<std::string> files;
  std::string best_tier;
};

struct TraceBlame {
  std::string trace_id;  // resolved full id
  std::string agent, model;
  std::vector<TraceCommit> commits;     // newest first
  std::map<std::string, int> files;     // path → lines
  int lines = 0;
};

// Every commit whose note names the trace (full id or unique prefix). Errors:
// TRACE_NOT_FOUND (6), AMBIGUOUS_TRACE (2).
Result<TraceBlame> blame_trace(const git::Repo& repo, const std::string& trace);

}  // namespace ot::trails
