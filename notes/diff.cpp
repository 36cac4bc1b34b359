#include "notes/diff.h"

#include <git2.h>

#include <algorithm>
#include <memory>

#include "notes/git_util.h"

namespace ot::git {

namespace {

template <typename T, void (*F)(T*)>
struct Freer {
  void operator()(T* p) const { F(p); }
};
using CommitPtr = std::unique_ptr<git_commit, Freer<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Freer<git_tree, git_tree_free>>;
using DiffPtr = std::unique_ptr<git_diff, Freer<git_diff, git_diff_free>>;
using BlobPtr = std::unique_ptr<git_blob, Freer<git_blob, git_blob_free>>;
using ObjectPtr = std::unique_ptr<git_object, Freer<git_object, git_object_free>>;

Error not_found(std::string_view rev) {
  return make_error(ExitCode::kNotFound, "COMMIT_NOT_FOUND", "trail",
                    "no commit named '" + std::string(rev) + "' in this repository",
                    "pass a commit sha, a unique prefix, or a ref such as HEAD~1");
}

Result<CommitPtr> lookup_commit(const Repo& repo, std::string_view rev) {
  git_object* obj = nullptr;
  std::string r(rev);
  if (git_revparse_single(&obj, repo.raw(), r.c_str()) != 0) return not_found(rev);
  ObjectPtr guard(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) return not_found(rev);
  return CommitPtr(reinterpret_cast<git_commit*>(peeled));
}

CommitInfo info_of(git_commit* c) {
  CommitInfo info;
  info.sha = oid_hex(*git_commit_id(c));
  for (unsigned i = 0; i < git_commit_parentcount(c); ++i) info.parents.push_back(oid_hex(*git_commit_parent_id(c, i)));
  if (const char* s = git_commit_summary(c)) info.subject = s;
  if (const git_signature* a = git_commit_author(c)) {
    info.author_name = a->name ? a->name : "";
    info.author_email = a->email ? a->email : "";
  }
  info.time_ms = static_cast<int64_t>(git_commit_time(c)) * 1000;
  return info;
}

struct Collector {
  CommitDiff* out;
};

int on_file(const git_diff_delta* d, float, void* payload) {
  auto* c = static_cast<Collector*>(payload);
  FileChange f;
  f.path = d->new_file.path ? d->new_file.path : "";
  switch (d->status) {
    case GIT_DELTA_ADDED: f.status = 'A'; break;
    case GIT_DELTA_DELETED: f.status = 'D'; f.path = d->old_file.path ? d->old_file.path : ""; break;
    case GIT_DELTA_RENAMED: f.status = 'R'; break;
    case GIT_DELTA_COPIED: f.status = 'C'; break;
    case GIT_DELTA_TYPECHANGE: f.status = 'T'; break;
    default: f.status = 'M'; break;
  }
  if (d->status != GIT_DELTA_ADDED && d->old_file.path) f.old_path = d->old_file.path;
  f.binary = (d->flags & GIT_DIFF_FLAG_BINARY) != 0;
  c->out->files.push_back(std::move(f));
  return 0;
}

int on_hunk(const git_diff_delta*, const git_diff_hunk* h, void* payload) {
  auto* c = static_cast<Collector*>(payload);
  Hunk hunk;
  hunk.old_start = h->old_start;
  hunk.old_lines = h->old_lines;
  hunk.new_start = h->new_start;
  hunk.new_lines = h->new_lines;
  c->out->files.back().hunks.push_back(std::move(hunk));
  return 0;
}

int on_line(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* l, void* payload) {
  auto* c = static_cast<Collector*>(payload);
  if (l->origin != GIT_DIFF_LINE_ADDITION || l->new_lineno <= 0) return 0;
  FileChange& f = c->out->files.back();
  if (!f.hunks.empty()) f.hunks.back().added.push_back(l->new_lineno);
  f.added_lines.push_back(l->new_lineno);
  return 0;
}

}  // namespace

bool FileChange::is_added(int line) const {
  return std::binary_search(added_lines.begin(), added_lines.end(), line);
}

int CommitDiff::added_total() const {
  int n = 0;
  for (const auto& f : files) n += static_cast<int>(f.added_lines.size());
  return n;
}

const FileChange* CommitDiff::file(std::string_view path) const {
  for (const auto& f : files)
    if (f.path == path) return &f;
  return nullptr;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    start = nl + 1;
  }
  return lines;
}

Result<std::string> resolve_commit(const Repo& repo, std::string_view rev) {
  auto c = lookup_commit(repo, rev);
  if (!c.ok()) return c.error();
  return oid_hex(*git_commit_id(c->get()));
}

