// Agent-facing workflows that `setup <agent> --skills` installs, so the agent itself can
// look up earlier sessions of the repo: run `trace query`, `trace get` and `ctx warmup`.
//
//   Claude Code  <base>/skills/opentraces/SKILL.md            a skill the model loads on demand
//                <base>/commands/ot-search.md, ot-trace.md,   custom slash commands
//                ot-warmup.md
//     <base> = ~/.claude (user) or <repo>/.claude (--project)
//   Pi           <package>/prompts/ot-search.md, ot-trace.md,  prompt templates (/ot-search …)
//                ot-warmup.md, <package>/skills/opentraces/SKILL.md, listed in the package's
//                package.json ("pi": {"prompts", "skills"}) — the package `setup pi` deploys
//
// Every file carries kSkillMarker; removal deletes only files that carry it (a file
// the user wrote under the same name is left alone, and reported as foreign).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/util/result.h"

namespace ot::capture {

inline constexpr const char* kSkillMarker = "<!-- installed by git-opentraces setup --skills -->";

struct SkillFile {
  std::filesystem::path path;
  std::string content;
};

// The files for one agent ("claude-code" or "pi") under `base`, running `binary`.
std::vector<SkillFile> skill_files(std::string_view agent, const std::filesystem::path& base,
                                   const std::filesystem::path& binary);

struct SkillChange {
  std::filesystem::path path;
  std::string action;  // written | unchanged | removed | absent | foreign (not ours: left alone)
};

// Writes the files (idempotent: same content → unchanged). A foreign file of the same
// name is not overwritten. dry_run reports what would happen.
Result<std::vector<SkillChange>> install_skills(std::string_view agent, const std::filesystem::path& base,
                                                const std::filesystem::path& binary, bool dry_run);
// Removes our files (those carrying the marker) and the directories left empty.
Result<std::vector<SkillChange>> remove_skills(std::string_view agent, const std::filesystem::path& base,
                                               bool dry_run);

// Pi: adds (or with `on` false removes) "prompts"/"skills" in the deployed package.json.
Status set_pi_package_resources(const std::filesystem::path& package_dir, bool on);

}  // namespace ot::capture
