#include "engine/security/sanitize.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "engine/security/detectors.h"
#include "engine/security/external.h"

namespace ot::security {

namespace {

std::string pointer_escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

struct Walker {
  const Policy& policy;
  std::vector<std::string> tools;  // effective
  BusinessTerms business;
  std::vector<ExternalSecret> external;
  std::string key, scope;
  std::vector<std::string> users;  // learnt user names (path anonymizer)
  Classifier classifier;
  SanitizeResult result;

  void collect(const json& v, std::vector<std::string>& texts) {
    if (v.is_string()) texts.push_back(v.get<std::string>());
    else if (v.is_object())
      for (auto it = v.begin(); it != v.end(); ++it) {
        texts.push_back(it.key());
        collect(it.value(), texts);
      }
    else if (v.is_array())
      for (const auto& e : v) collect(e, texts);
  }

  std::string clean(const std::string& text, std::string_view field, const std::string& path, std::optional<int> step) {
    if (text.empty()) return text;
    std::vector<Span> spans;
    if (has(tools, "regex")) scan_regex(text, spans);
    if (has(tools, "business_logic")) business.scan(text, spans);
    if (has(tools, "entropy")) scan_entropy(text, field, policy.tier, spans);
    for (const auto& x : external) {
      for (size_t p = text.find(x.secret); p != std::string::npos; p = text.find(x.secret, p + x.secret.size()))
        spans.push_back({p, p + x.secret.size(), x.type, x.type.substr(0, x.type.find('_')), 2800});
    }
    if (has(tools, "classifier")) classifier.observe(text);
    std::string out;
    if (spans.empty()) {
      out = text;
    } else {
      // Merge overlapping spans: the union is replaced, so no part of any secret survives.
      std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
      });
      std::vector<Span> merged;
      for (auto& s : spans) {
        if (!merged.empty() && s.begin < merged.back().end) {
          Span& m = merged.back();
          m.end = std::max(m.end, s.end);
          if (s.rank > m.rank) m.type = s.type, m.tool = s.tool, m.rank = s.rank;
        } else {
          merged.push_back(s);
        }
      }
      size_t pos = 0;
      for (const auto& m : merged) {
        out.append(text, pos, m.begin - pos);
        out += "[REDACTED:" + m.type + "]";
        pos = m.end;
        result.findings.push_back({m.type, path, step, m.tool, "redacted", true});
        result.redactions++;
      }
      out.append(text, pos, std::string::npos);
    }
    if (has(tools, "path_anonymizer")) {
      int n = 0;
      out = anonymize_paths(out, key, scope, users, n);
      if (n > 0) {
        result.findings.push_back({"home_path", path, step, "path_anonymizer", "anonymized", true});
        result.redactions += n;
      }
    }
    return out;
  }

  json walk(const json& v, std::string_view field, const std::string& path, std::optional<int> step, bool at_root) {
    if (v.is_string()) return clean(v.get<std::string>(), field, path, step);
    if (v.is_array()) {
      json out = json::array();
      bool steps = field == "steps";
      for (size_t i = 0; i < v.size(); ++i) {
        std::optional<int> s = step;
        if (steps && at_root) {
          const json& e = v[i];
          s = e.is_object() && e.contains("step_index") && e["step_index"].is_number_integer()
                  ? e["step_index"].get<int>()
                  : static_cast<int>(i);
        }
        // Array elements inherit the field name (lists of ids stay ids).
        out.push_back(walk(v[i], field, path + "/" + std::to_string(i), s, false));
      }
      return out;
    }
    if (v.is_object()) {
      json out = json::object();
      for (auto it = v.begin(); it != v.end(); ++it) {
        std::string child = path + "/" + pointer_escape(it.key());
        std::string k = clean(it.key(), "", child, step);
        out[k] = walk(it.value(), it.key(), child, step, at_root && it.key() == "steps" ? true : false);
      }
      return out;
    }
    return v;
  }
};

}  // namespace

json Finding::to_json() const {
  json j = {{"type", type}, {"path", path}, {"tool", tool}, {"action", action}, {"resolved", resolved}};
  j["step"] = step ? json(*step) : json(nullptr);
  return j;
}

