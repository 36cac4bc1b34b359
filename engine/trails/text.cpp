#include "engine/trails/text.h"

#include <array>
#include <cctype>
#include <functional>
#include <unordered_map>

#include "engine/util/hash.h"

namespace ot::trails {

std::string normalize_line(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  bool pending_space = false;
  for (char c : line) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string range_hash(const std::vector<std::string>& lines) {
  std::string material;
  for (const auto& l : lines) {
    std::string n = normalize_line(l);
    if (n.empty()) continue;
    if (!material.empty()) material.push_back('\n');
    material += n;
  }
  return "sha256:" + sha256_hex(material);
}

namespace {

std::vector<size_t> tokens(std::string_view s) {
  std::vector<size_t> out;
  std::hash<std::string_view> h;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (std::isalnum(c) || c == '_' || c >= 0x80) {
      size_t j = i;
      while (j < s.size()) {
        unsigned char d = static_cast<unsigned char>(s[j]);
        if (!(std::isalnum(d) || d == '_' || d >= 0x80)) break;
        ++j;
      }
      out.push_back(h(s.substr(i, j - i)));
      i = j;
    } else {
      out.push_back(h(s.substr(i, 1)));
      ++i;
    }
  }
  return out;
}

struct Matcher {
  const std::vector<size_t>& a;
  const std::vector<size_t>& b;
  std::unordered_map<size_t, std::vector<size_t>> b2j;
  size_t matched = 0;

  Matcher(const std::vector<size_t>& a_, const std::vector<size_t>& b_) : a(a_), b(b_) {
    for (size_t j = 0; j < b.size(); ++j) b2j[b[j]].push_back(j);
  }

  // difflib's find_longest_match (no junk): longest a[i:i+k] == b[j:j+k] in the box.
  void longest(size_t alo, size_t ahi, size_t blo, size_t bhi, size_t& bi, size_t& bj, size_t& bk) const {
    bi = alo, bj = blo, bk = 0;
    std::unordered_map<size_t, size_t> j2len, next;
    for (size_t i = alo; i < ahi; ++i) {
      next.clear();
      auto it = b2j.find(a[i]);
      if (it != b2j.end()) {
        for (size_t j : it->second) {
          if (j < blo) continue;
          if (j >= bhi) break;
          size_t k = 1;
          if (j > 0) {
            auto p = j2len.find(j - 1);
            if (p != j2len.end()) k = p->second + 1;
          }
          next[j] = k;
          if (k > bk) bi = i + 1 - k, bj = j + 1 - k, bk = k;
        }
      }
      std::swap(j2len, next);
    }
  }

  void run(size_t alo, size_t ahi, size_t blo, size_t bhi) {
    // Explicit stack instead of recursion: inputs can be long.
    std::vector<std::array<size_t, 4>> stack{{alo, ahi, blo, bhi}};
    while (!stack.empty()) {
      auto [al, ah, bl, bh] = stack.back();
      stack.pop_back();
      if (al >= ah || bl >= bh) continue;
      size_t i, j, k;
      longest(al, ah, bl, bh, i, j, k);
      if (k == 0) continue;
      matched += k;
      stack.push_back({al, i, bl, j});
      stack.push_back({i + k, ah, j + k, bh});
    }
  }
};

}  // namespace

double sequence_ratio(const std::vector<size_t>& a, const std::vector<size_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  Matcher m(a, b);
  m.run(0, a.size(), 0, b.size());
  return 2.0 * static_cast<double>(m.matched) / static_cast<double>(a.size() + b.size());
}

double similarity(std::string_view a, std::string_view b) {
  return sequence_ratio(tokens(a), tokens(b));
}

}  // namespace ot::trails
