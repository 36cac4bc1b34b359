#include "engine/security/policy.h"

#include <sstream>

#include "engine/project/config.h"
#include "engine/util/fs.h"

namespace ot::security {

namespace {

const json& section(const json& config) {
  static const json empty = json::object();
  if (!config.is_object()) return empty;
  auto it = config.find("security");
  return it != config.end() && it->is_object() ? *it : empty;
}

std::vector<std::string> string_list(const json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_string() && !v.get<std::string>().empty()) out.push_back(v.get<std::string>());
  return out;
}

Error unknown_tool(std::string_view name) {
  std::string names;
  for (const auto& t : tool_registry()) names += (names.empty() ? "" : ", ") + t.name;
  return make_error(ExitCode::kUsage, "UNKNOWN_SECURITY_TOOL", "security",
                    "unknown security tool `" + std::string(name) + "`", "known tools: " + names);
}

}  // namespace

std::string current_version(const json& config) {
  const json& s = section(config);
  int64_t epoch = 0;
  if (auto it = s.find("version_epoch"); it != s.end() && it->is_number_integer()) epoch = it->get<int64_t>();
  std::string v(kBuiltinVersion);
  if (epoch > 0) v += "+" + std::to_string(epoch);
  return v;
}

std::string_view tier_name(Tier t) {
  switch (t) {
    case Tier::off: return "off";
    case Tier::low: return "low";
    case Tier::medium: return "medium";
    case Tier::high: return "high";
  }
  return "medium";
}

std::optional<Tier> parse_tier(std::string_view s) {
  if (s == "off") return Tier::off;
  if (s == "low") return Tier::low;
  if (s == "medium") return Tier::medium;
  if (s == "high") return Tier::high;
  return std::nullopt;
}

std::string_view kind_name(ToolKind k) {
  switch (k) {
    case ToolKind::detector: return "detector";
    case ToolKind::transformer: return "transformer";
    case ToolKind::judge: return "judge";
  }
  return "detector";
}

const std::vector<ToolInfo>& tool_registry() {
  static const std::vector<ToolInfo> all = {
      {"regex", "Regex secret & PII catalogue", ToolKind::detector,
       "cloud keys, code-host/SaaS/AI tokens, private keys, JWTs, passwords in URLs and config, emails, phones, cards",
       false, ""},
      {"entropy", "High-entropy strings", ToolKind::detector,
       "long random-looking tokens of formats the catalogue does not know (skipped at tier low)", false, ""},
      {"trufflehog", "TruffleHog (external)", ToolKind::detector,
       "runs `trufflehog filesystem` over the text when it is installed; its findings are redacted", true,
       "trufflehog"},
      {"gitleaks", "Gitleaks (external)", ToolKind::detector,
       "runs `gitleaks detect --no-git` over the text when it is installed; its findings are redacted", true,
       "gitleaks"},
      {"business_logic", "Your own terms", ToolKind::detector,
       "strings and regexes from config (security.business_logic, custom_redact_strings)", false, ""},
      {"path_anonymizer", "Home-path anonymizer", ToolKind::transformer,
       "user names in home paths → [USER:<token>], consistent within a trace, reversible only with the local key",
       false, ""},
      {"classifier", "Sensitivity classifier", ToolKind::judge,
       "deterministic sensitivity score; at tier high a high score blocks egress as an open finding", false, ""},
  };
  return all;
}

const ToolInfo* find_tool(std::string_view name) {
  for (const auto& t : tool_registry())
    if (t.name == name) return &t;
  return nullptr;
}

bool tool_available(const ToolInfo& t) { return !t.external || find_on_path(t.program).has_value(); }

std::vector<std::string> Policy::effective_tools() const {
  std::vector<std::string> out;
  if (tier == Tier::off) return out;
  for (const auto& t : tool_registry()) {
    if (!enabled.count(t.name) || !tool_available(t)) continue;
    if (t.name == "entropy" && tier == Tier::low) continue;
    out.push_back(t.name);
  }
  return out;
}

json Policy::to_json() const {
  json enabled_list = json::array();
  for (const auto& t : tool_registry())
    if (enabled.count(t.name)) enabled_list.push_back(t.name);
  return {{"preset", preset},
          {"enabled_tools", enabled_list},
          {"effective_tools", effective_tools()},
          {"privacy_tier", tier_name(tier)},
          {"security_version", version},
          {"business_logic", {{"strings", business_strings.size()}, {"patterns", business_patterns.size()}}}};
}