int SanitizeResult::open_findings() const {
  int n = 0;
  for (const auto& f : findings)
    if (!f.resolved) ++n;
  return n;
}

json SanitizeResult::report() const {
  json f = json::array();
  for (const auto& x : findings) f.push_back(x.to_json());
  return {{"tools_applied", tools_applied},
          {"redactions_applied", redactions},
          {"findings", f},
          {"findings_by_type", findings_by_type(findings)},
          {"open_findings", open_findings()},
          {"errors", errors},
          {"verdicts", verdicts}};
}

json findings_by_type(const std::vector<Finding>& findings) {
  json out = json::object();
  for (const auto& f : findings) out[f.type] = out.value(f.type, 0) + 1;
  return out;
}

Result<SanitizeResult> sanitize(const json& value, const Policy& policy, const SanitizeOptions& options) {
  Walker w{policy, policy.effective_tools(), {}, {}, {}, options.scope, {}, {}, {}};
  if (has(w.tools, "business_logic")) {
    auto terms = BusinessTerms::compile(policy.business_strings, policy.business_patterns);
    if (!terms.ok()) return terms.error();
    w.business = std::move(terms).value();
  }
  if (has(w.tools, "path_anonymizer")) {
    if (!options.path_key.empty()) {
      w.key = options.path_key;
    } else {
      auto key = load_or_create_path_key();
      if (!key.ok()) return key.error();
      w.key = std::move(key).value();
    }
  }
  std::vector<std::string> texts;
  bool need_texts = has(w.tools, "path_anonymizer") || has(w.tools, "trufflehog") || has(w.tools, "gitleaks");
  if (need_texts) w.collect(value, texts);
  for (const char* ext : {"trufflehog", "gitleaks"}) {
    if (!has(w.tools, ext)) continue;
    auto found = run_external(ext, texts);
    if (found.ok()) w.external.insert(w.external.end(), found->begin(), found->end());
    else w.result.errors.push_back({{"tool", ext}, {"error", found.error().message}});
  }
  // Learn user names from every home path first, so a name is replaced even in strings
  // that come before the path that revealed it.
  if (has(w.tools, "path_anonymizer")) {
    if (const char* u = std::getenv("USER"); u && std::string(u).size() >= 4) w.users.push_back(u);
    for (const auto& t : texts) {
      int n = 0;
      (void)anonymize_paths(t, w.key, w.scope, w.users, n);
    }
  }
  w.result.value = w.walk(value, "", "", std::nullopt, true);
  for (const auto& t : w.tools)
    if (std::none_of(w.result.errors.begin(), w.result.errors.end(), [&](const json& e) { return e["tool"] == t; }))
      w.result.tools_applied.push_back(t);
  if (has(w.tools, "classifier")) {
    std::vector<std::string> types;
    for (const auto& f : w.result.findings) types.push_back(f.type);
    ClassifierVerdict v = w.classifier.verdict(types);
    w.result.verdicts.push_back({{"name", "classifier"},
                                 {"decision", v.level},
                                 {"summary", "sensitivity " + v.level + " (score " + std::to_string(v.score) + ")"},
                                 {"payload", {{"score", v.score}, {"signals", v.signals}}}});
    if (v.level == "high") {
      // Nothing to redact: a judgement. At tier high it holds the trace back until reviewed.
      bool open = policy.tier == Tier::high;
      w.result.findings.push_back({"sensitive_content", "", std::nullopt, "classifier", "flagged", !open});
    }
  }
  return std::move(w.result);
}

Result<std::string> reveal_paths(const std::string& text, const std::string& scope, const std::string& path_key) {
  std::string key = path_key;
  if (key.empty()) {
    auto k = load_or_create_path_key();
    if (!k.ok()) return k.error();
    key = std::move(k).value();
  }
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t b = text.find("[USER:", pos);
    if (b == std::string::npos) break;
    size_t e = text.find(']', b);
    if (e == std::string::npos) break;
    std::string user = open_user_token(key, scope, text.substr(b + 6, e - b - 6));
    out.append(text, pos, b - pos);
    out += user.empty() ? text.substr(b, e + 1 - b) : user;
    pos = e + 1;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

}  // namespace ot::security
