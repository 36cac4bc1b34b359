#include "notes/notes_store.h"

#include <git2.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "notes/git_util.h"

namespace ot::git {

namespace {

struct CommitFree {
  void operator()(git_commit* c) const { git_commit_free(c); }
};
using CommitPtr = std::unique_ptr<git_commit, CommitFree>;

// Reads the ref tip (nullopt when missing).
Result<std::optional<git_oid>> tip_oid(git_repository* r, const std::string& ref) {
  git_oid oid;
  int rc = git_reference_name_to_id(&oid, r, ref.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<git_oid>{};
  if (rc != 0) return last_git_error("notes", "cannot read " + ref);
  return std::optional<git_oid>{oid};
}

Result<std::optional<std::string>> read_in(git_repository* r, git_commit* notes_commit, const git_oid& target) {
  if (!notes_commit) return std::optional<std::string>{};
  git_note* note = nullptr;
  int rc = git_note_commit_read(&note, r, notes_commit, &target);
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>{};
  if (rc != 0) return last_git_error("notes", "cannot read note");
  std::string text = git_note_message(note) ? git_note_message(note) : "";
  git_note_free(note);
  return std::optional<std::string>{text};
}

// libgit2 1.5 checks "must not exist" before taking the ref lock, so two first
// writers could both create the notes ref. Our writers serialize creation with a
// lock file in the common git dir (stale after 10 s); updates use the ref lock.
int create_ref_exclusive(git_repository* r, const std::string& ref, const git_oid* target, const std::string& message) {
  namespace fs = std::filesystem;
  fs::path lock = fs::path(git_repository_commondir(r)) / "opentraces-notes-create.lock";
  int fd = -1;
  for (int i = 0; i < 200 && fd < 0; ++i) {
    fd = ::open(lock.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd >= 0) break;
    std::error_code ec;
    auto age = fs::file_time_type::clock::now() - fs::last_write_time(lock, ec);
    if (!ec && age > std::chrono::seconds(10)) fs::remove(lock, ec);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (fd < 0) return GIT_ELOCKED;
  ::close(fd);
  git_reference* out = nullptr;
  int rc = git_reference_create(&out, r, ref.c_str(), target, 0, message.c_str());
  if (out) git_reference_free(out);
  std::error_code ec;
  fs::remove(lock, ec);
  return rc;
}

// Who notes commits are by: opentraces.notesName / opentraces.notesEmail (git config,
// e.g. a bot identity in CI), else user.name / user.email, else a fixed fallback so a
// machine without an identity still records attribution.
git_signature* signature(git_repository* r) {
  git_signature* sig = nullptr;
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, r) == 0) {
    const char* name = nullptr;
    const char* email = nullptr;
    bool have_name = git_config_get_string(&name, cfg, "opentraces.notesName") == 0 && name && *name;
    bool have_email = git_config_get_string(&email, cfg, "opentraces.notesEmail") == 0 && email && *email;
    if (have_name || have_email) {
      git_signature* def = nullptr;
      if (!have_name || !have_email) git_signature_default(&def, r);
      int rc = git_signature_now(&sig, have_name ? name : def ? def->name : "git-opentraces",
                                 have_email ? email : def ? def->email : "opentraces@localhost");
      if (def) git_signature_free(def);
      git_config_free(cfg);
      if (rc == 0) return sig;
      sig = nullptr;
    } else {
      git_config_free(cfg);
    }
  }
  if (git_signature_default(&sig, r) == 0) return sig;
  if (git_signature_now(&sig, "git-opentraces", "opentraces@localhost") == 0) return sig;
  return nullptr;
}

}  // namespace

Result<std::optional<std::string>> notes_tip(const Repo& repo, const std::string& ref) {
  auto t = tip_oid(repo.raw(), ref);
  if (!t.ok()) return t.error();
  if (!*t) return std::optional<std::string>{};
  return std::optional<std::string>{oid_hex(**t)};
}

Result<std::optional<std::string>> read_note(const Repo& repo, const std::string& commit_sha, const std::string& ref) {
  git_oid target;
  if (git_oid_fromstr(&target, commit_sha.c_str()) != 0)
    return make_error(ExitCode::kUsage, "BAD_COMMIT_ID", "notes", "not a full commit id: " + commit_sha);
  auto t = tip_oid(repo.raw(), ref);
  if (!t.ok()) return t.error();
  if (!*t) return std::optional<std::string>{};
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo.raw(), &**t) != 0) return last_git_error("notes", "cannot read " + ref);
  CommitPtr guard(c);
  return read_in(repo.raw(), c, target);
}

