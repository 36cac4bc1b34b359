#include "engine/doctor/doctor.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "engine/capture/capture_doctor.h"
#include "engine/project/config.h"
#include "engine/project/project.h"
#include "engine/trails/trails_doctor.h"
#include "engine/util/fs.h"
#include "engine/util/paths.h"
#include "notes/repo.h"

namespace ot::doctor {
namespace {

namespace fs = std::filesystem;

// First line of a command's stdout, empty when it cannot run.
std::string first_line_of(const std::string& command) {
  std::array<char, 256> buf{};
  std::string out;
  if (FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r")) {
    if (std::fgets(buf.data(), buf.size(), p)) out = buf.data();
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

Check binary_on_path(const Context& ctx) {
  Check c{"binary_on_path", CheckState::ok, "", ""};
  auto found = find_on_path("git-opentraces");
  if (!found) {
    c.state = CheckState::fail;
    c.detail = "git-opentraces is not on PATH (running " + ctx.self_exe.string() + ")";
    c.hint = "run scripts/install, or add its bin directory to PATH, so `git opentraces` works everywhere";
    return c;
  }
  std::error_code ec;
  bool same = fs::equivalent(*found, ctx.self_exe, ec);
  c.detail = found->string();
  if (!same) {
    c.state = CheckState::warn;
    c.detail += " (a different binary from the one running: " + ctx.self_exe.string() + ")";
    c.hint = "hooks run the one on PATH; reinstall with scripts/install if that is not intended";
  }
  return c;
}

Check git_version() {
  Check c{"git_version", CheckState::ok, first_line_of("git --version"), ""};
  if (c.detail.empty()) {
    c.state = CheckState::fail;
    c.detail = "git not found";
    c.hint = "install git (apt-get install git)";
  }
  return c;
}

Check libgit2() { return Check{"libgit2_version", CheckState::ok, "libgit2 " + git::libgit2_version(), ""}; }

Check home_writable() {
  Check c{"home_writable", CheckState::ok, ot_home().string(), ""};
  if (auto st = ensure_dir(ot_home(), 0700); !st.ok()) {
    c.state = CheckState::fail;
    c.detail = st.error().message;
    c.hint = "set OPENTRACES_HOME to a writable directory";
    return c;
  }
  fs::path probe = ot_home() / (".doctor-probe-" + std::to_string(::getpid()));
  if (auto st = write_file_atomic(probe, "ok", 0600); !st.ok()) {
    c.state = CheckState::fail;
    c.detail = ot_home().string() + " is not writable: " + st.error().message;
    c.hint = "fix its permissions or set OPENTRACES_HOME";
  }
  std::error_code ec;
  fs::remove(probe, ec);
  return c;
}

Check config_valid() {
  Check c{"config_valid", CheckState::ok, config_path().string(), ""};
  std::error_code ec;
  if (!fs::exists(config_path(), ec)) {
    c.detail += " (not written yet; defaults apply)";
    return c;
  }
  auto cfg = project::load_config();
  if (!cfg.ok()) {
    c.state = CheckState::fail;
    c.detail = cfg.error().message;
    c.hint = cfg.error().hint;
    return c;
  }
  auto mode = fs::status(config_path(), ec).permissions();
  if ((mode & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
    c.state = CheckState::warn;
    c.detail += " is readable by other users";
    c.hint = "chmod 600 " + config_path().string();
  }
  return c;
}

Check project_marker(const Context& ctx) {
  Check c{"project_marker", CheckState::ok, "", ""};
  auto repo = git::discover_repo(ctx.cwd);
  if (!repo.ok() || repo->bare) {
    c.detail = "not inside a git work tree (skipped)";
    return c;
  }
  auto p = project::find_project(ctx.cwd);
  if (!p.ok()) {
    c.state = CheckState::fail;
    c.detail = p.error().message;
    c.hint = p.error().hint;
  } else if (!*p) {
    c.state = CheckState::warn;
    c.detail = repo->workdir.string() + " is not enrolled";
    c.hint = "run `git opentraces init` (or let global tracking enrol it on the first capture)";
  } else {
    c.detail = (*p)->slug + " (" + (*p)->root.string() + ")" + ((*p)->excluded ? " [excluded]" : "");
  }
  return c;
}

}  // namespace

std::string to_string(CheckState s) {
  switch (s) {
    case CheckState::ok: return "ok";
    case CheckState::warn: return "warn";
    case CheckState::fail: return "fail";
  }
  return "fail";
}

std::vector<Check> run_checks(const Context& ctx) {
  std::vector<Check> checks = {binary_on_path(ctx), git_version(), libgit2(), home_writable(), config_valid(), project_marker(ctx)};
  for (auto& c : capture::doctor_checks(ctx.cwd)) checks.push_back(std::move(c));
  for (auto& c : trails::doctor_checks(ctx.cwd)) checks.push_back(std::move(c));
  return checks;
}

bool any_failed(const std::vector<Check>& checks) {
  for (const auto& c : checks)
    if (c.state == CheckState::fail) return true;
  return false;
}

}  // namespace ot::doctor
