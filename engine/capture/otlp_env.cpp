#include "engine/capture/otlp_env.h"

#include <algorithm>
#include <sstream>

#include "engine/capture/integrations.h"

namespace ot::capture {

namespace {

std::vector<std::string> marker_keys(const ordered_json& env) {
  std::vector<std::string> out;
  auto it = env.find(kOtlpMarkerKey);
  if (it == env.end() || !it->is_string()) return out;
  std::stringstream ss(it->get<std::string>());
  for (std::string k; std::getline(ss, k, ',');)
    if (!k.empty()) out.push_back(k);
  return out;
}

}  // namespace

std::map<std::string, std::string> otlp_env(const OtlpEnvOptions& o) {
  std::map<std::string, std::string> env = {{"CLAUDE_CODE_ENABLE_TELEMETRY", "1"},
                                            {"OTEL_LOGS_EXPORTER", "otlp"},
                                            {"OTEL_METRICS_EXPORTER", "otlp"},
                                            {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
                                            {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + std::to_string(o.port)}};
  if (o.log_prompts) env["OTEL_LOG_USER_PROMPTS"] = "1";
  if (o.log_tool_details) env["OTEL_LOG_TOOL_DETAILS"] = "1";
  return env;
}

SettingsEdit add_otlp_env(OtlpEnvOptions o) {
  return [o](ordered_json& doc) -> Status {
    if (!doc.contains("env") || !doc["env"].is_object()) {
      if (doc.contains("env") && !doc["env"].is_null())
        return make_error(ExitCode::kResource, "SETTINGS_CONFLICT", "setup", "`env` in the settings file is not an object",
                          "fix the file by hand, then run setup again");
      doc["env"] = ordered_json::object();
    }
    ordered_json& env = doc["env"];
    std::vector<std::string> ours = marker_keys(env);
    auto is_ours = [&](const std::string& k) { return std::find(ours.begin(), ours.end(), k) != ours.end(); };
    auto want = otlp_env(o);
    for (const auto& [k, v] : want) {
      auto it = env.find(k);
      if (it != env.end() && !is_ours(k) && !(it->is_string() && it->get<std::string>() == v) && !o.force)
        return make_error(ExitCode::kResource, "SETTINGS_CONFLICT", "setup",
                          "Claude Code's settings already set " + k + "=" + (it->is_string() ? it->get<std::string>() : it->dump()) +
                              " (not written by git-opentraces)",
                          "keep your exporter, or pass --force to point it at the local receiver instead");
    }
    // Keys we set before and do not want now (e.g. prompts logging turned off) go.
    for (const auto& k : ours)
      if (!want.count(k)) env.erase(k);
    std::string list;
    for (const auto& [k, v] : want) {
      env[k] = v;
      list += (list.empty() ? "" : ",") + k;
    }
    env[kOtlpMarkerKey] = list;
    return ok_status();
  };
}

SettingsEdit strip_otlp_env() {
  return [](ordered_json& doc) -> Status {
    if (!doc.contains("env") || !doc["env"].is_object()) return ok_status();
    ordered_json& env = doc["env"];
    if (!env.contains(kOtlpMarkerKey)) return ok_status();
    for (const auto& k : marker_keys(env)) env.erase(k);
    env.erase(kOtlpMarkerKey);
    if (env.empty()) doc.erase("env");
    return ok_status();
  };
}

SettingsEdit strip_all_claude() {
  return [](ordered_json& doc) -> Status {
    OT_TRY_STATUS(strip_command_hooks()(doc));
    return strip_otlp_env()(doc);
  };
}

}  // namespace ot::capture