Result<NotesSnapshot> NotesSnapshot::open(const Repo& repo, const std::string& ref) {
  NotesSnapshot s;
  s.repo_ = repo.raw();
  auto t = tip_oid(repo.raw(), ref);
  if (!t.ok()) return t.error();
  if (!*t) return s;
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo.raw(), &**t) != 0) return last_git_error("notes", "cannot read " + ref);
  s.commit_ = std::shared_ptr<git_commit>(c, git_commit_free);
  return s;
}

Result<std::optional<std::string>> NotesSnapshot::read(const std::string& commit_sha) const {
  if (!commit_) return std::optional<std::string>{};
  git_oid target;
  if (git_oid_fromstr(&target, commit_sha.c_str()) != 0)
    return make_error(ExitCode::kUsage, "BAD_COMMIT_ID", "notes", "not a full commit id: " + commit_sha);
  return read_in(repo_, commit_.get(), target);
}

Result<NotesWriteStats> update_notes(const Repo& repo, const std::map<std::string, NoteUpdate>& updates,
                                     const std::string& message, const std::string& ref,
                                     const std::string& merge_parent) {
  git_repository* r = repo.raw();
  NotesWriteStats stats;
  std::unique_ptr<git_signature, decltype(&git_signature_free)> sig(signature(r), git_signature_free);
  if (!sig) return last_git_error("notes", "cannot make a signature for the notes commit");
  constexpr int kAttempts = 20;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto t = tip_oid(r, ref);
    if (!t.ok()) return t.error();
    CommitPtr head;
    if (*t) {
      git_commit* c = nullptr;
      if (git_commit_lookup(&c, r, &**t) != 0) return last_git_error("notes", "cannot read " + ref);
      head.reset(c);
    }
    // Chain one notes commit per changed note on top of the tip we read.
    CommitPtr cur;
    git_commit* base = head.get();
    int changed = 0;
    for (const auto& [sha, fn] : updates) {
      git_oid target;
      if (git_oid_fromstr(&target, sha.c_str()) != 0)
        return make_error(ExitCode::kUsage, "BAD_COMMIT_ID", "notes", "not a full commit id: " + sha);
      auto old = read_in(r, base, target);
      if (!old.ok()) return old.error();
      std::optional<std::string> next = fn(*old);
      if (next && next->empty()) next.reset();
      if (next == *old) continue;
      git_oid new_commit;
      int rc;
      if (next) {
        git_oid blob;
        rc = git_note_commit_create(&new_commit, &blob, r, base, sig.get(), sig.get(), &target, next->c_str(), 1);
      } else {
        rc = git_note_commit_remove(&new_commit, r, base, sig.get(), sig.get(), &target);
      }
      if (rc != 0) return last_git_error("notes", "cannot write note for " + sha);
      git_commit* nc = nullptr;
      if (git_commit_lookup(&nc, r, &new_commit) != 0) return last_git_error("notes", "cannot read new notes commit");
      cur.reset(nc);
      base = nc;
      ++changed;
    }
    if (changed == 0 && merge_parent.empty()) return stats;
    if (!merge_parent.empty()) {
      git_oid mp;
      git_commit* mc = nullptr;
      if (git_oid_fromstr(&mp, merge_parent.c_str()) != 0 || git_commit_lookup(&mc, r, &mp) != 0)
        return last_git_error("notes", "cannot read notes commit " + merge_parent);
      CommitPtr mguard(mc);
      git_tree* tree = nullptr;
      if (git_commit_tree(&tree, base) != 0) return last_git_error("notes", "cannot read notes tree");
      const git_commit* parents[2] = {base, mc};
      git_oid merged;
      int mrc = git_commit_create(&merged, r, nullptr, sig.get(), sig.get(), nullptr,
                                  "Notes merged by 'git opentraces trail sync' (cat_sort_uniq)", tree, 2, parents);
      git_tree_free(tree);
      if (mrc != 0) return last_git_error("notes", "cannot write notes merge commit");
      git_commit* m = nullptr;
      if (git_commit_lookup(&m, r, &merged) != 0) return last_git_error("notes", "cannot read notes merge commit");
      cur.reset(m);
      base = m;
    }
    git_reference* out = nullptr;
    int rc;
    if (*t) {
      rc = git_reference_create_matching(&out, r, ref.c_str(), git_commit_id(base), 1, &**t, message.c_str());
    } else {
      rc = create_ref_exclusive(r, ref, git_commit_id(base), message);
    }
    if (out) git_reference_free(out);
    if (rc == 0) {
      stats.changed = changed;
      return stats;
    }
    if (rc != GIT_EMODIFIED && rc != GIT_EEXISTS && rc != GIT_ELOCKED)
      return last_git_error("notes", "cannot update " + ref);
    ++stats.retries;
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + attempt * 2));
  }
  return make_error(ExitCode::kResource, "NOTES_BUSY", "notes",
                    ref + " kept changing under us; gave up after retries", "run the command again", true);
}

