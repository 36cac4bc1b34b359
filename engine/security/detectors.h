// The detectors behind sanitize() (internal to engine/security): each one reports spans
// of a string that must be replaced, with the type that names the placeholder.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/security/pattern.h"
#include "engine/security/policy.h"
#include "engine/util/result.h"

namespace ot::security {

struct Span {
  size_t begin = 0, end = 0;
  std::string type;  // placeholder type: [REDACTED:<type>]
  std::string tool;
  int rank = 0;      // when spans overlap they merge into one; the highest rank names the type
};

// --- regex: the maintained catalogue -------------------------------------------------
struct CatalogueEntry {
  std::string type;         // placeholder type, e.g. "aws_access_key"
  std::string category;     // "secret" | "pii"
  std::string description;
  std::string pattern;      // PCRE2; a named group (?<s>...) marks the secret part
  bool caseless = false;
  bool (*accept)(std::string_view secret, std::string_view context) = nullptr;  // post-filter
};
const std::vector<CatalogueEntry>& catalogue();
void scan_regex(std::string_view text, std::vector<Span>& out);

// --- entropy: long random-looking tokens ------------------------------------------------
// `field` is the JSON key holding the string (ids, hashes and signatures are skipped).
void scan_entropy(std::string_view text, std::string_view field, Tier tier, std::vector<Span>& out);
double shannon_entropy(std::string_view s);

// --- business_logic: user terms --------------------------------------------------------
class BusinessTerms {
 public:
  static Result<BusinessTerms> compile(const std::vector<std::string>& strings, const std::vector<std::string>& patterns);
  void scan(std::string_view text, std::vector<Span>& out) const;
  bool empty() const { return patterns_.empty(); }

 private:
  std::vector<std::pair<Pattern, std::string>> patterns_;  // pattern, type
};

// --- path_anonymizer -----------------------------------------------------------------
// Loads (or creates, 0600) $OPENTRACES_HOME/security/path.key: 32 random bytes.
Result<std::string> load_or_create_path_key();
// Replaces usernames in home-directory paths (and user@ forms of names learnt from them)
// with "[USER:<hex>]" tokens: deterministic per (key, scope, name), decryptable with the key.
// Adds one span-like count per replacement to `replaced`.
std::string anonymize_paths(const std::string& text, const std::string& key, const std::string& scope,
                            std::vector<std::string>& learnt_users, int& replaced);
std::string user_token(const std::string& key, const std::string& scope, const std::string& user);
// The user name inside a token, or "" when the token was not made with this key and scope.
std::string open_user_token(const std::string& key, const std::string& scope, const std::string& hex);

// --- classifier (judge) ----------------------------------------------------------------
struct ClassifierVerdict {
  std::string level;             // "low" | "medium" | "high"
  int score = 0;
  std::vector<std::string> signals;  // which signal categories fired (no matched text)
};
// Accumulates over strings; `finding_types` are the other tools' finding types.
class Classifier {
 public:
  void observe(std::string_view text);
  ClassifierVerdict verdict(const std::vector<std::string>& finding_types) const;

 private:
  std::vector<int> hits_;
};

}  // namespace ot::security
