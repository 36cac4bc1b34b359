// Machine-local state locations (DESIGN.md "Machine-local state").
#pragma once

#include <filesystem>

namespace ot {

// $OPENTRACES_HOME, else $HOME/.opentraces.
std::filesystem::path ot_home();
// $HOME (falls back to the passwd entry).
std::filesystem::path user_home();

inline std::filesystem::path config_path() { return ot_home() / "config.json"; }
inline std::filesystem::path credentials_path() { return ot_home() / "credentials"; }
inline std::filesystem::path bucket_dir() { return ot_home() / "bucket"; }
inline std::filesystem::path spool_dir() { return ot_home() / "spool"; }
inline std::filesystem::path logs_dir() { return ot_home() / "logs"; }

}  // namespace ot
