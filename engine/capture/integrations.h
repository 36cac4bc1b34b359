// What `setup` installs into the agents, and how to recognise it again.
//
// Claude Code and Codex get one command hook per event in their JSON hook settings
// (same shape: {"hooks": {Event: [{"hooks": [{"type":"command","command":…}]}]}}).
// The command is
//     OT_HOOK_VERSION=<version> '<absolute path of git-opentraces>' hook <agent> <Event> 2>/dev/null || true
// — the absolute path resolved at setup time (agents run hooks with whatever PATH they
// were started with), the version marker for drift detection, and `|| true` so that a
// missing binary never fails the agent. Pi gets a small extension package (hooks/pi/)
// copied under $OPENTRACES_HOME and listed in Pi's settings "packages".
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/capture/settings_file.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capture {

// The running binary, symlinks resolved (/proc/self/exe).
std::filesystem::path self_binary();
// The full git-opentraces binary (self, unless this is one of the helpers ot-hook or
// ot-server).
std::filesystem::path main_binary();
// `ot-server`, which runs the two commands that need an HTTP server (serve,
// capture-otlp) so the main binary does not load cpp-httplib and its TLS stack: beside
// the main binary (build tree) or in <prefix>/libexec/git-opentraces/. Empty when absent.
std::filesystem::path server_binary();
// What agent hook commands run: the lean `ot-hook` shipped beside the main binary
// (build tree: same directory; installed: <prefix>/libexec/git-opentraces/), which
// starts in a fraction of the time; the main binary when ot-hook is absent.
std::filesystem::path agent_hook_binary();
std::string shell_quote(std::string_view s);

std::string hook_command(const std::filesystem::path& binary, std::string_view agent, std::string_view event);
struct HookCommand {
  std::string version, binary, agent, event;
};
// Our command parsed back; nullopt for anyone else's command.
std::optional<HookCommand> parse_hook_command(std::string_view command);

// Events registered per agent.
const std::vector<std::string>& claude_events();
const std::vector<std::string>& codex_events();

// Default files. Codex honours $CODEX_HOME.
std::filesystem::path claude_settings_path(bool project, const std::filesystem::path& cwd);
std::filesystem::path codex_hooks_path();
std::filesystem::path pi_settings_path(bool project, const std::filesystem::path& cwd);
// Where `setup pi` puts the extension package.
std::filesystem::path pi_package_dir();

// Edits for a {"hooks": {...}} document (Claude Code, Codex).
SettingsEdit add_command_hooks(std::string agent, std::filesystem::path binary, std::vector<std::string> events,
                               int timeout_s = 10);
SettingsEdit strip_command_hooks();
// Edits for Pi's settings "packages" list.
SettingsEdit add_pi_package(std::filesystem::path package_dir);
SettingsEdit strip_pi_package();

// The hooks/ directory shipped with the binary (installed share dir, or the source
// tree for a development build). HOOKS_MISSING (exit 3) when not found.
Result<std::filesystem::path> shipped_hooks_dir();
// Copies hooks/pi into pi_package_dir(), stamping the binary path and version.
// Returns the package dir. With dry_run nothing is written.
Result<std::filesystem::path> deploy_pi_package(const std::filesystem::path& binary, bool dry_run);

// Installed state of one agent integration, for `setup status` and `doctor`.
struct IntegrationStatus {
  std::string name;                 // claude-code | codex | pi
  std::filesystem::path target;     // the settings file
  bool installed = false;           // every expected entry is present
  std::vector<std::string> events;  // events that carry our command
  std::vector<std::string> missing_events;
  std::string version;              // version marker found ("" when none)
  std::string binary;               // binary our entries run
  std::vector<std::string> drift;   // version-drift, binary-missing, binary-moved, events-missing
  std::string last_seen;            // ISO time of the last hook call, "" when never
  std::string error;                // e.g. the settings file does not parse
};
IntegrationStatus command_hooks_status(std::string_view agent, const std::filesystem::path& file);
IntegrationStatus pi_status(const std::filesystem::path& settings_file);
json to_json(const IntegrationStatus& s);

}  // namespace ot::capture
