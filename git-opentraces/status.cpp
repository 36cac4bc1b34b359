// `status` (bucket dashboard) and `doctor` (installation health).
#include <unistd.h>

#include <filesystem>

#include "engine/bucket/bucket.h"
#include "engine/bucket/spool.h"
#include "engine/doctor/doctor.h"
#include "engine/status/dashboard.h"
#include "engine/version.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {
namespace {

namespace fs = std::filesystem;

fs::path self_exe() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("git-opentraces") : p;
}

void run_doctor() {
  auto checks = doctor::run_checks({fs::current_path(), self_exe()});
  bool failed = doctor::any_failed(checks);
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.doctor.v1", failed ? "error" : "ok");
    doc["version"] = OT_VERSION;
    json list = json::array();
    for (const auto& c : checks)
      list.push_back({{"name", c.name}, {"state", doctor::to_string(c.state)}, {"detail", c.detail}, {"hint", c.hint}});
    doc["checks"] = list;
    doc["healthy"] = !failed;
    cli::emit_json(doc);
  } else {
    cli::say(cli::bold("git-opentraces " OT_VERSION) + " doctor");
    for (const auto& c : checks) {
      std::string mark = c.state == doctor::CheckState::ok     ? cli::green("ok  ")
                         : c.state == doctor::CheckState::warn ? cli::yellow("warn")
                                                               : cli::red("FAIL");
      cli::say("  " + mark + "  " + c.name + "  " + cli::dim(c.detail));
      if (!c.hint.empty()) cli::say("        " + c.hint);
    }
  }
  if (failed) std::exit(to_int(ExitCode::kResource));
}

size_t files_in(const fs::path& dir) {
  std::error_code ec;
  size_t n = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) ++n;
  return n;
}

void run_status(bool short_form, bool full, const std::string& project) {
  auto b = cli::unwrap(bucket::open_and_drain());
  json counters = cli::unwrap(b->status());
  auto pending = bucket::spool_pending();
  size_t spool_pending = pending.ok() ? pending->size() : 0;
  auto d = status::build_dashboard(counters, spool_pending, files_in(spool_dir() / "quarantine"),
                                   project.empty() ? std::nullopt : std::optional<std::string>(project));
  if (cli::globals().json) {
    cli::emit_json(d);
    return;
  }
  if (short_form) {
    cli::say(status::short_line(d));
    return;
  }
  const auto& safety = d["safety"];
  std::string verdict = safety["verdict"].get<std::string>();
  std::string shown = verdict == "clear" ? cli::green("clear") : verdict == "empty" ? "empty" : cli::yellow("not cleared");
  cli::say(cli::bold("opentraces") + "  " + std::to_string(d["store"]["trace_count"].get<int64_t>()) + " traces in " +
           std::to_string(d["store"]["project_count"].get<int64_t>()) + " projects · " + shown);
  cli::say("  security   " + std::to_string(safety["scanned_count"].get<int64_t>()) + " scanned · " +
           std::to_string(safety["unscanned_count"].get<int64_t>()) + " unscanned · " +
           std::to_string(safety["not_cleared_count"].get<int64_t>()) + " not cleared for sharing");
  std::string reasons;
  for (const auto& r : d["sync"]["blocked_reasons"]) reasons += (reasons.empty() ? "" : ", ") + r.get<std::string>();
  cli::say("  sync       " + (d["ready"].get<bool>() ? cli::green("ready") : "blocked" + (reasons.empty() ? "" : " (" + reasons + ")")));
  if (d["freshness"]["stale"].get<bool>())
    cli::say(cli::yellow("  freshness  spool has " + std::to_string(spool_pending) + " undrained item(s)"));
  const auto& fleet = d["fleet"]["by_project"];
  if (!fleet.empty()) {
    cli::say("  projects");
    size_t shown_rows = full ? fleet.size() : std::min<size_t>(fleet.size(), 5);
    for (size_t i = 0; i < shown_rows; ++i)
      cli::say("    " + std::to_string(fleet[i]["trace_count"].get<int64_t>()) + "\t" + fleet[i]["project"].get<std::string>());
  }
  for (const auto& step : d["next_steps"]) cli::say(cli::dim("  next: " + step.get<std::string>()));
}

}  // namespace

void register_status(CLI::App& root) {
  auto* status = cli::add_command(root, "status", "O(1) dashboard of the bucket: traces, scan state, sync readiness",
                                  "  git opentraces status\n"
                                  "  git opentraces status --short     one porcelain line for prompts and scripts\n"
                                  "  git opentraces status --json\n");
  auto short_form = std::make_shared<bool>(false);
  auto full = std::make_shared<bool>(false);
  auto project = std::make_shared<std::string>();
  status->add_flag("--short", *short_form, "One line: status=<clean|not-cleared|empty> traces=N unscanned=N ...");
  status->add_flag("--full", *full, "Every project, not only the largest");
  status->add_option("--project", *project, "Only this project slug");
  status->callback([=] { run_status(*short_form, *full, *project); });
  auto* doctor = cli::add_command(root, "doctor", "Check the installation: binary, git, libgit2, home, config",
                                  "  git opentraces doctor\n  git opentraces doctor --json\n"
                                  "Exit 3 when a check fails (warnings do not fail).\n");
  doctor->callback([] { run_doctor(); });
}

}  // namespace ot::cmd
