// The entropy tool: long tokens whose characters look random (API keys and passwords of
// formats the catalogue does not know). Context rules keep it quiet on what coding
// sessions are full of: hashes and commit ids (hex), UUIDs, file paths, identifiers,
// base64 images, and id/hash/signature fields.
#include <array>
#include <cctype>
#include <cmath>

#include "engine/security/detectors.h"

namespace ot::security {

double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<int, 256> counts{};
  for (unsigned char c : s) counts[c]++;
  double h = 0;
  for (int n : counts)
    if (n) {
      double p = static_cast<double>(n) / static_cast<double>(s.size());
      h -= p * std::log2(p);
    }
  return h;
}

namespace {

bool token_char(char c) {
  // '=' only as base64 padding (below): NAME=value must split into two tokens.
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '_' || c == '-' || c == '.' ||
         c == '~';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Fields whose values are ids, digests or opaque signatures by construction.
bool skipped_field(std::string_view field) {
  std::string f = lower(field);
  if (f == "id" || f.ends_with("_id") || f.ends_with("id") || f.ends_with("_ids")) return true;
  for (const char* part : {"hash", "sha", "digest", "signature", "uuid", "encrypted_content", "checksum", "etag", "cursor"})
    if (f.find(part) != std::string::npos) return true;
  return false;
}

// A secret-ish word (whole word; `_` and `-` separate words, so API_KEY and auth-token
// count) in the 40 characters before the token.
bool near_secret_word(std::string_view text, size_t begin) {
  size_t from = begin > 40 ? begin - 40 : 0;
  std::string ctx = lower(text.substr(from, begin - from));
  std::string word;
  auto is_secret_word = [](const std::string& w) {
    for (const char* k : {"key", "apikey", "secret", "token", "password", "passwd", "pwd", "passphrase", "credential",
                          "credentials", "auth", "bearer", "private"})
      if (w == k) return true;
    return false;
  };
  for (size_t k = 0; k <= ctx.size(); ++k) {
    if (k < ctx.size() && std::isalnum(static_cast<unsigned char>(ctx[k]))) {
      word.push_back(ctx[k]);
      continue;
    }
    if (is_secret_word(word)) return true;
    word.clear();
  }
  return false;
}

// The token is the value assigned to a secret-named thing: the word right before it
// (across `=`, `:`, quotes and spaces only) is or contains a secret word, as in
// API_KEY=…, "password": "…", Authorization: Bearer …, refresh token ….
bool assigned_to_secret(std::string_view text, size_t begin) {
  size_t k = begin;
  while (k > 0 && (text[k - 1] == '=' || text[k - 1] == ':' || text[k - 1] == '"' || text[k - 1] == '\'' ||
                   text[k - 1] == ' ' || text[k - 1] == '\t'))
    --k;
  if (k == begin && begin > 0) return false;  // glued to something else (a path, a URL, a word)
  size_t end = k;
  while (k > 0 && (std::isalnum(static_cast<unsigned char>(text[k - 1])) || text[k - 1] == '_' || text[k - 1] == '-')) --k;
  return end > k && near_secret_word(std::string(text.substr(k, end - k)) + " ", end - k + 1);
}

// Opaque ids agents and APIs print (tool-use ids, message ids, request ids).
bool known_id_prefix(std::string_view t) {
  for (const char* p : {"toolu_", "srvtoolu_", "msg_", "req_", "call_", "chatcmpl-", "resp_", "rs_", "fc_", "file_",
                        "batch_", "run_", "thread_", "asst_", "ses_", "evt_", "pub_", "sha256:", "sha512:", "murmur3:"})
    if (t.starts_with(p)) return true;
  return false;
}

bool is_hexish(std::string_view t) {
  int hex = 0;
  for (char c : t) {
    if (std::isxdigit(static_cast<unsigned char>(c))) ++hex;
    else if (c != '-') return false;
  }
  return hex > 0;
}

}  // namespace

void scan_entropy(std::string_view text, std::string_view field, Tier tier, std::vector<Span>& out) {
  if (tier == Tier::off || tier == Tier::low) return;
  if (skipped_field(field)) return;
  const size_t min_len = tier == Tier::high ? 16 : 20;
  const double threshold = tier == Tier::high ? 3.7 : 4.0;
  size_t i = 0;
  while (i < text.size()) {
    if (!token_char(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && token_char(text[j])) ++j;
    for (int pad = 0; pad < 2 && j < text.size() && text[j] == '='; ++pad) ++j;
    size_t b = i, e = j;
    i = j;
    // Trim punctuation a sentence or a path adds around a token.
    while (b < e && (text[b] == '.' || text[b] == '-' || text[b] == '/' || text[b] == '~')) ++b;
    while (e > b && (text[e - 1] == '.' || text[e - 1] == '-' || text[e - 1] == '/' || text[e - 1] == '~')) --e;
    std::string_view t = text.substr(b, e - b);
    if (t.size() < min_len || t.size() > 1024) continue;
    if (known_id_prefix(t)) continue;
    if (b >= 7 && text.substr(b - 7, 7) == "base64,") continue;  // data: URLs (images)
    if (b > 0 && text[b - 1] == '[' && (t.starts_with("REDACTED:") || t.starts_with("USER:"))) continue;
    bool secret_context = near_secret_word(text, b);
    // Digests, commit ids, UUIDs, patch and trace ids are hex: a secret only when it is
    // plainly the value of a secret-named thing (a commit id in a sentence about tokens is not).
    if (is_hexish(t) && !assigned_to_secret(text, b)) continue;
    // Paths, URLs, dotted names: several plain-word segments.
    int word_segments = 0;
    size_t seg = 0;
    for (size_t k = 0; k <= t.size(); ++k) {
      if (k == t.size() || t[k] == '/' || t[k] == '.' || t[k] == '-' || t[k] == '_') {
        std::string_view s = t.substr(seg, k - seg);
        bool word = s.size() >= 2;
        for (char c : s)
          if (!std::islower(static_cast<unsigned char>(c))) word = false;
        if (word) ++word_segments;
        seg = k + 1;
      }
    }
    if (word_segments >= 2) continue;
    int lower_n = 0, upper_n = 0, digit_n = 0;
    for (char c : t) {
      if (std::islower(static_cast<unsigned char>(c))) ++lower_n;
      else if (std::isupper(static_cast<unsigned char>(c))) ++upper_n;
      else if (std::isdigit(static_cast<unsigned char>(c))) ++digit_n;
    }
    // Random tokens mix classes; identifiers (camelCase, SCREAMING_CASE) rarely carry digits.
    int classes = (lower_n > 0) + (upper_n > 0) + (digit_n > 0);
    if (classes < 3 && !(secret_context && classes >= 2)) continue;
    if (digit_n < 2) continue;
    std::string lt = lower(t);
    if (lt.find("abcdef") != std::string::npos || lt.find("0123456") != std::string::npos) continue;  // alphabets
    if (!secret_context) {
      // Identifiers: most letters belong to words (a capital or start, then 2+ lower case).
      int in_words = 0, letters = lower_n + upper_n;
      for (size_t k = 0; k < t.size();) {
        size_t w = k;
        if (std::isalpha(static_cast<unsigned char>(t[w]))) ++w;
        while (w < t.size() && std::islower(static_cast<unsigned char>(t[w]))) ++w;
        if (w - k >= 3) in_words += static_cast<int>(w - k), k = w;
        else ++k;
      }
      if (letters > 0 && in_words * 10 >= letters * 6) continue;
    }
    double h = shannon_entropy(t);
    double need = secret_context ? threshold - 0.5 : threshold;
    if (h < need) continue;
    out.push_back({b, e, "high_entropy", "entropy", 1000});
  }
}

}  // namespace ot::security
