#include "notes/blame.h"

#include <git2.h>

#include "notes/diff.h"
#include "notes/git_util.h"

namespace ot::git {

Result<LineOrigin> line_origin(const Repo& repo, const std::string& path, int line) {
  auto lines = file_lines_at(repo, "HEAD", path);
  if (!lines.ok()) return lines.error();
  if (line < 1 || static_cast<size_t>(line) > lines->size())
    return make_error(ExitCode::kUsage, "LINE_OUT_OF_RANGE", "trail blame",
                      path + " has " + std::to_string(lines->size()) + " lines at HEAD; line " + std::to_string(line) +
                          " does not exist");
  git_blame_options opts = GIT_BLAME_OPTIONS_INIT;
  opts.flags = GIT_BLAME_TRACK_COPIES_SAME_FILE;
  opts.min_line = static_cast<size_t>(line);
  opts.max_line = static_cast<size_t>(line);
  git_blame* blame = nullptr;
  if (git_blame_file(&blame, repo.raw(), path.c_str(), &opts) != 0) return last_git_error("trail blame", "cannot blame " + path);
  const git_blame_hunk* h = git_blame_get_hunk_byline(blame, static_cast<size_t>(line));
  if (!h) {
    git_blame_free(blame);
    return make_error(ExitCode::kResource, "BLAME_FAILED", "trail blame", "no blame for " + path + ":" + std::to_string(line));
  }
  LineOrigin o;
  o.commit_sha = oid_hex(h->final_commit_id);
  o.orig_path = h->orig_path ? h->orig_path : path;
  o.orig_line = static_cast<int>(h->orig_start_line_number) + (line - static_cast<int>(h->final_start_line_number));
  o.text = (*lines)[static_cast<size_t>(line - 1)];
  git_blame_free(blame);
  return o;
}

}  // namespace ot::git
