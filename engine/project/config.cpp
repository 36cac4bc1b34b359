#include "engine/project/config.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "engine/util/fs.h"

namespace ot::project {
namespace {

Error corrupt(const std::filesystem::path& path, const std::string& why) {
  return make_error(ExitCode::kResource, "CONFIG_CORRUPT", "config",
                    path.string() + " is unusable: " + why,
                    "fix the file by hand or move it aside (opentraces will not overwrite it); "
                    "`git opentraces doctor` re-checks it");
}

Error unknown_key(std::string_view key) {
  return make_error(ExitCode::kUsage, "UNKNOWN_CONFIG_KEY", "config",
                    "unknown config key `" + std::string(key) + "`",
                    "run `git opentraces config show` to list the keys");
}

// Advisory lock on a sibling lock file, held for one read-modify-write.
class ConfigLock {
 public:
  explicit ConfigLock(const std::filesystem::path& path) {
    auto lock_path = path;
    lock_path += ".lock";
    fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~ConfigLock() {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_UN);
      ::close(fd_);
    }
  }
  ConfigLock(const ConfigLock&) = delete;
  ConfigLock& operator=(const ConfigLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Walks a dotted key through nested objects of `doc`; nullptr when absent.
const json* find_path(const json& doc, std::string_view key) {
  const json* cur = &doc;
  size_t start = 0;
  while (start <= key.size()) {
    size_t dot = key.find('.', start);
    std::string part(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return cur;
}

json* find_path_mut(json& doc, std::string_view key) {
  return const_cast<json*>(find_path(doc, key));
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Fills keys missing from `doc` with their defaults, recursively (older files).
void merge_defaults(json& doc, const json& defaults) {
  for (auto it = defaults.begin(); it != defaults.end(); ++it) {
    auto found = doc.find(it.key());
    if (found == doc.end()) {
      doc[it.key()] = it.value();
    } else if (found->is_object() && it.value().is_object()) {
      merge_defaults(*found, it.value());
    }
  }
}

}  // namespace

// The default document, built once (pointers into it must stay valid).
const json& defaults() {
  static const json doc = default_config();
  return doc;
}

json default_config() {
  return json{
      {"config_version", kConfigVersion},
      {"projects", json::object()},
      {"excluded_projects", json::array()},
      {"custom_redact_strings", json::array()},
      {"projects_path", ""},
      {"classifier_sensitivity", "medium"},
      {"dataset_visibility", "private"},
      {"capsule_repo", ""},
      {"security",
       {{"regex", true},
        {"entropy", true},
        {"trufflehog", {{"enabled", false}, {"verify_secrets", false}}},
        {"llm_review",
         {{"enabled", false},
          {"api_format", "openai-compat"},
          {"base_url", "http://localhost:11434/v1"},
          {"model", ""},
          {"api_key_env", ""},
          {"timeout", 120},
          {"prompt_version", "1"}}},
        {"path_anonymizer", true},
        {"classifier", {{"enabled", true}, {"sensitivity", "medium"}}}}},
      {"bucket",
       {{"storage", "local"},
        {"remote", {{"enabled", false}, {"provider", "huggingface"}, {"url", ""}, {"visibility", "private"},
                    {"sync_policy", "manual"}}}}},
      {"capture", {{"tracking_mode", "global"}, {"otlp", {{"raw_body_retention", "delete"}}}}},
  };
}

Result<json> load_config(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return default_config();
  auto bytes = read_file(path);
  if (!bytes.ok()) return corrupt(path, bytes.error().message);
  auto doc = parse_json(*bytes, "");
  if (!doc.ok()) return corrupt(path, doc.error().message.substr(2));  // drop the empty "where: "
  if (!doc->is_object()) return corrupt(path, "the top level is not a JSON object");
  json config = std::move(doc).value();
  merge_defaults(config, default_config());
  return config;
}

Result<json> update_config(const std::function<Status(json&)>& change, const std::filesystem::path& path) {
  OT_TRY_STATUS(ensure_dir(path.parent_path(), 0700));
  ConfigLock lock(path);
  if (!lock.held()) {
    return make_error(ExitCode::kResource, "CONFIG_LOCK_FAILED", "config",
                      "cannot lock " + path.string() + ".lock", "check the directory is writable", true);
  }
  auto loaded = load_config(path);
  if (!loaded.ok()) return loaded.error();
  json config = std::move(loaded).value();
  OT_TRY_STATUS(change(config));
  config["config_version"] = kConfigVersion;
  OT_TRY_STATUS(write_file_atomic(path, pretty_json(config) + "\n", 0600));
  return config;
}

Result<json> config_get(const json& config, std::string_view key) {
  if (key == "hf_token") return masked_config(config).value("hf_token", json("***"));
  if (!find_path(defaults(), key)) return unknown_key(key);
  const json* value = find_path(config, key);
  if (!value) value = find_path(defaults(), key);
  return *value;
}

Result<bool> parse_bool_word(std::string_view key, std::string_view raw) {
  std::string word = lower(raw);
  if (word == "true" || word == "1" || word == "yes" || word == "on") return true;
  if (word == "false" || word == "0" || word == "no" || word == "off") return false;
  return make_error(ExitCode::kUsage, "INVALID_CONFIG_VALUE", "config",
                    "`" + std::string(raw) + "` is not a boolean for " + std::string(key),
                    "use true/false (also 1/0, yes/no, on/off)");
}

Status config_set(json& config, std::string_view key, std::string_view raw, bool append) {
  if (key == "hf_token") {
    return make_error(ExitCode::kUsage, "HF_TOKEN_NOT_IN_CONFIG", "config",
                      "the Hugging Face token is never stored in config.json",
                      "use `git opentraces auth login --token` or the HF_TOKEN environment variable");
  }
  if (key == "config_version" || key == "projects") {
    return make_error(ExitCode::kUsage, "READ_ONLY_CONFIG_KEY", "config",
                      "`" + std::string(key) + "` is managed by opentraces",
                      key == "projects" ? "use `git opentraces init` / `remove`" : "");
  }
  const json* def = find_path(defaults(), key);
  if (!def) return unknown_key(key);
  if (def->is_object()) {
    return make_error(ExitCode::kUsage, "INVALID_CONFIG_VALUE", "config",
                      "`" + std::string(key) + "` is a section, not a value",
                      "set one of its keys, e.g. `" + std::string(key) + "." + def->begin().key() + "`");
  }
  if (append && !def->is_array()) {
    return make_error(ExitCode::kUsage, "INVALID_CONFIG_VALUE", "config",
                      "--append only applies to list keys; `" + std::string(key) + "` is not a list");
  }
  json value;
  if (def->is_boolean()) {
    auto b = parse_bool_word(key, raw);
    if (!b.ok()) return b.error();
    value = *b;
  } else if (def->is_number_integer()) {
    try {
      size_t used = 0;
      long long n = std::stoll(std::string(raw), &used);
      if (used != raw.size()) throw std::invalid_argument("trailing");
      value = n;
    } catch (const std::exception&) {
      return make_error(ExitCode::kUsage, "INVALID_CONFIG_VALUE", "config",
                        "`" + std::string(raw) + "` is not an integer for " + std::string(key));
    }
  } else if (def->is_array()) {
    json* current = find_path_mut(config, key);
    json list = (current && current->is_array() && append) ? *current : json::array();
    if (std::find(list.begin(), list.end(), json(std::string(raw))) == list.end()) list.push_back(std::string(raw));
    value = list;
  } else {
    value = std::string(raw);
  }
  if (key == "capture.tracking_mode" && value != "global" && value != "manual") {
    return make_error(ExitCode::kUsage, "INVALID_CONFIG_VALUE", "config",
                      "tracking mode must be `global` or `manual`", "");
  }
  // Create intermediate sections if an older file lacks them.
  json* cur = &config;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    std::string part(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) {
      (*cur)[part] = value;
      break;
    }
    json& next = (*cur)[part];
    if (!next.is_object()) next = json::object();
    cur = &next;
    start = dot + 1;
  }
  return ok_status();
}

json masked_config(const json& config) {
  json out = config;
  out.erase("hf_token");
  if (out.contains("custom_redact_strings") && out["custom_redact_strings"].is_array()) {
    for (auto& s : out["custom_redact_strings"]) s = "***";
  }
  return out;
}

std::string tracking_mode(const json& config) {
  const json* mode = find_path(config, "capture.tracking_mode");
  if (mode && mode->is_string() && *mode == "manual") return "manual";
  return "global";
}

}  // namespace ot::project
