// `doctor` checks for attribution (issue 16): are the notes shared with the team
// (a notes ref, a fetch refspec, nothing left unpushed), and does attribution work
// end to end on this machine (a note written and blamed back in a scratch repository).
#pragma once

#include <filesystem>
#include <vector>

#include "engine/doctor/doctor.h"

namespace ot::trails {

std::vector<doctor::Check> doctor_checks(const std::filesystem::path& cwd);

// The two checks alone (tests).
doctor::Check notes_sync_check(const std::filesystem::path& cwd);
doctor::Check attribution_selfcheck();

}  // namespace ot::trails
