#include "engine/capture/integrations.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <tuple>

#include "engine/capture/hook_runner.h"
#include "engine/util/fs.h"
#include "engine/util/paths.h"
#include "engine/util/time.h"
#include "engine/version.h"

namespace ot::capture {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kVersionVar = "OT_HOOK_VERSION=";
constexpr std::string_view kTail = " 2>/dev/null || true";
constexpr const char* kPiPackageName = "git-opentraces-pi";

bool is_ours(const ordered_json& handler) {
  if (!handler.is_object()) return false;
  auto it = handler.find("command");
  return it != handler.end() && it->is_string() && parse_hook_command(it->get<std::string>()).has_value();
}

// Our (event, command) pairs in document order.
std::vector<std::pair<std::string, std::string>> our_entries(const ordered_json& doc) {
  std::vector<std::pair<std::string, std::string>> out;
  auto hooks = doc.find("hooks");
  if (hooks == doc.end() || !hooks->is_object()) return out;
  for (const auto& [event, groups] : hooks->items()) {
    if (!groups.is_array()) continue;
    for (const auto& g : groups) {
      if (!g.is_object() || !g.contains("hooks") || !g["hooks"].is_array()) continue;
      for (const auto& h : g["hooks"])
        if (is_ours(h)) out.emplace_back(event, h["command"].get<std::string>());
    }
  }
  return out;
}

std::string iso_mtime(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return {};
  return iso_from_ms(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000);
}

void add_binary_drift(IntegrationStatus& s) {
  if (!s.version.empty() && s.version != OT_VERSION) s.drift.push_back("version-drift");
  if (s.binary.empty()) return;
  std::error_code ec;
  if (!fs::exists(s.binary, ec)) s.drift.push_back("binary-missing");
  else if (fs::path(s.binary) != agent_hook_binary() && fs::path(s.binary) != main_binary())
    s.drift.push_back("binary-moved");
}

}  // namespace

fs::path self_binary() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "git-opentraces";
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p : c;
}

namespace {

fs::path first_existing(std::initializer_list<fs::path> candidates) {
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) {
      fs::path canon = fs::weakly_canonical(c, ec);
      return ec ? c : canon;
    }
  }
  return {};
}

}  // namespace

fs::path main_binary() {
  fs::path self = self_binary();
  if (self.filename() != "ot-hook" && self.filename() != "ot-server") return self;
  fs::path dir = self.parent_path();
  fs::path found = first_existing({dir / "git-opentraces", dir / ".." / ".." / "bin" / "git-opentraces"});
  return found.empty() ? fs::path("git-opentraces") : found;
}

fs::path server_binary() {
  fs::path dir = main_binary().parent_path();
  return first_existing({dir / "ot-server", dir / ".." / "libexec" / "git-opentraces" / "ot-server"});
}

fs::path agent_hook_binary() {
  fs::path self = self_binary();
  if (self.filename() == "ot-hook") return self;
  fs::path dir = self.parent_path();
  fs::path found = first_existing({dir / "ot-hook", dir / ".." / "libexec" / "git-opentraces" / "ot-hook"});
  return found.empty() ? self : found;
}

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string hook_command(const fs::path& binary, std::string_view agent, std::string_view event) {
  return std::string(kVersionVar) + OT_VERSION + " " + shell_quote(binary.string()) + " hook " +
         std::string(agent) + " " + std::string(event) + std::string(kTail);
}

