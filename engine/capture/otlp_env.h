// `setup claude-code --otlp`: the `env` entries of Claude Code's settings.json that turn
// on its OpenTelemetry exporter and point it at our receiver (docs/otlp.md):
//   CLAUDE_CODE_ENABLE_TELEMETRY=1, OTEL_LOGS_EXPORTER=otlp, OTEL_METRICS_EXPORTER=otlp,
//   OTEL_EXPORTER_OTLP_PROTOCOL=http/json, OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:<port>,
//   and, only when asked, OTEL_LOG_USER_PROMPTS=1 / OTEL_LOG_TOOL_DETAILS=1.
// A marker entry, OPENTRACES_OTLP_KEYS, lists the keys we set, so removal takes away
// exactly those. The file itself is edited through settings_file.h (backup, original
// bytes kept, atomic write), like the hooks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/capture/settings_file.h"

namespace ot::capture {

inline constexpr const char* kOtlpMarkerKey = "OPENTRACES_OTLP_KEYS";

struct OtlpEnvOptions {
  int port = 4318;
  bool log_prompts = false;
  bool log_tool_details = false;
  bool force = false;  // replace telemetry settings that are not ours
};

std::map<std::string, std::string> otlp_env(const OtlpEnvOptions& o);

// Adds / updates our env entries. SETTINGS_CONFLICT (exit 3) when a key we would set
// already holds another value that we did not write (unless force).
SettingsEdit add_otlp_env(OtlpEnvOptions o);
// Removes the entries the marker lists (and the marker); `env` goes when left empty.
SettingsEdit strip_otlp_env();
// Our hooks and our env entries both: "is this file untouched by us" for apply_plan.
SettingsEdit strip_all_claude();

}  // namespace ot::capture