Result<CommitInfo> commit_info(const Repo& repo, std::string_view rev) {
  auto c = lookup_commit(repo, rev);
  if (!c.ok()) return c.error();
  return info_of(c->get());
}

Result<CommitDiff> commit_diff(const Repo& repo, std::string_view rev, const DiffOptions& opts) {
  auto c = lookup_commit(repo, rev);
  if (!c.ok()) return c.error();
  CommitDiff out;
  out.commit = info_of(c->get());
  out.merge = out.commit.parents.size() > 1;
  if (out.merge && !opts.diff_merges) return out;

  git_tree* new_tree_raw = nullptr;
  if (git_commit_tree(&new_tree_raw, c->get()) != 0) return last_git_error("trail", "cannot read commit tree");
  TreePtr new_tree(new_tree_raw);
  TreePtr old_tree;
  if (!out.commit.parents.empty()) {
    git_commit* parent = nullptr;
    if (git_commit_parent(&parent, c->get(), 0) != 0) return last_git_error("trail", "cannot read parent commit");
    CommitPtr pguard(parent);
    git_tree* t = nullptr;
    if (git_commit_tree(&t, parent) != 0) return last_git_error("trail", "cannot read parent tree");
    old_tree.reset(t);
  }

  git_diff_options dopts = GIT_DIFF_OPTIONS_INIT;
  dopts.context_lines = 0;
  dopts.interhunk_lines = 0;
  git_diff* diff_raw = nullptr;
  if (git_diff_tree_to_tree(&diff_raw, repo.raw(), old_tree.get(), new_tree.get(), &dopts) != 0)
    return last_git_error("trail", "cannot diff commit " + out.commit.sha);
  DiffPtr diff(diff_raw);
  git_diff_find_options fopts = GIT_DIFF_FIND_OPTIONS_INIT;
  fopts.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_find_similar(diff.get(), &fopts) != 0) return last_git_error("trail", "rename detection failed");

  Collector col{&out};
  if (git_diff_foreach(diff.get(), on_file, nullptr, on_hunk, on_line, &col) != 0)
    return last_git_error("trail", "cannot walk diff of " + out.commit.sha);

  if (opts.load_content) {
    size_t i = 0;
    for (size_t d = 0; d < git_diff_num_deltas(diff.get()) && i < out.files.size(); ++d, ++i) {
      const git_diff_delta* delta = git_diff_get_delta(diff.get(), d);
      FileChange& f = out.files[i];
      std::sort(f.added_lines.begin(), f.added_lines.end());
      if (f.status == 'D' || f.binary || f.added_lines.empty()) continue;
      git_blob* b = nullptr;
      if (git_blob_lookup(&b, repo.raw(), &delta->new_file.id) != 0) continue;
      BlobPtr blob(b);
      if (git_blob_is_binary(b) || static_cast<int64_t>(git_blob_rawsize(b)) > opts.max_file_bytes) {
        f.binary = true;
        continue;
      }
      f.new_lines = split_lines(std::string_view(static_cast<const char*>(git_blob_rawcontent(b)),
                                                 static_cast<size_t>(git_blob_rawsize(b))));
    }
  } else {
    for (auto& f : out.files) std::sort(f.added_lines.begin(), f.added_lines.end());
  }
  return out;
}

Result<std::vector<std::string>> file_lines_at(const Repo& repo, std::string_view rev, std::string_view path) {
  auto c = lookup_commit(repo, rev);
  if (!c.ok()) return c.error();
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c->get()) != 0) return last_git_error("trail", "cannot read commit tree");
  TreePtr tree(t);
  git_tree_entry* e = nullptr;
  std::string p(path);
  if (git_tree_entry_bypath(&e, tree.get(), p.c_str()) != 0)
    return make_error(ExitCode::kNotFound, "PATH_NOT_FOUND", "trail", p + " does not exist at " + std::string(rev));
  std::unique_ptr<git_tree_entry, Freer<git_tree_entry, git_tree_entry_free>> eguard(e);
  git_blob* b = nullptr;
  if (git_blob_lookup(&b, repo.raw(), git_tree_entry_id(e)) != 0)
    return make_error(ExitCode::kNotFound, "PATH_NOT_FOUND", "trail", p + " is not a file at " + std::string(rev));
  BlobPtr blob(b);
  return split_lines(std::string_view(static_cast<const char*>(git_blob_rawcontent(b)),
                                      static_cast<size_t>(git_blob_rawsize(b))));
}

}  // namespace ot::git
