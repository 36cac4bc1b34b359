#include "engine/discovery/tokenize.h"

#include <algorithm>
#include <array>

namespace ot::discovery {

namespace {

// Sorted, so a binary search decides membership.
constexpr std::array<std::string_view, 44> kStopwords = {
    "an",   "and",  "are",  "as",   "at",    "be",   "been", "but",   "by",   "can", "do",
    "for",  "from", "had",  "has",  "have",  "he",   "if",   "in",    "into", "is",  "it",
    "its",  "me",   "my",   "no",   "not",   "of",   "on",   "or",    "so",   "that", "the",
    "then", "there", "this", "to",  "was",   "we",   "were", "will",  "with", "you", "your"};

bool hexlike(std::string_view t) {
  if (t.size() < 6) return false;
  bool digit = false;
  for (char c : t) {
    if (c >= '0' && c <= '9') digit = true;
    else if (c < 'a' || c > 'f') return false;
  }
  return digit;
}

}  // namespace

bool is_stopword(std::string_view token) {
  return std::binary_search(kStopwords.begin(), kStopwords.end(), token);
}

void for_each_token(std::string_view text, const std::function<void(std::string_view)>& fn) {
  std::string cur;
  auto flush = [&] {
    if (cur.size() >= 2 && cur.size() <= 40 && !hexlike(cur) && !is_stopword(cur)) fn(cur);
    cur.clear();
  };
  bool cur_ascii = true;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {  // part of a UTF-8 sequence: kept as is
      if (!cur.empty() && cur_ascii) flush();
      cur_ascii = false;
      cur.push_back(ch);
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (word) {
      if (!cur.empty() && !cur_ascii) flush();
      cur_ascii = true;
      cur.push_back(static_cast<char>(c));
    } else if (!cur.empty()) {
      flush();
    }
  }
  if (!cur.empty()) flush();
}

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> out;
  for_each_token(text, [&](std::string_view t) { out.emplace_back(t); });
  return out;
}

}  // namespace ot::discovery
