#include "notes/hooks_install.h"

#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <sstream>

#include "engine/util/fs.h"
#include "engine/version.h"
#include "notes/git_util.h"
#include "notes/repo.h"

namespace ot::git {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kBegin = "# >>> git-opentraces ";
constexpr std::string_view kEnd = "# <<< git-opentraces ";
constexpr std::string_view kCreated = "# git-opentraces created this file\n";
constexpr std::string_view kVersionLine = "# git-opentraces-hook-version: ";
constexpr std::string_view kBinLine = "ot_bin=";

bool reads_stdin(std::string_view hook) { return hook == "post-rewrite" || hook == "pre-push"; }

std::string sh_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string unquote(std::string_view q) {
  std::string out;
  if (q.empty() || q[0] != '\'') return std::string(q);
  for (size_t i = 1; i < q.size(); ++i) {
    if (q.compare(i, 4, "'\\''") == 0) {
      out += '\'';
      i += 3;
    } else if (q[i] == '\'') {
      break;
    } else {
      out += q[i];
    }
  }
  return out;
}

// Splits text into lines, each keeping its '\n'.
std::vector<std::string_view> lines_of(std::string_view t) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < t.size()) {
    size_t nl = t.find('\n', start);
    size_t end = nl == std::string_view::npos ? t.size() : nl + 1;
    out.push_back(t.substr(start, end - start));
    start = end;
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Where our block sits: [begin, end) line indexes, or nullopt.
struct BlockSpan {
  size_t begin, end;
  bool created;
};
std::optional<BlockSpan> find_block(const std::vector<std::string_view>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!starts_with(lines[i], kBegin)) continue;
    for (size_t j = i + 1; j < lines.size(); ++j) {
      if (starts_with(lines[j], kEnd)) {
        bool created = false;
        for (size_t k = i; k <= j; ++k) created = created || lines[k] == kCreated;
        return BlockSpan{i, j + 1, created};
      }
    }
    return std::nullopt;  // unterminated: treat as foreign text, never cut it
  }
  return std::nullopt;
}

// A shebang naming a POSIX-ish shell: our sh block can run inside it.
bool is_shell_shebang(std::string_view first) {
  if (!starts_with(first, "#!")) return false;
  std::istringstream in{std::string(first.substr(2))};
  std::string prog;
  in >> prog;
  std::string base = fs::path(prog).filename().string();
  if (base == "env") {
    while (in >> prog && !prog.empty() && prog[0] == '-') {}
    base = fs::path(prog).filename().string();
  }
  for (const char* sh : {"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "busybox"})
    if (base == sh) return true;
  return false;
}

std::string join(const std::vector<std::string_view>& lines, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < lines.size(); ++i) out += lines[i];
  return out;
}

}  // namespace

const std::vector<std::string>& managed_hooks() {
  static const std::vector<std::string> v = {"post-commit", "post-rewrite", "pre-push"};
  return v;
}

std::string hook_block(std::string_view hook, const fs::path& binary, bool created) {
  std::string h(hook);
  std::string b;
  b += std::string(kBegin) + h + " >>>\n";
  if (created) b += kCreated;
  b += "# Added by `git opentraces setup git`; `git opentraces setup git --remove` takes it out.\n";
  b += std::string(kVersionLine) + OT_VERSION + "\n";
  b += std::string(kBinLine) + sh_quote(binary.string()) + "\n";
  b += "[ -x \"$ot_bin\" ] || ot_bin=$(command -v git-opentraces 2>/dev/null) || ot_bin=\n";
  std::string missing =
      "  echo \"git-opentraces not found: " + h + " capture skipped (run \\`git opentraces setup git\\` again)\" >&2\n";
  if (reads_stdin(hook)) {
    // git gives this hook data on stdin: keep a copy so the rest of the script still reads it.
    b += "if [ -z \"$ot_bin\" ]; then\n" + missing +
         "elif ot_in=$(mktemp \"${TMPDIR:-/tmp}/git-opentraces.XXXXXX\" 2>/dev/null); then\n"
         "  cat >\"$ot_in\"\n"
         "  \"$ot_bin\" hook " + h + " \"$@\" <\"$ot_in\" || :\n"
         "  exec <\"$ot_in\"\n"
         "  rm -f \"$ot_in\"\n"
         "fi\n"
         "unset ot_bin ot_in\n";
  } else {
    b += "if [ -n \"$ot_bin\" ]; then\n"
         "  \"$ot_bin\" hook " + h + " \"$@\" </dev/null || :\n"
         "else\n" + missing + "fi\n"
         "unset ot_bin\n";
  }
  b += std::string(kEnd) + h + " <<<\n";
  return b;
}

