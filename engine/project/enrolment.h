// The capture hot path's enrolment check, free of libgit2 so the lean hook binary
// (ot-hook) can link it without loading libgit2 and its dependency chain: find the
// work tree, read config and marker, decide. Enrolling (which needs the root commit
// through libgit2) stays in project.cpp: ensure_enrolled().
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "engine/project/project.h"

namespace ot::project {

struct EnrolmentCheck {
  enum class State {
    kNotCaptured,     // not a work tree, excluded, or manual tracking without a marker
    kEnrolled,        // capture into `info`; nothing to write
    kNeedsEnrolment,  // first capture here, a new agent, or a checkout not yet registered
  };
  State state = State::kNotCaptured;
  ProjectInfo info;                   // valid when kEnrolled (and the marker's, if any, otherwise)
  bool has_marker = false, global = false, lists_agent = false;
};

Result<EnrolmentCheck> check_enrolment(const std::filesystem::path& cwd, std::string_view agent);

// Shared with project.cpp.
std::string registry_key(const std::filesystem::path& root);
ProjectInfo info_from(const std::filesystem::path& root, const json& marker);

}  // namespace ot::project
