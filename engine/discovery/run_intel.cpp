#include "engine/discovery/run_intel.h"

#include <algorithm>
#include <map>
#include <regex>

#include "engine/discovery/steps.h"
#include "engine/util/time.h"

namespace ot::discovery {

namespace {

using std::regex;
constexpr auto kIcase = std::regex::ECMAScript | std::regex::icase;

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

// Curly apostrophes typed by humans become ASCII so the phrase lists match.
std::string plain_quotes(std::string_view s) {
  std::string out(s);
  for (size_t p; (p = out.find("\xE2\x80\x99")) != std::string::npos;) out.replace(p, 3, "'");
  return out;
}

// Leading image placeholders ("[Image #1]", "[image]") say nothing about intent.
std::string strip_images(std::string_view text) {
  static const regex img(R"(^\s*(\[(image|img)[^\]]*\]\s*)+)", kIcase);
  return trim(std::regex_replace(std::string(text), img, ""));
}

bool search(const std::string& text, const regex& re, std::string* matched = nullptr) {
  std::smatch m;
  if (!std::regex_search(text, m, re)) return false;
  if (matched) *matched = m.str(0);
  return true;
}

Signal make(const std::string& trace, std::string kind, std::string severity, double confidence, std::string reason,
            int step, std::string node) {
  Signal s;
  s.kind = std::move(kind);
  s.severity = std::move(severity);
  s.confidence = confidence;
  s.reason = std::move(reason);
  s.step_index = step;
  s.node_id = std::move(node);
  s.evidence_ref = "signal:" + trace + ":step:" + std::to_string(step) + ":" + s.kind;
  return s;
}

void resteers(const schema::TraceRecord& r, std::vector<Signal>& out) {
  for (const auto& s : r.steps) {
    if (s.role != "user" || s.call_type != "main") continue;
    std::string phrase = resteer_phrase(s.content);
    if (phrase.empty()) continue;
    Signal sig = make(r.trace_id, "resteer", "medium", 0.85,
                      "the user corrected the agent (\"" + phrase + "\")", s.step_index,
                      "tu:" + r.trace_id + ":step:" + std::to_string(s.step_index));
    sig.matched_text = phrase;
    sig.evidence = {{"user_text_preview", preview(s.content, 160)}};
    out.push_back(std::move(sig));
  }
}

// Failure → recovery tracking over observations in order (reference 4.9).
void failures(const schema::TraceRecord& r, std::vector<Signal>& out) {
  static const regex strong_ok(R"(exit(ed)?( with)? code:? 0\b|process exited with code 0\b|\btests? passed\b|all tests passed|\bsmoke ok\b|\b[1-9][0-9]* passed\b)", kIcase);
  static const regex weak_ok(R"(\bbuild succeeded\b|\bcompiled successfully\b|\bdone\b|\bsuccess(ful|fully)?\b)", kIcase);
  static const regex explicit_fail(R"(exit(ed)?( with)? (code|status):? [1-9][0-9]*|process exited with code [1-9][0-9]*|"?is_error"?:\s*true|command failed)", kIcase);
  static const regex severe(R"(permission denied|traceback \(most recent call last\)|segmentation fault)", kIcase);
  static const regex other_fail(R"(no such file or directory|(^|\n)fatal:|\b[1-9][0-9]* failed\b|\bbuild failed\b|\btests? failed\b)", kIcase);

  std::map<std::string, const schema::ToolCall*> calls;
  for (const auto& s : r.steps)
    for (const auto& c : s.tool_calls) calls[c.tool_call_id] = &c;

  bool open = false;
  for (const auto& s : r.steps) {
    for (const auto& o : s.observations) {
      const std::string& text = observation_text(o);
      auto it = calls.find(o.source_call_id);
      const schema::ToolCall* call = it == calls.end() ? nullptr : it->second;
      std::string tool = call ? call->tool_name : "";
      std::string node = "tu:" + r.trace_id + ":observation:" + o.source_call_id;
      json evidence = {{"source_call_id", o.source_call_id}, {"tool_name", tool}};
      if (call && !call_command(*call).empty()) evidence["command"] = preview(call_command(*call), 160);
      std::string m;
      if (!o.error.empty()) {
        Signal sig = make(r.trace_id, "failure", "high", 0.9, "the tool reported an error", s.step_index, node);
        sig.matched_text = preview(o.error, 160);
        sig.evidence = evidence;
        out.push_back(std::move(sig));
        open = true;
        continue;
      }
      // Only a command that runs again proves recovery; a successful edit does not.
      bool rerun = call == nullptr || tool_kind(*call) == ToolKind::kShell || tool_kind(*call) == ToolKind::kOther;
      if (open && rerun && (search(text, strong_ok, &m) || search(text, weak_ok, &m))) {
        bool strong = std::regex_search(text, strong_ok);
        Signal sig = make(r.trace_id, "recovery", "info", strong ? 0.85 : 0.55,
                          "a later command succeeded after the failure", s.step_index, node);
        sig.matched_text = m;
        sig.evidence = evidence;
        out.push_back(std::move(sig));
        open = false;
        continue;
      }
      bool expl = search(text, explicit_fail, &m);
      bool sev = !expl ? search(text, severe, &m) : std::regex_search(text, severe);
      if (expl || sev || search(text, other_fail, &m)) {
        Signal sig = make(r.trace_id, "failure", sev ? "high" : "medium", expl ? 0.95 : 0.65,
                          "the output shows a failure", s.step_index, node);
        sig.matched_text = m;
        sig.evidence = evidence;
        out.push_back(std::move(sig));
        open = true;
      }
    }
  }
}

std::string fingerprint(std::string_view cmd) {
  std::string out;
  for (char c : cmd) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.substr(0, 240);
}

void loops(const schema::TraceRecord& r, std::vector<Signal>& out) {
  struct Occ {
    int step;
    std::optional<int64_t> ms;
    std::string call_id;
  };
  std::map<std::string, std::vector<Occ>> by_fp;
  for (const auto& s : r.steps)
    for (const auto& c : s.tool_calls) {
      std::string cmd = call_command(c);
      if (cmd.empty() && c.input.is_object() && c.input.contains("command") && c.input["command"].is_string())
        cmd = c.input["command"].get<std::string>();
      if (cmd.empty()) continue;
      by_fp[fingerprint(cmd)].push_back({s.step_index, ms_from_iso(s.timestamp), c.tool_call_id});
    }
  for (const auto& [fp, occ] : by_fp) {
    size_t start = 0;
    for (size_t i = 1; i <= occ.size(); ++i) {
      bool breaks = i == occ.size();
      if (!breaks) {
        const Occ &a = occ[i - 1], &b = occ[i];
        breaks = (a.ms && b.ms) ? (*b.ms - *a.ms) > 600000 : (b.step - a.step) > 120;
      }
      if (!breaks) continue;
      size_t n = i - start;
      if (n >= 3) {
        const Occ& third = occ[start + 2];
        Signal sig = make(r.trace_id, "loop", "medium", 0.75,
                          "the same command ran " + std::to_string(n) + " times", third.step,
                          "tu:" + r.trace_id + ":tool:" + third.call_id);
        sig.matched_text = preview(fp, 160);
        sig.evidence = {{"repeat_count", n}, {"first_step", occ[start].step}, {"last_step", occ[i - 1].step}};
        out.push_back(std::move(sig));
      }
      start = i;
    }
  }
}

}  // namespace

json Signal::to_json() const {
  return {{"kind", kind},           {"severity", severity},         {"confidence", confidence},
          {"reason", reason},       {"step_index", step_index},     {"node_id", node_id},
          {"matched_text", matched_text}, {"evidence_ref", evidence_ref}, {"evidence", evidence}};
}

bool is_trigger(std::string_view raw) {
  std::string text = plain_quotes(strip_images(raw));
  if (text.empty() || text.size() > 120) return false;
  static const regex ack(R"(^(yes|yep|ok|okay|sure|right|exactly|good|great|perfect)\b[\s,.!:;-]*(.*)$)", kIcase);
  static const regex go(
      R"(^(let'?s go ahead|let'?s do|let'?s run|let'?s commit|let'?s ship|let'?s make|let'?s continue|go ahead|continue|proceed|do it|ship it|run it|now do|make the commit|commit it|why don'?t we|why not)\b(.*)$)",
      kIcase);
  std::smatch m;
  if (std::regex_match(text, m, ack)) return m[2].length() <= 30;
  if (std::regex_match(text, m, go)) return m[2].length() <= 80;
  return false;
}

std::string resteer_phrase(std::string_view raw) {
  std::string text = plain_quotes(strip_images(raw));
  if (text.empty() || is_trigger(text)) return {};
  static const regex phrases(
      R"(\b(try again|actually|you missed|not what i asked|wrong|fix this|rerun|re-run|new goal|redo|instead|that's not|that is not|you forgot|stop|make this)\b)",
      kIcase);
  static const regex leading_no(R"(^no\b[\s,.!:;-])", kIcase);
  std::smatch m;
  if (std::regex_search(text, m, leading_no)) return trim(m.str(0).substr(0, 2));
  if (std::regex_search(text, m, phrases)) return m.str(1);
  return {};
}

std::vector<Signal> run_intel(const schema::TraceRecord& r) {
  std::vector<Signal> out;
  resteers(r, out);
  failures(r, out);
  loops(r, out);
  std::stable_sort(out.begin(), out.end(), [](const Signal& a, const Signal& b) {
    return a.step_index != b.step_index ? a.step_index < b.step_index : a.kind < b.kind;
  });
  return out;
}

json run_intel_json(const schema::TraceRecord& r, const std::vector<Signal>& signals) {
  json counts = {{"resteer", 0}, {"recovery", 0}, {"loop", 0}, {"failure", 0}};
  json list = json::array();
  for (const auto& s : signals) {
    counts[s.kind] = counts[s.kind].get<int>() + 1;
    list.push_back(s.to_json());
  }
  return {{"trace_id", r.trace_id}, {"signals", list}, {"counts", counts}};
}

}  // namespace ot::discovery
