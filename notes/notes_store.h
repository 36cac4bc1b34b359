// Notes on refs/notes/opentraces (any notes ref, really), read and written through
// libgit2. Writes are compare-and-swap on the notes ref: the new notes commit is
// built on the tip we read, and the ref moves only if it still points there; a
// concurrent writer makes us re-read and retry, so no update is lost.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/result.h"
#include "notes/handle.h"

struct git_commit;

namespace ot::git {

inline constexpr const char* kNotesRef = "refs/notes/opentraces";

// The note text on `commit_sha`, or nullopt when there is none.
Result<std::optional<std::string>> read_note(const Repo& repo, const std::string& commit_sha,
                                             const std::string& ref = kNotesRef);

// Computes new note text from the current one (nullopt = no note). Returning
// nullopt or an empty string removes the note; returning the same text is a no-op.
using NoteUpdate = std::function<std::optional<std::string>(const std::optional<std::string>& current)>;

struct NotesWriteStats {
  int changed = 0;   // notes created, replaced or removed
  int retries = 0;   // compare-and-swap retries
};

// Applies `updates` (commit sha → update function) in one ref update. The functions
// may run more than once (on retry) and must be pure.
// With `merge_parent` (a notes commit sha), the result is a merge commit whose
// parents are the updated tip and merge_parent (used by sync: pushable as a
// fast-forward of the remote's notes).
Result<NotesWriteStats> update_notes(const Repo& repo, const std::map<std::string, NoteUpdate>& updates,
                                     const std::string& message, const std::string& ref = kNotesRef,
                                     const std::string& merge_parent = {});

// Moves `ref` to `target` if it still points at `expected` (nullopt = must not exist).
Status set_ref_cas(const Repo& repo, const std::string& ref, const std::string& target,
                   const std::optional<std::string>& expected, const std::string& message);

// Replaces the note on one commit (empty text removes it).
Status write_note(const Repo& repo, const std::string& commit_sha, const std::string& text,
                  const std::string& ref = kNotesRef);

// Many reads from one state of a notes ref: the ref is resolved and its commit
// parsed once (read_note does both on every call). For whole-file blame, which asks
// for the note of every origin commit.
class NotesSnapshot {
 public:
  // An absent ref gives an empty snapshot (every read answers "no note").
  static Result<NotesSnapshot> open(const Repo& repo, const std::string& ref = kNotesRef);
  bool empty() const { return commit_ == nullptr; }
  Result<std::optional<std::string>> read(const std::string& commit_sha) const;

 private:
  git_repository* repo_ = nullptr;
  std::shared_ptr<git_commit> commit_;
};

struct NoteEntry {
  std::string commit_sha;
  std::string text;
};
// Every note on the ref (empty when the ref does not exist).
Result<std::vector<NoteEntry>> all_notes(const Repo& repo, const std::string& ref = kNotesRef);

// The notes ref's tip, or nullopt when absent.
Result<std::optional<std::string>> notes_tip(const Repo& repo, const std::string& ref = kNotesRef);

}  // namespace ot::git
