#include "engine/parse/jsonl.h"

namespace ot::parse {

void Limitations::add(const std::string& code, const std::string& message, size_t line) {
  Item& it = items_[code];
  if (it.count++ == 0) {
    it.first_line = line;
    it.message = message;
  }
}

json Limitations::to_json() const {
  json out = json::array();
  for (const auto& [code, it] : items_) {
    json j = {{"code", code}, {"count", it.count}, {"message", it.message}};
    j["first_line"] = it.first_line ? json(it.first_line) : json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

bool sanitize_utf8(std::string& s) {
  size_t i = 0, n = s.size();
  while (i < n && static_cast<unsigned char>(s[i]) < 0x80) ++i;  // ASCII fast path
  if (i == n) return false;
  std::string out = s.substr(0, i);
  bool changed = false;
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    if (ok && len > 1) {
      uint32_t cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      // reject overlong forms, surrogates, and values past U+10FFFF
      ok = !((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
             (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF);
    }
    if (ok) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      changed = true;
      ++i;
    }
  }
  s = std::move(out);
  return changed;
}

bool JsonlReader::next(json& out, bool shallow) {
  while (std::getline(in_, line_)) {
    ++line_no_;
    bool had_newline = !in_.eof();
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    size_t first = line_.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    ++nonblank_;
    if (sanitize_utf8(line_))
      lims_.add("invalid_utf8_replaced", "bytes that are not UTF-8 were replaced by U+FFFD", line_no_);
    static const json::parser_callback_t drop_nested = [](int depth, json::parse_event_t ev, json&) {
      return depth == 0 || !(ev == json::parse_event_t::object_start || ev == json::parse_event_t::array_start);
    };
    out = json::parse(line_, shallow ? drop_nested : nullptr, false);
    if (out.is_discarded() || !out.is_object()) {
      if (!had_newline && in_.peek() == std::char_traits<char>::eof()) {
        truncated_tail_ = true;
        lims_.add("truncated_final_line", "the last line is incomplete (the agent may still be writing)", line_no_);
      } else {
        lims_.add("malformed_line", "a line is not a JSON object and was skipped", line_no_);
      }
      continue;
    }
    ++objects_;
    return true;
  }
  return false;
}

}  // namespace ot::parse