ChainText chain_hook_text(std::string_view existing, bool exists, std::string_view hook, const fs::path& binary) {
  ChainText r;
  if (!exists || existing.empty()) {
    r.text = "#!/bin/sh\n" + hook_block(hook, binary, true);
    r.action = "created";
    return r;
  }
  auto lines = lines_of(existing);
  if (auto span = find_block(lines)) {
    std::string block = hook_block(hook, binary, span->created);
    r.text = join(lines, 0, span->begin) + block + join(lines, span->end, lines.size());
    r.action = r.text == existing ? "unchanged" : "updated";
    return r;
  }
  if (!is_shell_shebang(lines[0])) {
    r.action = "refused";
    r.refusal = "the existing hook is not a shell script (first line: " +
                std::string(lines[0].substr(0, lines[0].find('\n'))) +
                "); it was left alone. Call `git-opentraces hook " + std::string(hook) +
                " \"$@\"` from it yourself";
    return r;
  }
  std::string first(lines[0]);
  if (first.back() != '\n') first += '\n';
  r.text = first + hook_block(hook, binary, false) + join(lines, 1, lines.size());
  r.action = "chained";
  return r;
}

StripText strip_hook_text(std::string_view existing) {
  StripText r;
  auto lines = lines_of(existing);
  auto span = find_block(lines);
  if (!span) {
    r.text = std::string(existing);
    return r;
  }
  r.found = true;
  r.text = join(lines, 0, span->begin) + join(lines, span->end, lines.size());
  r.delete_file = span->created && (r.text == "#!/bin/sh\n" || r.text.empty());
  return r;
}

BlockInfo read_block(std::string_view text) {
  BlockInfo info;
  auto lines = lines_of(text);
  auto span = find_block(lines);
  if (!span) {
    info.foreign_content = !text.empty();
    return info;
  }
  info.present = true;
  std::string rest = join(lines, 0, span->begin) + join(lines, span->end, lines.size());
  info.foreign_content = !(span->created && (rest == "#!/bin/sh\n" || rest.empty()));
  for (size_t i = span->begin; i < span->end; ++i) {
    std::string_view l = lines[i];
    if (!l.empty() && l.back() == '\n') l.remove_suffix(1);
    if (starts_with(l, kVersionLine)) info.version = std::string(l.substr(kVersionLine.size()));
    else if (starts_with(l, kBinLine)) info.binary = unquote(l.substr(kBinLine.size()));
  }
  return info;
}

bool GitSetupResult::refused() const {
  for (const auto& h : hooks)
    if (h.action == "refused") return true;
  return false;
}

bool GitSetupResult::changed() const {
  for (const auto& h : hooks)
    if (h.action != "unchanged" && h.action != "refused" && h.action != "absent") return true;
  for (const auto& c : config)
    if (c.action == "added" || c.action == "removed") return true;
  return false;
}

