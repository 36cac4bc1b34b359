#include "engine/project/marker.h"

#include <algorithm>

#include "engine/project/config.h"
#include "engine/util/fs.h"

namespace ot::project {
namespace {

Error corrupt(const std::filesystem::path& path, const std::string& why) {
  return make_error(ExitCode::kResource, "MARKER_CORRUPT", "project",
                    "the project marker " + path.string() + " is invalid: " + why,
                    "fix it by hand (it is usually committed: `git checkout -- .opentraces.json`) "
                    "or delete it and run `git opentraces init` again");
}

Error invalid_value(std::string_view key, std::string why) {
  return make_error(ExitCode::kUsage, "INVALID_CONFIG_VALUE", "config",
                    "invalid value for project key `" + std::string(key) + "`: " + why);
}

}  // namespace

std::filesystem::path marker_path(const std::filesystem::path& repo_root) {
  return repo_root / std::string(kMarkerFile);
}

Result<std::optional<json>> read_marker(const std::filesystem::path& repo_root) {
  auto path = marker_path(repo_root);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<json>{};
  auto bytes = read_file(path);
  if (!bytes.ok()) return corrupt(path, bytes.error().message);
  auto doc = parse_json(*bytes, "");
  if (!doc.ok()) return corrupt(path, doc.error().message.substr(2));  // drop the empty "where: "
  if (!doc->is_object()) return corrupt(path, "the top level is not a JSON object");
  const json& m = *doc;
  if (!m.contains("project_id") || !m["project_id"].is_string() || m["project_id"].get<std::string>().empty())
    return corrupt(path, "`project_id` is missing");
  if (m.contains("agents") && !m["agents"].is_array()) return corrupt(path, "`agents` is not a list");
  if (m.contains("excluded") && !m["excluded"].is_boolean()) return corrupt(path, "`excluded` is not a boolean");
  return std::optional<json>(std::move(doc).value());
}

Status write_marker(const std::filesystem::path& repo_root, const json& marker) {
  return write_file_atomic(marker_path(repo_root), pretty_json(marker) + "\n", 0644);
}

json new_marker(std::string project_id, std::optional<std::string> root_commit_sha) {
  return json{
      {"marker_version", kMarkerVersion},
      {"project_id", std::move(project_id)},
      {"agents", json::array()},
      {"review_policy", "review"},
      {"push_policy", "manual"},
      {"default_visibility", "private"},
      {"remotes", json::object()},
      {"active_remote", nullptr},
      {"excluded", false},
      {"post_processors", json::array()},
      {"root_commit_sha", root_commit_sha ? json(*root_commit_sha) : json(nullptr)},
  };
}

Result<std::string> canonical_agent(std::string_view name) {
  if (name == "claude-code" || name == "claude") return std::string("claude-code");
  if (name == "codex" || name == "codex-cli") return std::string("codex");
  if (name == "pi") return std::string("pi");
  return make_error(ExitCode::kUsage, "UNKNOWN_AGENT", "init", "unknown agent `" + std::string(name) + "`",
                    "use claude-code, codex or pi");
}

std::vector<std::string> merge_agents(json& marker, const std::vector<std::string>& agents) {
  std::vector<std::string> current;
  if (marker.contains("agents") && marker["agents"].is_array())
    for (const auto& a : marker["agents"])
      if (a.is_string()) current.push_back(a.get<std::string>());
  std::vector<std::string> added;
  for (const auto& a : agents) {
    if (std::find(current.begin(), current.end(), a) == current.end()) {
      current.push_back(a);
      added.push_back(a);
    }
  }
  std::sort(current.begin(), current.end());
  marker["agents"] = current;
  return added;
}

const std::vector<std::string>& marker_keys() {
  static const std::vector<std::string> keys{"excluded", "review_policy", "push_policy", "remotes",
                                             "active_remote", "default_visibility", "agents", "post_processors"};
  return keys;
}

Status marker_set(json& marker, std::string_view key, std::string_view raw, bool append) {
  const auto& keys = marker_keys();
  if (std::find(keys.begin(), keys.end(), std::string(key)) == keys.end()) {
    std::string list;
    for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
    return make_error(ExitCode::kUsage, "UNKNOWN_CONFIG_KEY", "config",
                      "`" + std::string(key) + "` is not a project key", "project keys: " + list);
  }
  if (append && key != "agents") return invalid_value(key, "--append only applies to `agents`");
  if (key == "excluded") {
    auto b = parse_bool_word(key, raw);
    if (!b.ok()) return b.error();
    marker["excluded"] = *b;
  } else if (key == "review_policy") {
    if (raw != "review" && raw != "auto") return invalid_value(key, "use `review` or `auto`");
    marker[std::string(key)] = std::string(raw);
  } else if (key == "push_policy") {
    if (raw != "manual" && raw != "auto") return invalid_value(key, "use `manual` or `auto`");
    marker[std::string(key)] = std::string(raw);
  } else if (key == "default_visibility") {
    if (raw != "private" && raw != "public") return invalid_value(key, "use `private` or `public`");
    marker[std::string(key)] = std::string(raw);
  } else if (key == "agents") {
    auto agent = canonical_agent(raw);
    if (!agent.ok()) return agent.error();
    if (!append) marker["agents"] = json::array();
    merge_agents(marker, {*agent});
  } else if (key == "active_remote") {
    if (raw.empty() || raw == "null") {
      marker["active_remote"] = nullptr;
    } else {
      if (!marker.contains("remotes") || !marker["remotes"].contains(std::string(raw)))
        return invalid_value(key, "no remote named `" + std::string(raw) + "` in `remotes`");
      marker["active_remote"] = std::string(raw);
    }
  } else {  // remotes, post_processors: structured values given as JSON text
    auto doc = parse_json(raw, key);
    if (!doc.ok()) return invalid_value(key, "expected a JSON value: " + doc.error().message);
    bool want_object = key == "remotes";
    if (want_object ? !doc->is_object() : !doc->is_array())
      return invalid_value(key, want_object ? "expected a JSON object" : "expected a JSON list");
    marker[std::string(key)] = std::move(doc).value();
  }
  return ok_status();
}

}  // namespace ot::project
