// `doctor`: independent health checks of the installation. Each check reports
// ok / warn / fail with a hint; later modules append their own checks here.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ot::doctor {

enum class CheckState { ok, warn, fail };
std::string to_string(CheckState s);

struct Check {
  std::string name;    // stable id, e.g. "binary_on_path"
  CheckState state = CheckState::ok;
  std::string detail;  // what was found
  std::string hint;    // how to fix (empty when ok)
};

struct Context {
  std::filesystem::path cwd;
  std::filesystem::path self_exe;  // the running binary
};

std::vector<Check> run_checks(const Context& ctx);

// fail → the run fails (exit 3); warn does not.
bool any_failed(const std::vector<Check>& checks);

}  // namespace ot::doctor