Status set_ref_cas(const Repo& repo, const std::string& ref, const std::string& target,
                   const std::optional<std::string>& expected, const std::string& message) {
  git_oid t, e;
  if (git_oid_fromstr(&t, target.c_str()) != 0) return make_error(ExitCode::kUsage, "BAD_COMMIT_ID", "notes", "bad id " + target);
  git_reference* out = nullptr;
  int rc;
  if (expected) {
    if (git_oid_fromstr(&e, expected->c_str()) != 0) return make_error(ExitCode::kUsage, "BAD_COMMIT_ID", "notes", "bad id");
    rc = git_reference_create_matching(&out, repo.raw(), ref.c_str(), &t, 1, &e, message.c_str());
  } else {
    rc = create_ref_exclusive(repo.raw(), ref, &t, message);
  }
  if (out) git_reference_free(out);
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED)
    return make_error(ExitCode::kResource, "NOTES_BUSY", "notes", ref + " changed while we worked", "run it again", true);
  if (rc != 0) return last_git_error("notes", "cannot update " + ref);
  return ok_status();
}

Status write_note(const Repo& repo, const std::string& commit_sha, const std::string& text, const std::string& ref) {
  std::map<std::string, NoteUpdate> u;
  u[commit_sha] = [text](const std::optional<std::string>&) -> std::optional<std::string> { return text; };
  auto r = update_notes(repo, u, "opentraces: note " + commit_sha.substr(0, 12), ref);
  if (!r.ok()) return r.error();
  return ok_status();
}

Result<std::vector<NoteEntry>> all_notes(const Repo& repo, const std::string& ref) {
  std::vector<NoteEntry> out;
  auto t = tip_oid(repo.raw(), ref);
  if (!t.ok()) return t.error();
  if (!*t) return out;
  struct Ctx {
    git_repository* r;
    std::vector<NoteEntry>* out;
  } ctx{repo.raw(), &out};
  int rc = git_note_foreach(
      repo.raw(), ref.c_str(),
      [](const git_oid* blob_id, const git_oid* annotated, void* p) -> int {
        auto* c = static_cast<Ctx*>(p);
        git_blob* b = nullptr;
        if (git_blob_lookup(&b, c->r, blob_id) != 0) return 0;
        c->out->push_back({oid_hex(*annotated), std::string(static_cast<const char*>(git_blob_rawcontent(b)),
                                                              static_cast<size_t>(git_blob_rawsize(b)))});
        git_blob_free(b);
        return 0;
      },
      &ctx);
  if (rc != 0 && rc != GIT_ENOTFOUND) return last_git_error("notes", "cannot list notes on " + ref);
  return out;
}

}  // namespace ot::git