Result<std::set<std::string>> preset_tools(std::string_view preset) {
  if (preset == "off") return std::set<std::string>{};
  if (preset == "basic") return std::set<std::string>{"regex", "entropy"};
  if (preset == "recommended")
    return std::set<std::string>{"regex", "entropy", "business_logic", "path_anonymizer", "classifier"};
  if (preset == "strict")
    return std::set<std::string>{"regex",          "entropy",         "trufflehog", "gitleaks",
                                 "business_logic", "path_anonymizer", "classifier"};
  return make_error(ExitCode::kUsage, "UNKNOWN_SECURITY_POLICY", "security",
                    "unknown security policy `" + std::string(preset) + "`",
                    "use one of: off, basic, recommended, strict");
}

Result<Policy> policy_from_config(const json& config) {
  const json& s = section(config);
  Policy p;
  p.version = current_version(config);
  if (auto it = s.find("policy"); it != s.end() && it->is_string()) p.preset = it->get<std::string>();
  if (auto it = s.find("tools"); it != s.end() && it->is_object())
    for (auto t = it->begin(); t != it->end(); ++t) {
      if (!find_tool(t.key())) continue;  // a newer binary's tool: ignored here
      bool on = t.value().is_object() ? t.value().value("enabled", false) : t.value().is_boolean() && t.value().get<bool>();
      if (on) p.enabled.insert(t.key());
    }
  if (auto it = s.find("privacy_tier"); it != s.end() && it->is_string()) {
    auto tier = parse_tier(it->get<std::string>());
    if (!tier)
      return make_error(ExitCode::kResource, "CONFIG_CORRUPT", "security",
                        "security.privacy_tier is `" + it->get<std::string>() + "`",
                        "set it to off, low, medium or high: git opentraces config set security.privacy_tier medium");
    p.tier = *tier;
  }
  if (auto it = s.find("business_logic"); it != s.end() && it->is_object()) {
    p.business_strings = string_list(it->value("strings", json::array()));
    p.business_patterns = string_list(it->value("patterns", json::array()));
  }
  if (config.is_object())
    for (auto& v : string_list(config.value("custom_redact_strings", json::array()))) p.business_strings.push_back(v);
  return p;
}

Result<Policy> load_policy() {
  auto config = project::load_config();
  if (!config.ok()) return config.error();
  return policy_from_config(*config);
}

Result<Policy> policy_for_tools(std::string_view csv, const json& config, Tier tier) {
  auto base = policy_from_config(config);
  if (!base.ok()) return base.error();
  Policy p = std::move(base).value();
  p.preset = "custom";
  p.enabled.clear();
  p.tier = tier;
  std::stringstream ss{std::string(csv)};
  std::string name;
  while (std::getline(ss, name, ',')) {
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name.empty()) continue;
    if (!find_tool(name)) return unknown_tool(name);
    p.enabled.insert(name);
  }
  return p;
}

namespace {
Result<Policy> update(const std::function<Status(json&)>& change) {
  auto config = project::update_config([&](json& c) -> Status {
    if (!c.contains("security") || !c["security"].is_object()) c["security"] = json::object();
    return change(c["security"]);
  });
  if (!config.ok()) return config.error();
  return policy_from_config(*config);
}
}  // namespace

Result<Policy> apply_preset(std::string_view preset) {
  auto tools = preset_tools(preset);
  if (!tools.ok()) return tools.error();
  return update([&](json& s) -> Status {
    s["policy"] = preset;
    json t = json::object();
    for (const auto& info : tool_registry()) t[info.name] = {{"enabled", tools->count(info.name) > 0}};
    s["tools"] = t;
    return ok_status();
  });
}

Result<Policy> set_tool(std::string_view tool, bool enabled) {
  if (!find_tool(tool)) return unknown_tool(tool);
  return update([&](json& s) -> Status {
    s["policy"] = "custom";
    if (!s.contains("tools") || !s["tools"].is_object()) s["tools"] = json::object();
    s["tools"][std::string(tool)] = {{"enabled", enabled}};
    return ok_status();
  });
}

Result<Policy> bump_version() {
  return update([&](json& s) -> Status {
    int64_t epoch = s.contains("version_epoch") && s["version_epoch"].is_number_integer() ? s["version_epoch"].get<int64_t>() : 0;
    s["version_epoch"] = epoch + 1;
    return ok_status();
  });
}

}  // namespace ot::security
