// The business_logic tool: the user's own terms (project code names, customer names,
// internal hosts). Literal strings match case-insensitively on word boundaries; patterns
// are PCRE2 regular expressions as written.
#include "engine/security/detectors.h"

namespace ot::security {

namespace {
std::string quote_literal(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}-/#").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}
}  // namespace

Result<BusinessTerms> BusinessTerms::compile(const std::vector<std::string>& strings,
                                             const std::vector<std::string>& patterns) {
  BusinessTerms t;
  for (const auto& s : strings) {
    if (s.empty()) continue;
    // \b only where the term itself starts/ends with a word character.
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    std::string pat = (word(s.front()) ? "\\b" : "") + quote_literal(s) + (word(s.back()) ? "\\b" : "");
    auto p = Pattern::compile(pat, true, "business_logic string");
    if (!p.ok()) return p.error();
    t.patterns_.emplace_back(std::move(p).value(), "business_term");
  }
  for (const auto& s : patterns) {
    if (s.empty()) continue;
    auto p = Pattern::compile(s, false, "business_logic pattern `" + s + "`");
    if (!p.ok()) return p.error();
    t.patterns_.emplace_back(std::move(p).value(), "business_pattern");
  }
  return t;
}

void BusinessTerms::scan(std::string_view text, std::vector<Span>& out) const {
  for (const auto& [pattern, type] : patterns_)
    pattern.find_all(text, [&](const Match& m) {
      out.push_back({m.secret_begin, m.secret_end, type, "business_logic", 2500});
    });
}

}  // namespace ot::security
