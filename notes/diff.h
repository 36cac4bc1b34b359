// Commit diffs for Trace Trails: a commit against its first parent (the empty tree
// for a root commit), rename detection on, zero context. For each changed file:
// the hunks, the sorted line numbers added in the new file, and the new file's
// content split into lines (the matcher searches authored text in it). Plain data:
// engine/trails uses these types without seeing git2.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.h"
#include "notes/handle.h"

namespace ot::git {

struct Hunk {
  int old_start = 0, old_lines = 0;  // 1-based, as in "@@ -a,b +c,d @@"
  int new_start = 0, new_lines = 0;
  std::vector<int> added;            // new-file line numbers added by this hunk
};

struct FileChange {
  std::string path;      // repo-relative path in the commit ('/'-separated)
  std::string old_path;  // path in the parent (differs on rename/copy; empty when added)
  char status = 'M';     // A added, M modified, D deleted, R renamed, C copied, T type change
  bool binary = false;
  std::vector<Hunk> hunks;
  std::vector<int> added_lines;         // sorted, all hunks
  std::vector<std::string> new_lines;   // new file content, one entry per line (no '\n')

  bool is_added(int line) const;
};

struct CommitInfo {
  std::string sha;
  std::vector<std::string> parents;
  std::string subject;
  std::string author_name, author_email;
  int64_t time_ms = 0;  // committer time
};

struct CommitDiff {
  CommitInfo commit;
  bool merge = false;               // more than one parent: files left empty unless asked
  std::vector<FileChange> files;

  int added_total() const;
  const FileChange* file(std::string_view path) const;
};

struct DiffOptions {
  bool diff_merges = false;              // diff a merge against its first parent anyway
  bool load_content = true;              // fill FileChange::new_lines
  int64_t max_file_bytes = 4 << 20;      // larger blobs are treated as binary
};

// Resolves `rev` (sha, prefix, ref, HEAD~2...) to a full commit sha.
Result<std::string> resolve_commit(const Repo& repo, std::string_view rev);

Result<CommitInfo> commit_info(const Repo& repo, std::string_view rev);

Result<CommitDiff> commit_diff(const Repo& repo, std::string_view rev, const DiffOptions& opts = {});

// Lines of the file at `path` in commit `rev`; NOT_FOUND error when absent.
Result<std::vector<std::string>> file_lines_at(const Repo& repo, std::string_view rev, std::string_view path);

// Splits text into lines (no terminators; a trailing newline adds no empty line).
std::vector<std::string> split_lines(std::string_view text);

}  // namespace ot::git
