// `status` (bucket dashboard) and `doctor` (installation health).
#include <unistd.h>

#include <filesystem>

#include "engine/doctor/doctor.h"
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

}  // namespace

void register_status(CLI::App& root) {
  cli::add_planned(root, "status", "O(1) dashboard of the bucket: traces, scan state, sync readiness", "issue #4");
  auto* doctor = cli::add_command(root, "doctor", "Check the installation: binary, git, libgit2, home, config",
                                  "  git opentraces doctor\n  git opentraces doctor --json\n"
                                  "Exit 3 when a check fails (warnings do not fail).\n");
  doctor->callback([] { run_doctor(); });
}

}  // namespace ot::cmd