namespace {

struct ConfigDeleter {
  void operator()(git_config* c) const { git_config_free(c); }
};
using ConfigPtr = std::unique_ptr<git_config, ConfigDeleter>;

struct Opened {
  RepoInfo info;
  RepoPtr repo;
  ConfigPtr all;    // every level, for reading core.hooksPath
  ConfigPtr local;  // the repository's own config, where we write
  fs::path hooks_dir;
  bool hooks_path_configured = false;
};

Result<Opened> open(const fs::path& start) {
  auto info = discover_repo(start);
  if (!info.ok()) return info.error();
  Opened o;
  o.info = *info;
  if (o.info.bare || o.info.workdir.empty())
    return make_error(ExitCode::kResource, "BARE_REPOSITORY", "setup",
                      o.info.git_dir.string() + " is a bare repository; there are no commits made here to attribute",
                      "run `git opentraces setup git` in a checkout with a work tree");
  if (open_repo(o.info.git_dir.string(), o.repo) != 0) return last_git_error("setup", "cannot open repository");
  git_config* all = nullptr;
  if (git_repository_config(&all, o.repo.get()) != 0) return last_git_error("setup", "cannot read git config");
  o.all.reset(all);
  git_config* local = nullptr;
  if (git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL) != 0)
    return last_git_error("setup", "cannot open the repository's git config");
  o.local.reset(local);

  git_buf buf = GIT_BUF_INIT;
  if (git_config_get_path(&buf, all, "core.hooksPath") == 0 && buf.size > 0) {
    fs::path p(std::string(buf.ptr, buf.size));
    // Relative paths are relative to where git runs hooks: the top of the work tree.
    o.hooks_dir = p.is_relative() ? o.info.workdir / p : p;
    o.hooks_path_configured = true;
  } else {
    o.hooks_dir = o.info.common_dir / "hooks";
  }
  git_buf_dispose(&buf);
  git_error_clear();
  o.hooks_dir = o.hooks_dir.lexically_normal();
  return o;
}

bool has_value(git_config* cfg, const char* name, const std::string& value) {
  git_config_iterator* it = nullptr;
  if (git_config_multivar_iterator_new(&it, cfg, name, nullptr) != 0) {
    git_error_clear();
    return false;
  }
  bool found = false;
  git_config_entry* e = nullptr;
  while (!found && git_config_next(&e, it) == 0) found = e->value && value == e->value;
  git_config_iterator_free(it);
  git_error_clear();
  return found;
}

bool has_origin(git_config* cfg) {
  git_config_entry* e = nullptr;
  if (git_config_get_entry(&e, cfg, "remote.origin.url") != 0) {
    git_error_clear();
    return false;
  }
  git_config_entry_free(e);
  return true;
}

// A regex matching exactly `value` (for libgit2's multivar calls).
std::string exact_regex(const std::string& value) {
  std::string r = "^";
  for (char c : value) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) r += '\\';
    r += c;
  }
  return r + "$";
}

Result<ConfigChange> ensure_value(Opened& o, const char* key, const std::string& value, bool add, bool dry_run) {
  ConfigChange c{key, value, "unchanged", ""};
  bool present = has_value(o.local.get(), key, value);
  if (add == present) {
    if (!add) c.action = "absent";
    return c;
  }
  c.action = add ? "added" : "removed";
  if (dry_run) return c;
  int rc = add ? git_config_set_multivar(o.local.get(), key, exact_regex(value).c_str(), value.c_str())
               : git_config_delete_multivar(o.local.get(), key, exact_regex(value).c_str());
  if (rc != 0) return last_git_error("setup", std::string("cannot update git config ") + key);
  return c;
}

Result<std::optional<std::string>> read_optional(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::optional<std::string>{};
  auto t = read_file(p);
  if (!t.ok()) return t.error();
  return std::optional<std::string>{std::move(t).value()};
}

unsigned file_mode(const fs::path& p, unsigned fallback) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? (st.st_mode & 07777) : fallback;
}

}  // namespace

