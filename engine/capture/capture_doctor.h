// `doctor` checks for capture: each agent integration and the git hooks (installed,
// version and binary drift, unreadable settings) and the spool backlog.
#pragma once

#include <filesystem>
#include <vector>

#include "engine/doctor/doctor.h"

namespace ot::capture {

std::vector<doctor::Check> doctor_checks(const std::filesystem::path& cwd);

}  // namespace ot::capture
