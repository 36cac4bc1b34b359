#include "engine/capture/capture_doctor.h"

#include <sys/stat.h>

#include "engine/bucket/spool.h"
#include "engine/capture/integrations.h"
#include "engine/util/time.h"
#include "engine/version.h"
#include "notes/hooks_install.h"

namespace ot::capture {

namespace fs = std::filesystem;

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

doctor::Check agent_check(const IntegrationStatus& s) {
  doctor::Check c{"capture_" + s.name, doctor::CheckState::ok, "", ""};
  std::string setup = "run `git opentraces setup " + s.name + "`";
  if (!s.error.empty()) {
    c.state = doctor::CheckState::fail;
    c.detail = s.error;
    c.hint = "fix the file by hand, then " + setup;
  } else if (!s.installed && s.events.empty()) {
    c.detail = "not installed in " + s.target.string() + " (" + setup + " to capture its sessions)";
  } else if (!s.drift.empty()) {
    c.state = doctor::CheckState::fail;
    c.detail = "integration drift: " + join(s.drift) + " (deployed " + (s.version.empty() ? "?" : s.version) +
               ", binary " + OT_VERSION + ", " + s.target.string() + ")";
    c.hint = setup + " again to refresh the entries";
  } else {
    c.detail = "installed in " + s.target.string() +
               (s.last_seen.empty() ? ", no hook call seen yet" : ", last hook call " + s.last_seen);
  }
  return c;
}

doctor::Check git_check(const fs::path& cwd) {
  doctor::Check c{"capture_git_hooks", doctor::CheckState::ok, "", ""};
  auto st = git::git_integration_status(cwd);
  if (!st.ok()) {
    c.detail = "not inside a git work tree (" + st.error().message + ")";
    return c;
  }
  std::vector<std::string> drift, missing;
  for (const auto& h : st->hooks) {
    if (!h.block.present) {
      missing.push_back(h.name);
      continue;
    }
    std::error_code ec;
    if (h.block.version != OT_VERSION) drift.push_back(h.name + " version " + h.block.version);
    if (!fs::exists(h.block.binary, ec)) drift.push_back(h.name + " binary missing");
  }
  if (missing.size() == st->hooks.size()) {
    c.state = doctor::CheckState::warn;
    c.detail = "git hooks not installed in " + st->hooks_dir.string();
    c.hint = "run `git opentraces setup git` so commits get attribution";
  } else if (!missing.empty() || !drift.empty() || !st->rewrite_ref) {
    c.state = doctor::CheckState::fail;
    if (!missing.empty()) drift.push_back("missing " + join(missing));
    if (!st->rewrite_ref) drift.push_back("notes.rewriteRef not set");
    c.detail = "git hook drift in " + st->hooks_dir.string() + ": " + join(drift);
    c.hint = "run `git opentraces setup git` again";
  } else {
    c.detail = "installed in " + st->hooks_dir.string();
  }
  return c;
}

doctor::Check spool_check() {
  doctor::Check c{"capture_spool_backlog", doctor::CheckState::ok, "", ""};
  auto pending = bucket::spool_pending();
  if (!pending.ok()) {
    c.state = doctor::CheckState::fail;
    c.detail = pending.error().message;
    c.hint = pending.error().hint;
    return c;
  }
  c.detail = std::to_string(pending->size()) + " item(s) waiting in the spool";
  if (pending->empty()) return c;
  // Names start with the epoch milliseconds of the append.
  int64_t oldest = std::atoll(pending->front().filename().string().substr(0, 13).c_str());
  c.detail += ", oldest from " + iso_from_ms(oldest);
  if (now_ms() - oldest > 3600 * 1000) {
    c.state = doctor::CheckState::warn;
    c.hint = "any command that opens the bucket drains it, e.g. `git opentraces bucket status`";
  }
  return c;
}

}  // namespace

std::vector<doctor::Check> doctor_checks(const fs::path& cwd) {
  std::vector<doctor::Check> out;
  out.push_back(agent_check(command_hooks_status("claude-code", claude_settings_path(false, cwd))));
  out.push_back(agent_check(command_hooks_status("codex", codex_hooks_path())));
  out.push_back(agent_check(pi_status(pi_settings_path(false, cwd))));
  out.push_back(git_check(cwd));
  out.push_back(spool_check());
  return out;
}

}  // namespace ot::capture
