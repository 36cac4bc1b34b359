// Whole-file line origin for `git opentraces blame`: for every line of a file at a
// revision, the commit that introduced it and where the line was in that commit
// (renames followed). Two engines answer the same question:
//   * kGitCli — `git blame --porcelain` (the default: several times faster than
//     libgit2 on long histories, see docs/performance.md);
//   * kLibgit2 — libgit2's git_blame_file (kept for the measurement and as a fallback
//     when the git program is missing).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/util/result.h"
#include "notes/handle.h"

namespace ot::git {

struct OriginLine {
  int line = 0;             // 1-based line number in the blamed file at `rev`
  std::string commit_sha;   // the commit that introduced the line
  std::string orig_path;    // the file's path in that commit (differs after a rename)
  int orig_line = 0;        // the line's number in that commit
  std::string text;         // the line at `rev` (no terminator)
  bool boundary = false;    // a root commit (or the -L/range boundary)
};

struct OriginCommit {
  std::string author_name, author_email, summary;
  int64_t author_time = 0;  // seconds since the epoch
};

struct FileOrigins {
  std::string rev_sha;                            // the blamed revision, resolved
  std::vector<OriginLine> lines;                  // ascending by line
  std::map<std::string, OriginCommit> commits;    // sha → metadata
  // (commit, path) → (parent commit, path there): git's "previous" (CLI engine only).
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> previous;
};

enum class BlameEngine { kGitCli, kLibgit2 };

struct FileOriginOptions {
  std::string rev = "HEAD";
  int from = 0, to = 0;            // 1-based inclusive line window; 0 = whole file
  bool ignore_whitespace = true;   // -w: whitespace-only changes keep the older origin
  BlameEngine engine = BlameEngine::kGitCli;
};

// Errors: PATH_NOT_FOUND (6) when `path` is not in `rev`; BAD_REVISION (6);
// LINE_OUT_OF_RANGE (2) for a window past the end; BLAME_FAILED (3).
Result<FileOrigins> file_origins(const Repo& repo, const std::string& path, const FileOriginOptions& opts = {});

// Parses `git blame --porcelain` output (exposed for tests).
Result<FileOrigins> parse_blame_porcelain(std::string_view text);

// Runs `git -C <workdir> ARGS...`; stdout returned, stderr kept apart.
struct GitRun {
  int rc = 0;
  std::string out, err;
};
Result<GitRun> run_git_capture(const Repo& repo, const std::vector<std::string>& args);

}  // namespace ot::git