std::optional<HookCommand> parse_hook_command(std::string_view cmd) {
  if (cmd.substr(0, kVersionVar.size()) != kVersionVar) return std::nullopt;
  HookCommand h;
  size_t sp = cmd.find(' ', kVersionVar.size());
  if (sp == std::string_view::npos) return std::nullopt;
  h.version = std::string(cmd.substr(kVersionVar.size(), sp - kVersionVar.size()));
  size_t pos = sp + 1;
  if (pos >= cmd.size() || cmd[pos] != '\'') return std::nullopt;
  ++pos;  // unquote '...' with '\'' escapes
  while (pos < cmd.size()) {
    if (cmd.compare(pos, 4, "'\\''") == 0) {
      h.binary += '\'';
      pos += 4;
    } else if (cmd[pos] == '\'') {
      ++pos;
      break;
    } else {
      h.binary += cmd[pos++];
    }
  }
  std::string_view rest = cmd.substr(pos);
  if (rest.substr(0, 6) != " hook ") return std::nullopt;
  rest.remove_prefix(6);
  size_t a = rest.find(' ');
  if (a == std::string_view::npos) return std::nullopt;
  h.agent = std::string(rest.substr(0, a));
  rest.remove_prefix(a + 1);
  size_t e = rest.find(' ');
  h.event = std::string(rest.substr(0, e));
  return h;
}

const std::vector<std::string>& claude_events() {
  static const std::vector<std::string> v = {"SessionStart", "UserPromptSubmit", "PreToolUse",
                                             "PostToolUse",  "Stop",             "SubagentStop",
                                             "PreCompact",   "PostCompact",      "SessionEnd"};
  return v;
}

const std::vector<std::string>& codex_events() {
  // Codex 0.169.0 fires these from hooks.json; it has no SessionEnd (Stop ends each turn)
  // and no PostToolUse for apply_patch.
  static const std::vector<std::string> v = {"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse",
                                             "PreCompact",   "PostCompact",      "Stop"};
  return v;
}

fs::path claude_settings_path(bool project, const fs::path& cwd) {
  // Project scope uses the uncommitted settings.local.json: our command holds a
  // machine-specific absolute path that must not land in the repository.
  return project ? cwd / ".claude" / "settings.local.json" : user_home() / ".claude" / "settings.json";
}

fs::path codex_hooks_path() {
  if (const char* h = std::getenv("CODEX_HOME"); h && *h) return fs::path(h) / "hooks.json";
  return user_home() / ".codex" / "hooks.json";
}

fs::path pi_settings_path(bool project, const fs::path& cwd) {
  return project ? cwd / ".pi" / "settings.json" : user_home() / ".pi" / "agent" / "settings.json";
}

fs::path pi_package_dir() { return ot_home() / "integrations" / kPiPackageName; }

SettingsEdit strip_command_hooks() {
  return [](ordered_json& doc) -> Status {
    auto hooks = doc.find("hooks");
    if (hooks == doc.end() || !hooks->is_object()) return ok_status();
    bool removed_any = false;
    std::vector<std::string> empty_events;
    for (auto& [event, groups] : hooks->items()) {
      if (!groups.is_array()) continue;
      ordered_json kept = ordered_json::array();
      bool removed_here = false;
      for (auto& g : groups) {
        if (g.is_object() && g.contains("hooks") && g["hooks"].is_array()) {
          ordered_json handlers = ordered_json::array();
          for (auto& h : g["hooks"])
            if (!is_ours(h)) handlers.push_back(h);
          if (handlers.size() != g["hooks"].size()) {
            removed_here = true;
            if (handlers.empty()) continue;  // the group held only ours
            g["hooks"] = handlers;
          }
        }
        kept.push_back(g);
      }
      if (!removed_here) continue;
      removed_any = true;
      groups = kept;
      if (groups.empty()) empty_events.push_back(event);
    }
    for (const auto& e : empty_events) hooks->erase(e);
    if (removed_any && hooks->empty()) doc.erase("hooks");
    return ok_status();
  };
}

