#include "engine/dataset/units.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace ot::dataset {

namespace {

std::string str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return {};
  return j[key].get<std::string>();
}

std::string lower_trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  std::string out = s.substr(a, b - a);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Leading "[Image #1]"-style placeholders are not part of the instruction.
std::string strip_image_placeholders(std::string t) {
  while (t.rfind("[image", 0) == 0) {
    size_t close = t.find(']');
    if (close == std::string::npos) break;
    t = lower_trim(t.substr(close + 1));
  }
  return t;
}

bool starts_word(const std::string& t, const std::string& w, size_t& rest) {
  if (t.rfind(w, 0) != 0) return false;
  if (t.size() > w.size() && std::isalnum(static_cast<unsigned char>(t[w.size()]))) return false;
  rest = t.size() - w.size();
  return true;
}

const json kNull = nullptr;
const json& at(const json& j, const char* key) { return j.is_object() && j.contains(key) ? j[key] : kNull; }

}  // namespace

bool is_trigger(const std::string& text) {
  std::string t = strip_image_placeholders(lower_trim(text));
  if (t.empty() || t.size() > 120) return false;
  static const char* acks[] = {"yes", "ok", "okay", "sure", "right", "exactly", "good", "great", "perfect"};
  static const char* directives[] = {"let's go ahead", "let's do", "let's run", "let's commit", "let's ship",
                                     "let's make", "let's continue", "go ahead", "continue", "proceed",
                                     "do it", "ship it", "run it", "now do", "make the commit", "commit it",
                                     "why don't we", "why not"};
  size_t rest = 0;
  for (const char* a : acks)
    if (starts_word(t, a, rest) && rest <= 30) return true;
  for (const char* d : directives)
    if (starts_word(t, d, rest) && rest <= 80) return true;
  return false;
}

json change_bursts(const json& record) {
  const json& steps = at(record, "steps");
  const json& patches = at(record, "patches");
  json out = json::array();
  if (!patches.is_array() || patches.empty()) return out;
  struct P {
    int step, hunk;
    size_t order;
    const json* p;
  };
  std::vector<P> ps;
  for (size_t i = 0; i < patches.size(); ++i) {
    const json& p = patches[i];
    if (!p.is_object() || !p.contains("step_index") || !p["step_index"].is_number_integer()) continue;
    ps.push_back({p["step_index"].get<int>(), p.value("hunk_index", 0), i, &p});
  }
  std::stable_sort(ps.begin(), ps.end(), [](const P& a, const P& b) {
    return a.step != b.step ? a.step < b.step : a.hunk != b.hunk ? a.hunk < b.hunk : a.order < b.order;
  });
  std::vector<std::vector<P>> bursts;
  for (const auto& p : ps) {
    if (bursts.empty() || p.step - bursts.back().back().step > kBurstGap) bursts.emplace_back();
    bursts.back().push_back(p);
  }
  const std::string tid = str(record, "trace_id");
  for (size_t k = 0; k < bursts.size(); ++k) {
    const auto& b = bursts[k];
    int first = b.front().step, last = b.back().step;
    // Intent: walk user messages backwards from the burst start.
    json intent_step = nullptr, trigger_text = nullptr, intent_text = nullptr;
    json trigger_step = nullptr;
    if (steps.is_array())
      for (int i = std::min<int>(first, static_cast<int>(steps.size()) - 1); i >= 0; --i) {
        const json& s = steps[static_cast<size_t>(i)];
        if (str(s, "role") != "user") continue;
        std::string content = str(s, "content");
        if (lower_trim(content).empty()) continue;
        if (is_trigger(content)) {
          if (trigger_text.is_null()) {
            trigger_text = content;
            trigger_step = i;
          }
          continue;
        }
        intent_text = content;
        intent_step = i;
        break;
      }
    if (intent_text.is_null() && !trigger_text.is_null()) {
      intent_text = trigger_text;
      intent_step = trigger_step;
    }
    // Burst commit: the most common anchored commit (first seen wins a tie).
    std::map<std::string, int> votes;
    std::vector<std::string> seen;
    json ids = json::array();
    for (const auto& p : b) {
      ids.push_back(str(*p.p, "patch_id"));
      const json& a = at(*p.p, "anchor");
      if (a.is_object() && a.value("found", false)) {
        std::string sha = str(a, "commit_sha");
        if (sha.empty()) continue;
        if (!votes.count(sha)) seen.push_back(sha);
        votes[sha]++;
      }
    }
    json commit = nullptr;
    int best = 0;
    for (const auto& sha : seen)
      if (votes[sha] > best) {
        best = votes[sha];
        commit = sha;
      }
    out.push_back(json{{"unit_id", "tu:" + tid + ":burst:" + std::to_string(k)},
                       {"kind", "change_burst"},
                       {"index", k},
                       {"step_range", {first, last}},
                       {"intent_user_step", intent_step},
                       {"intent_text", intent_text},
                       {"trigger_text", trigger_text},
                       {"patch_ids", ids},
                       {"burst_commit_sha", commit},
                       {"survival", json::object()}});
  }
  return out;
}

json skill_episodes(const json& record) {
  const json& steps = at(record, "steps");
  json out = json::array();
  if (!steps.is_array()) return out;
  const std::string tid = str(record, "trace_id");
  const int n = static_cast<int>(steps.size());
  int k = 0;
  for (int i = 0; i < n; ++i) {
    const json& calls = at(steps[static_cast<size_t>(i)], "tool_calls");
    if (!calls.is_array()) continue;
    for (const json& c : calls) {
      if (str(c, "tool_name") != "Skill") continue;
      const json& input = at(c, "input");
      std::string skill = str(input, "skill");
      if (skill.empty()) skill = str(input, "command");
      if (skill.empty()) continue;
      int end = i;
      while (end + 1 < n && str(steps[static_cast<size_t>(end + 1)], "role") != "user") ++end;
      json trigger = nullptr;
      for (int j = i; j >= 0; --j)
        if (str(steps[static_cast<size_t>(j)], "role") == "user" && !str(steps[static_cast<size_t>(j)], "content").empty()) {
          trigger = str(steps[static_cast<size_t>(j)], "content");
          break;
        }
      std::string args = str(input, "args");
      out.push_back(json{{"unit_id", "tu:" + tid + ":skill:" + std::to_string(k)},
                         {"kind", "skill_episode"},
                         {"index", k},
                         {"skill", skill},
                         {"args", args.empty() ? json() : json(args)},
                         {"step_range", {i, end}},
                         {"trigger_text", trigger}});
      ++k;
    }
  }
  return out;
}

}  // namespace ot::dataset
