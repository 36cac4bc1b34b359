#include "engine/capture/hook_runner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "engine/bucket/spool.h"
#include "engine/capture/hook_event.h"
#include "engine/capture/integrations.h"
#include "engine/project/enrolment.h"
#include "engine/project/project.h"
#include "engine/project/worktree.h"
#include "engine/util/json.h"
#include "engine/util/log.h"
#include "engine/util/paths.h"
#include "engine/util/process.h"
#include "engine/util/time.h"

namespace ot::capture {

namespace fs = std::filesystem;

namespace {

// Touch the agent's last-seen marker: one utimensat in the common case.
void touch_last_seen(std::string_view agent) {
  fs::path p = last_seen_path(agent);
  if (::utimensat(AT_FDCWD, p.c_str(), nullptr, 0) == 0) return;
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
}

// After a session end, store the session without making the agent wait: a detached
// `git-opentraces bucket status` opens the bucket, which drains the spool (parsing the
// queued session file). Its own session and /dev/null for stdio, so the agent neither
// waits for it nor sees its output. OPENTRACES_NO_AUTO_DRAIN=1 turns this off.
void spawn_detached_drain() {
  if (const char* off = std::getenv("OPENTRACES_NO_AUTO_DRAIN"); off && *off && std::string_view(off) != "0") return;
  auto started = spawn_detached({main_binary().string(), "bucket", "status", "--json"});
  if (!started.ok()) log().warn("hook: cannot start the background drain: {}", started.error().message);
}

// Cheap pre-check before the enrolment check (which opens the repository with libgit2,
// whose start-up alone costs milliseconds): is there a `.git` anywhere above `cwd`? When
// not, and GIT_DIR does not point elsewhere, no repository can be found and nothing is
// captured (ensure_enrolled would say the same, only slower).
bool maybe_in_git_work_tree(const fs::path& cwd) {
  if (const char* gd = std::getenv("GIT_DIR"); gd && *gd) return true;
  return project::find_work_tree(cwd).has_value();
}

bool wants_git_head(std::string_view agent, std::string_view event) {
  if (agent == "pi") return event == "tool_call" || event == "tool_result" || is_session_end(agent, event);
  return event == "PreToolUse" || event == "PostToolUse" || is_session_end(agent, event);
}

HookOutcome run(std::string_view agent, std::string_view event_arg, std::string_view stdin_text,
                const fs::path& process_cwd, EnrolFn enrol) {
  HookOutcome out;
  std::string tag = "hook " + std::string(agent) + (event_arg.empty() ? "" : " " + std::string(event_arg));
  if (!is_known_agent(agent)) {
    out.skipped = "unknown agent";
    log().warn("{}: unknown agent; nothing captured", tag);
    return out;
  }
  json payload = json::parse(stdin_text, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) {
    out.skipped = "payload is not a JSON object";
    log().warn("{}: stdin is not a JSON object ({} bytes); nothing captured", tag, stdin_text.size());
    return out;
  }
  touch_last_seen(agent);

  HookCall call;
  call.agent = std::string(agent);
  call.event = event_arg.empty() ? payload_event(agent, payload) : std::string(event_arg);
  if (call.event.empty()) call.event = "unknown";
  std::string cwd = payload_cwd(payload);
  call.cwd = cwd.empty() ? process_cwd : fs::path(cwd);
  call.received_at = utc_now_iso();
  call.payload = std::move(payload);

  if (!maybe_in_git_work_tree(call.cwd)) {
    out.skipped = "not inside a git work tree";
    log().debug("{}: {} ({}); nothing captured", tag, out.skipped, call.cwd.string());
    return out;
  }
  auto check = project::check_enrolment(call.cwd, agent);
  std::optional<project::ProjectInfo> project;
  if (check.ok() && check->state == project::EnrolmentCheck::State::kEnrolled) {
    project = check->info;
  } else if (check.ok() && check->state == project::EnrolmentCheck::State::kNeedsEnrolment) {
    if (!enrol) {
      out.needs_enrolment = true;
      out.skipped = "the repository must be enrolled first (handed to the full binary)";
      return out;
    }
    auto enrolled = enrol(call.cwd, agent);
    if (!enrolled.ok()) check = enrolled.error();
    else project = *enrolled;
  }
  if (!check.ok()) {
    out.skipped = "enrolment check failed: " + check.error().message;
    log().warn("{}: {} — nothing captured (the session file is read again at its next end)", tag, out.skipped);
    return out;
  }
  if (!project) {
    out.skipped = "not an enrolled project (or excluded, or manual tracking)";
    log().debug("{}: {} at {}; nothing captured", tag, out.skipped, call.cwd.string());
    return out;
  }
  call.project_id = project->project_id;
  if (wants_git_head(agent, call.event)) {
    // Read from the ref files: libgit2's start-up would dominate the hook's cost.
    if (auto tree = project::find_work_tree(call.cwd))
      if (auto head = project::read_head_sha(*tree)) call.git_head = *head;
  }

  bool queued_ingest = false;
  for (const json& item : spool_items_for(call)) {
    auto r = bucket::spool_append(item);
    if (!r.ok()) {
      out.skipped = "spool append failed: " + r.error().message;
      log().error("{}: {} — {} item not spooled (the session file is read again at its next end)", tag,
                  r.error().message, item.value("kind", "?"));
      continue;
    }
    ++out.spooled;
    queued_ingest = queued_ingest || item.value("kind", "") == "ingest_session";
  }
  if (queued_ingest) spawn_detached_drain();
  return out;
}

}  // namespace

std::string read_hook_stdin() {
  std::string data;
  if (isatty(STDIN_FILENO)) return data;
  constexpr size_t kCap = 64u << 20;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0)
    if (data.size() < kCap) data.append(buf, n);
  return data;
}

fs::path last_seen_path(std::string_view agent) {
  return ot_home() / "integrations" / ("last-seen-" + std::string(agent));
}

HookOutcome run_agent_hook(std::string_view agent, std::string_view event, std::string_view stdin_text,
                           const fs::path& process_cwd, EnrolFn enrol) {
  try {
    return run(agent, event, stdin_text, process_cwd, enrol);
  } catch (const std::exception& e) {
    log().error("hook {} {}: internal error: {}; nothing captured", agent, event, e.what());
    return HookOutcome{0, std::string("internal error: ") + e.what()};
  } catch (...) {
    log().error("hook {} {}: unknown internal error; nothing captured", agent, event);
    return HookOutcome{0, "internal error"};
  }
}

}  // namespace ot::capture
