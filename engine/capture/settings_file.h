// Safe edits of a user's JSON settings file (Claude Code settings.json, Codex
// hooks.json, Pi settings.json): parse, edit a copy, write atomically with a backup
// beside it, and remember the original bytes so that removing our entries later
// gives the file back exactly as it was. A file that does not parse is never
// written: the error names it.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capture {

struct SettingsPlan {
  std::filesystem::path file;    // as named (may be a symlink)
  std::filesystem::path target;  // the file actually written (symlinks resolved)
  bool existed = false;
  std::string before;            // current bytes ("" when absent)
  std::string after;             // bytes to write (unused when remove_file)
  bool remove_file = false;      // the file did not exist before we created it
  bool restores_original = false;  // `after` is the original bytes we kept
  bool changed = false;
  bool install = true;           // install (keep the original) or remove (restore it)
};

// Edits the parsed document. `doc` is always a JSON object here.
using SettingsEdit = std::function<Status(ordered_json& doc)>;

// Plans adding our entries: reads `file` (absent → `{}`), applies `edit`.
// Errors: SETTINGS_CORRUPT (exit 3) when the file is not a JSON object.
Result<SettingsPlan> plan_install(const std::filesystem::path& file, const SettingsEdit& edit);

// Plans removing our entries with `strip`. When what remains equals the document we
// found before our first install, the original bytes are restored (or the file
// removed if we created it).
Result<SettingsPlan> plan_remove(const std::filesystem::path& file, const SettingsEdit& strip);

// Writes the plan (no-op when unchanged). Existing files are copied to
// `<file>.bak-<UTC stamp>` first; returns that backup path when one was made.
// `strip` tells install whether the current file is still untouched by us (then its
// bytes are kept as the original to restore on remove).
Result<std::optional<std::filesystem::path>> apply_plan(const SettingsPlan& plan, const SettingsEdit& strip);

// Reads and parses a settings file (absent → nullopt). SETTINGS_CORRUPT when unparsable.
Result<std::optional<ordered_json>> read_settings(const std::filesystem::path& file);

// Where the original bytes of `target` are kept ($OPENTRACES_HOME/integrations/originals/).
std::filesystem::path original_record_path(const std::filesystem::path& target);

}  // namespace ot::capture
