// Installing git-opentraces into a repository's git hooks and config (`setup git`),
// in the manner of git-lfs: the hooks are short sh stubs that run
// `git-opentraces hook <name> "$@"`; the hooks directory honours core.hooksPath; an
// existing shell hook gets our fenced block inserted after its shebang (so its own exit
// status still decides), a non-shell hook is never rewritten; removal takes out only
// our block (and a file only when we created it). Config: notes.rewriteRef so that
// amend/rebase carry notes, and a fetch refspec that brings teammates' notes to
// refs/notes/remotes/origin/opentraces (never overwriting the local notes ref).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.h"

namespace ot::git {

inline constexpr const char* kOpentracesNotesRef = "refs/notes/opentraces";
inline constexpr const char* kNotesFetchRefspec =
    "+refs/notes/opentraces:refs/notes/remotes/origin/opentraces";

// The hooks we install, in order.
const std::vector<std::string>& managed_hooks();

// --- text level (pure) -------------------------------------------------------------
// Our fenced block for `hook`; `created` marks a file we made (removal may delete it).
std::string hook_block(std::string_view hook, const std::filesystem::path& binary, bool created);

struct ChainText {
  std::string text;     // new file content (empty when refused)
  std::string action;   // created | chained | updated | unchanged | refused
  std::string refusal;  // why (refused only)
};
// `existing` is the current file (exists=false: no file). Inserts or refreshes our block.
ChainText chain_hook_text(std::string_view existing, bool exists, std::string_view hook,
                          const std::filesystem::path& binary);

struct StripText {
  std::string text;
  bool found = false;        // our block was there
  bool delete_file = false;  // we created the file and nothing else is left
};
StripText strip_hook_text(std::string_view existing);

// Version and binary written in our block ("" when absent).
struct BlockInfo {
  bool present = false;
  bool foreign_content = false;  // the file holds more than our block
  std::string version, binary;
};
BlockInfo read_block(std::string_view text);

// --- repository level --------------------------------------------------------------
struct HookFileChange {
  std::string name;
  std::filesystem::path path;
  std::string action;  // created | chained | updated | unchanged | refused | removed | stripped | absent
  std::string detail;
};
struct ConfigChange {
  std::string key, value;
  std::string action;  // added | removed | unchanged | absent | skipped
  std::string detail;
};
struct GitSetupResult {
  std::filesystem::path repo_root, hooks_dir;
  bool hooks_path_configured = false;  // core.hooksPath decides hooks_dir
  std::vector<HookFileChange> hooks;
  std::vector<ConfigChange> config;
  bool refused() const;
  bool changed() const;
};

// Installs (or refreshes) the hooks and config for the repository containing `start`.
// A refused hook is reported, not an error: the others are still installed.
// Errors: NOT_A_GIT_REPO, BARE_REPOSITORY (exit 3), GIT_ERROR, IO_ERROR.
Result<GitSetupResult> install_git_integration(const std::filesystem::path& start,
                                               const std::filesystem::path& binary, bool dry_run);
Result<GitSetupResult> remove_git_integration(const std::filesystem::path& start, bool dry_run);

struct GitHookState {
  std::string name;
  std::filesystem::path path;
  BlockInfo block;
};
struct GitIntegrationStatus {
  std::filesystem::path repo_root, hooks_dir;
  std::vector<GitHookState> hooks;
  bool rewrite_ref = false;
  bool fetch_refspec = false;  // false also when there is no origin
  bool has_origin = false;
  bool installed = false;      // every hook carries our block
};
Result<GitIntegrationStatus> git_integration_status(const std::filesystem::path& start);

}  // namespace ot::git