Result<GitSetupResult> install_git_integration(const fs::path& start, const fs::path& binary, bool dry_run) {
  auto o = open(start);
  if (!o.ok()) return o.error();
  GitSetupResult r;
  r.repo_root = o->info.workdir;
  r.hooks_dir = o->hooks_dir;
  r.hooks_path_configured = o->hooks_path_configured;
  if (!dry_run) OT_TRY_STATUS(ensure_dir(o->hooks_dir, file_mode(o->hooks_dir, 0755)));
  for (const auto& name : managed_hooks()) {
    fs::path p = o->hooks_dir / name;
    auto cur = read_optional(p);
    if (!cur.ok()) return cur.error();
    HookFileChange ch{name, p, "", ""};
    if (*cur && !cur->value().empty() && ::access(p.c_str(), X_OK) != 0 && !read_block(**cur).present) {
      ch.action = "refused";
      ch.detail = "the existing hook is not executable, so git does not run it; it was left alone "
                  "(make it executable or delete it, then run setup git again)";
      r.hooks.push_back(ch);
      continue;
    }
    ChainText t = chain_hook_text(cur->value_or(""), cur->has_value(), name, binary);
    ch.action = t.action;
    ch.detail = t.refusal;
    if (!dry_run && (t.action == "created" || t.action == "chained" || t.action == "updated"))
      OT_TRY_STATUS(write_file_atomic(p, t.text, *cur ? file_mode(p, 0755) : 0755));
    r.hooks.push_back(ch);
  }
  auto rw = ensure_value(*o, "notes.rewriteRef", kOpentracesNotesRef, true, dry_run);
  if (!rw.ok()) return rw.error();
  r.config.push_back(*rw);
  if (has_origin(o->all.get())) {
    auto f = ensure_value(*o, "remote.origin.fetch", kNotesFetchRefspec, true, dry_run);
    if (!f.ok()) return f.error();
    r.config.push_back(*f);
  } else {
    r.config.push_back({"remote.origin.fetch", kNotesFetchRefspec, "skipped",
                        "no remote named origin yet; run setup git again after adding it"});
  }
  return r;
}

Result<GitSetupResult> remove_git_integration(const fs::path& start, bool dry_run) {
  auto o = open(start);
  if (!o.ok()) return o.error();
  GitSetupResult r;
  r.repo_root = o->info.workdir;
  r.hooks_dir = o->hooks_dir;
  r.hooks_path_configured = o->hooks_path_configured;
  for (const auto& name : managed_hooks()) {
    fs::path p = o->hooks_dir / name;
    auto cur = read_optional(p);
    if (!cur.ok()) return cur.error();
    HookFileChange ch{name, p, "absent", ""};
    if (*cur) {
      StripText s = strip_hook_text(**cur);
      if (s.found) {
        ch.action = s.delete_file ? "removed" : "stripped";
        if (!dry_run) {
          if (s.delete_file) {
            std::error_code ec;
            fs::remove(p, ec);
            if (ec)
              return make_error(ExitCode::kResource, "IO_ERROR", "setup",
                                "cannot remove " + p.string() + ": " + ec.message(), "check permissions");
          } else {
            OT_TRY_STATUS(write_file_atomic(p, s.text, file_mode(p, 0755)));
          }
        }
      }
    }
    r.hooks.push_back(ch);
  }
  auto rw = ensure_value(*o, "notes.rewriteRef", kOpentracesNotesRef, false, dry_run);
  if (!rw.ok()) return rw.error();
  r.config.push_back(*rw);
  auto f = ensure_value(*o, "remote.origin.fetch", kNotesFetchRefspec, false, dry_run);
  if (!f.ok()) return f.error();
  r.config.push_back(*f);
  return r;
}

Result<GitIntegrationStatus> git_integration_status(const fs::path& start) {
  auto o = open(start);
  if (!o.ok()) return o.error();
  GitIntegrationStatus s;
  s.repo_root = o->info.workdir;
  s.hooks_dir = o->hooks_dir;
  s.installed = true;
  for (const auto& name : managed_hooks()) {
    GitHookState h{name, o->hooks_dir / name, {}};
    auto cur = read_optional(h.path);
    if (cur.ok() && *cur) h.block = read_block(**cur);
    s.installed = s.installed && h.block.present;
    s.hooks.push_back(h);
  }
  s.rewrite_ref = has_value(o->local.get(), "notes.rewriteRef", kOpentracesNotesRef);
  s.has_origin = has_origin(o->all.get());
  s.fetch_refspec = has_value(o->local.get(), "remote.origin.fetch", kNotesFetchRefspec);
  return s;
}

}  // namespace ot::git