SettingsEdit add_command_hooks(std::string agent, fs::path binary, std::vector<std::string> events, int timeout_s) {
  return [agent, binary, events, timeout_s](ordered_json& doc) -> Status {
    if (doc.contains("hooks") && !doc["hooks"].is_object())
      return make_error(ExitCode::kResource, "SETTINGS_CORRUPT", "setup",
                        "the settings file's \"hooks\" value is not an object; it was not changed",
                        "fix the \"hooks\" key by hand, then run the command again");
    std::vector<std::pair<std::string, std::string>> want;
    for (const auto& e : events) want.emplace_back(e, hook_command(binary, agent, e));
    auto have = our_entries(doc);
    auto sorted = [](auto v) { std::sort(v.begin(), v.end()); return v; };
    if (sorted(have) == sorted(want)) return ok_status();  // already exactly installed
    OT_TRY_STATUS(strip_command_hooks()(doc));
    ordered_json& hooks = doc["hooks"];
    if (hooks.is_null()) hooks = ordered_json::object();
    for (const auto& [event, command] : want) {
      ordered_json handler = {{"type", "command"}, {"command", command}, {"timeout", timeout_s}};
      hooks[event].push_back(ordered_json{{"hooks", ordered_json::array({handler})}});
    }
    return ok_status();
  };
}

namespace {
bool is_our_package(const ordered_json& entry) {
  std::string s;
  if (entry.is_string()) s = entry.get<std::string>();
  else if (entry.is_object() && entry.contains("source") && entry["source"].is_string())
    s = entry["source"].get<std::string>();
  return s.find(kPiPackageName) != std::string::npos;
}
}  // namespace

SettingsEdit strip_pi_package() {
  return [](ordered_json& doc) -> Status {
    auto it = doc.find("packages");
    if (it == doc.end() || !it->is_array()) return ok_status();
    ordered_json kept = ordered_json::array();
    for (const auto& e : *it)
      if (!is_our_package(e)) kept.push_back(e);
    if (kept.size() == it->size()) return ok_status();
    if (kept.empty()) doc.erase("packages");
    else *it = kept;
    return ok_status();
  };
}

SettingsEdit add_pi_package(fs::path package_dir) {
  return [package_dir](ordered_json& doc) -> Status {
    if (doc.contains("packages") && !doc["packages"].is_array())
      return make_error(ExitCode::kResource, "SETTINGS_CORRUPT", "setup",
                        "the Pi settings \"packages\" value is not a list; it was not changed",
                        "fix the \"packages\" key by hand, then run the command again");
    std::string want = package_dir.string();
    if (doc.contains("packages")) {
      int ours = 0;
      bool exact = false;
      for (const auto& e : doc["packages"])
        if (is_our_package(e)) ++ours, exact = exact || (e.is_string() && e.get<std::string>() == want);
      if (ours == 1 && exact) return ok_status();
    }
    OT_TRY_STATUS(strip_pi_package()(doc));
    doc["packages"].push_back(want);
    return ok_status();
  };
}

Result<fs::path> shipped_hooks_dir() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("OPENTRACES_HOOKS_DIR"); env && *env) candidates.emplace_back(env);
  fs::path bin_dir = self_binary().parent_path();
  candidates.push_back(bin_dir / ".." / "share" / "git-opentraces" / "hooks");
  candidates.push_back(fs::path(OT_SOURCE_DIR) / "hooks");  // development build
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::exists(c / "pi" / "index.ts", ec)) return fs::weakly_canonical(c, ec);
  }
  return make_error(ExitCode::kResource, "HOOKS_MISSING", "setup",
                    "cannot find the hooks/ directory shipped with git-opentraces (looked in " +
                        candidates[candidates.size() - 2].string() + " and " + candidates.back().string() + ")",
                    "reinstall git-opentraces, or set OPENTRACES_HOOKS_DIR to its hooks/ directory");
}

