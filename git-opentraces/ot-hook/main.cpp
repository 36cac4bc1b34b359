// ot-hook: the lean entry point for agent hooks (`ot-hook hook <agent> [<event>]`,
// the same argv as `git-opentraces hook ...`). Agents start a hook on every tool call,
// so start-up time is the product here: this binary links only what the hot path
// needs (no libgit2, LevelDB, curl, CLI11), which keeps the dynamic loader's work small.
// Anything else, and the rare call that must enrol the repository first (libgit2),
// is handed to the full binary with the same argv and the same stdin bytes.
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "engine/capture/hook_event.h"
#include "engine/capture/hook_runner.h"
#include "engine/capture/integrations.h"
#include "engine/util/log.h"

namespace {

// Replaces this process with the full binary; `input` becomes its stdin. Returns only
// when exec failed (logged; the hook then exits 0 like any other failed hook).
void hand_over(char** argv, const std::string* input) {
  if (input) {
    int fd = memfd_create("ot-hook-stdin", 0);
    if (fd >= 0 && ::write(fd, input->data(), input->size()) == static_cast<ssize_t>(input->size()) &&
        ::lseek(fd, 0, SEEK_SET) == 0) {
      ::dup2(fd, STDIN_FILENO);
    }
    if (fd >= 0) ::close(fd);
  }
  std::string bin = ot::capture::main_binary().string();
  argv[0] = bin.data();
  ::execv(bin.c_str(), argv);
  ot::log().error("ot-hook: cannot start {}: {}", bin, std::strerror(errno));
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view group = argc > 1 ? argv[1] : "";
  std::string_view agent = argc > 2 ? argv[2] : "";
  if (group != "hook" || !ot::capture::is_known_agent(agent)) {
    hand_over(argv, nullptr);  // git hooks, --version, anything else: the full binary
    return 0;
  }
  std::string input = ot::capture::read_hook_stdin();
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  auto outcome = ot::capture::run_agent_hook(agent, argc > 3 ? argv[3] : "", input, ec ? "/" : cwd, nullptr);
  if (outcome.needs_enrolment) hand_over(argv, &input);
  return 0;
}
