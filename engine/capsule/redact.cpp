// The redaction floor of capsules (redact.h).
#include "engine/capsule/redact.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "engine/security/sanitize.h"

namespace ot::capsule {

Result<security::Policy> floor_policy() {
  auto p = security::load_policy();
  if (!p.ok()) return p.error();
  security::Policy out = *p;
  for (const auto& t : floor_tools()) out.enabled.insert(t);
  if (out.tier == security::Tier::off || out.tier == security::Tier::low) out.tier = security::Tier::medium;
  return out;
}

std::string field_path_of(const std::string& pointer) {
  std::string out;
  size_t i = 0;
  while (i < pointer.size()) {
    if (pointer[i] == '/') ++i;
    size_t j = pointer.find('/', i);
    std::string seg = pointer.substr(i, j == std::string::npos ? std::string::npos : j - i);
    bool numeric = !seg.empty() && std::all_of(seg.begin(), seg.end(), [](unsigned char c) { return std::isdigit(c); });
    if (numeric) out += "[]";
    else out += (out.empty() ? "" : ".") + seg;
    if (j == std::string::npos) break;
    i = j;
  }
  return out;
}

namespace {

bool replace_home(std::string& s, const std::string& home) {
  bool changed = false;
  for (size_t at = s.find(home); at != std::string::npos; at = s.find(home, at)) {
    size_t end = at + home.size();
    // Only whole path components: /home/al must not eat /home/alice.
    if (end < s.size() && s[end] != '/' && s[end] != '"' && s[end] != '\'' && !std::isspace(static_cast<unsigned char>(s[end])) &&
        s[end] != ':') {
      at = end;
      continue;
    }
    s.replace(at, home.size(), "~");
    at += 1;
    changed = true;
  }
  return changed;
}

}  // namespace

int scrub_home(json& j, const std::string& home) {
  if (home.size() <= 1) return 0;
  int n = 0;
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (replace_home(s, home)) {
      j = s;
      ++n;
    }
  } else if (j.is_array()) {
    for (auto& v : j) n += scrub_home(v, home);
  } else if (j.is_object()) {
    json out = json::object();
    for (auto& [k, v] : j.items()) {
      std::string key = k;
      if (replace_home(key, home)) ++n;
      json val = v;
      n += scrub_home(val, home);
      out[key] = std::move(val);
    }
    j = std::move(out);
  }
  return n;
}

Result<Redacted> redact(const json& record, const std::vector<json>& events, const security::Policy& policy,
                        const RedactOptions& o) {
  json rec = record;
  json excluded_paths = json::array();
  int excluded = 0;
  if (!o.include_prompts) {
    if (rec.contains("system_prompts") && rec["system_prompts"].is_object() && !rec["system_prompts"].empty()) {
      excluded += static_cast<int>(rec["system_prompts"].size());
      excluded_paths.push_back("system_prompts");
      rec["system_prompts"] = json::object();
    }
    bool reasoning = false, system_content = false;
    for (auto& s : rec["steps"]) {
      if (s.contains("reasoning_content") && s["reasoning_content"].is_string() && !s["reasoning_content"].get<std::string>().empty()) {
        s["reasoning_content"] = "";
        ++excluded;
        reasoning = true;
      }
      if (s.contains("role") && s["role"] == "system" && s.contains("content") && s["content"].is_string() &&
          !s["content"].get<std::string>().empty()) {
        s["content"] = "";
        ++excluded;
        system_content = true;
      }
    }
    if (reasoning) excluded_paths.push_back("steps[].reasoning_content");
    if (system_content) excluded_paths.push_back("steps[role=system].content");
  }

  security::SanitizeOptions so;
  so.scope = o.scope;
  json all = {{"record", rec}, {"events", events}};
  auto s = security::sanitize(all, policy, so);
  if (!s.ok()) return s.error();

  std::string home = o.home;
  if (home.empty() && std::getenv("HOME")) home = std::getenv("HOME");
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  json value = std::move(s->value);
  int home_scrubbed = scrub_home(value, home);

  json by_path = json::object(), by_tool = json::object();
  int anonymized = 0;
  for (const auto& f : s->findings) {
    if (f.action == "flagged") continue;
    std::string p = f.path;
    if (p.rfind("/record", 0) == 0) p = p.substr(7);
    else if (p.rfind("/events", 0) == 0) p = "/trail_events" + p.substr(7);
    std::string fp = field_path_of(p);
    by_path[fp] = by_path.value(fp, 0) + 1;
    by_tool[f.tool] = by_tool.value(f.tool, 0) + 1;
    if (f.action == "anonymized") ++anonymized;
  }
  std::vector<std::string> applied = s->tools_applied;
  bool floor_ok = std::all_of(floor_tools().begin(), floor_tools().end(), [&](const std::string& t) {
    return std::find(applied.begin(), applied.end(), t) != applied.end();
  });
  Redacted r;
  r.record = std::move(value["record"]);
  for (auto& e : value["events"]) r.events.push_back(std::move(e));
  r.redactions = s->redactions;
  int open = s->open_findings();
  r.report = {{"floor", floor_tools()},
              {"floor_satisfied", floor_ok && open == 0},
              {"tools_applied", applied},
              {"redactions_applied", s->redactions},
              {"by_field_path", by_path},
              {"by_tool", by_tool},
              {"by_type", security::findings_by_type(s->findings)},
              {"home_paths_scrubbed", home_scrubbed + anonymized},
              {"fields_excluded", excluded},
              {"excluded_field_paths", excluded_paths},
              {"include_prompts", o.include_prompts},
              {"open_findings", open}};
  return r;
}

}  // namespace ot::capsule