Result<fs::path> deploy_pi_package(const fs::path& binary, bool dry_run) {
  auto src = shipped_hooks_dir();
  if (!src.ok()) return src.error();
  fs::path dir = pi_package_dir();
  if (dry_run) return dir;
  OT_TRY_STATUS(ensure_dir(dir, 0755));
  for (const char* name : {"index.ts", "package.json"}) {
    auto text = read_file(*src / "pi" / name);
    if (!text.ok()) return text.error();
    std::string body = std::move(text).value();
    // Stamp the binary and version into the placeholders of the template.
    // Both templates hold them inside string literals, so stamp JSON-escaped text.
    auto escaped = [](const std::string& v) { std::string q = json(v).dump(); return q.substr(1, q.size() - 2); };
    for (auto [key, value] : {std::pair<std::string, std::string>{"@OT_BIN@", escaped(binary.string())},
                              {"@OT_VERSION@", OT_VERSION}}) {
      for (size_t p = body.find(key); p != std::string::npos; p = body.find(key, p + value.size()))
        body.replace(p, key.size(), value);
    }
    OT_TRY_STATUS(write_file_atomic(dir / name, body, 0644));
  }
  return dir;
}

IntegrationStatus command_hooks_status(std::string_view agent, const fs::path& file) {
  IntegrationStatus s;
  s.name = std::string(agent);
  s.target = file;
  s.last_seen = iso_mtime(last_seen_path(agent));
  auto doc = read_settings(file);
  if (!doc.ok()) {
    s.error = doc.error().message;
    return s;
  }
  const auto& expected = agent == "codex" ? codex_events() : claude_events();
  std::set<std::string> versions;
  if (*doc) {
    for (const auto& [event, command] : our_entries(**doc)) {
      auto parsed = parse_hook_command(command);
      if (!parsed || parsed->agent != agent) continue;
      s.events.push_back(event);
      versions.insert(parsed->version);
      s.binary = parsed->binary;
    }
  }
  for (const auto& e : expected)
    if (std::find(s.events.begin(), s.events.end(), e) == s.events.end()) s.missing_events.push_back(e);
  s.installed = !s.events.empty() && s.missing_events.empty();
  if (versions.size() == 1) s.version = *versions.begin();
  else if (versions.size() > 1) s.version = "mixed";
  if (!s.events.empty() && !s.missing_events.empty()) s.drift.push_back("events-missing");
  add_binary_drift(s);
  return s;
}

IntegrationStatus pi_status(const fs::path& settings_file) {
  IntegrationStatus s;
  s.name = "pi";
  s.target = settings_file;
  s.last_seen = iso_mtime(last_seen_path("pi"));
  auto doc = read_settings(settings_file);
  if (!doc.ok()) {
    s.error = doc.error().message;
    return s;
  }
  bool listed = false;
  if (*doc && (*doc)->contains("packages") && (**doc)["packages"].is_array())
    for (const auto& e : (**doc)["packages"]) listed = listed || is_our_package(e);
  if (!listed) return s;
  // The deployed package carries the binary and version it was stamped with.
  auto pkg = read_file(pi_package_dir() / "package.json");
  json meta = pkg.ok() ? json::parse(*pkg, nullptr, false) : json();
  if (meta.is_object()) {
    s.version = meta.value("version", "");
    s.binary = meta.value("opentraces", json::object()).value("binary", "");
    s.installed = true;
    s.events = {"extension"};
  } else {
    s.drift.push_back("package-missing");
  }
  add_binary_drift(s);
  return s;
}

json to_json(const IntegrationStatus& s) {
  json j = {{"name", s.name},
            {"target", s.target.string()},
            {"installed", s.installed},
            {"events", s.events},
            {"missing_events", s.missing_events},
            {"version", s.version.empty() ? json(nullptr) : json(s.version)},
            {"cli_version", OT_VERSION},
            {"binary", s.binary.empty() ? json(nullptr) : json(s.binary)},
            {"drift", s.drift},
            {"last_seen", s.last_seen.empty() ? json(nullptr) : json(s.last_seen)}};
  if (!s.error.empty()) j["error"] = s.error;
  return j;
}

}  // namespace ot::capture
