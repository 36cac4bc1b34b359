#include "engine/util/time.h"

#include <cstdio>
#include <ctime>

namespace ot {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

std::string iso_from_ms(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int millis = static_cast<int>(ms - secs * 1000);
  time_t t = static_cast<time_t>(secs);
  struct tm tmv;
  gmtime_r(&t, &tmv);
  char buf[96];
  if (millis)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tmv.tm_year + 1900, tmv.tm_mon + 1,
                  tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec, millis);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tmv.tm_year + 1900, tmv.tm_mon + 1,
                  tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec);
  return buf;
}

std::string utc_now_iso() { return iso_from_ms(now_ms()); }

std::optional<int64_t> ms_from_iso(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string str(text);
  int consumed = 0;
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) return std::nullopt;
  size_t pos = 10;
  int64_t frac_ms = 0;
  int offset_min = 0;
  if (pos < str.size() && (str[pos] == 'T' || str[pos] == ' ')) {
    int c2 = 0;
    if (std::sscanf(str.c_str() + pos + 1, "%2d:%2d%n", &h, &mi, &c2) != 2) return std::nullopt;
    pos += 1 + c2;
    if (pos < str.size() && str[pos] == ':') {
      int c3 = 0;
      if (std::sscanf(str.c_str() + pos + 1, "%2d%n", &s, &c3) != 1) return std::nullopt;
      pos += 1 + c3;
    }
    if (pos < str.size() && str[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < str.size() && str[pos] >= '0' && str[pos] <= '9') {
        if (digits < 3) frac_ms = frac_ms * 10 + (str[pos] - '0');
        ++digits;
        ++pos;
      }
      for (int i = digits; i < 3; ++i) frac_ms *= 10;
    }
    if (pos < str.size()) {
      if (str[pos] == 'Z' || str[pos] == 'z') {
        ++pos;
      } else if (str[pos] == '+' || str[pos] == '-') {
        int oh = 0, om = 0;
        int sign = str[pos] == '-' ? -1 : 1;
        if (std::sscanf(str.c_str() + pos + 1, "%2d:%2d", &oh, &om) < 1) return std::nullopt;
        offset_min = sign * (oh * 60 + om);
        pos = str.size();
      }
    }
    if (pos != str.size()) return std::nullopt;
  } else if (pos != str.size()) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  struct tm tmv = {};
  tmv.tm_year = y - 1900;
  tmv.tm_mon = mo - 1;
  tmv.tm_mday = d;
  tmv.tm_hour = h;
  tmv.tm_min = mi;
  tmv.tm_sec = s;
  time_t t = timegm(&tmv);
  return (static_cast<int64_t>(t) - offset_min * 60) * 1000 + frac_ms;
}

Result<int64_t> parse_since(std::string_view text, int64_t now) {
  if (!text.empty()) {
    char unit = text.back();
    std::string num(text.substr(0, text.size() - 1));
    bool digits = !num.empty() && num.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
      int64_t n = std::stoll(num);
      int64_t mult = 0;
      switch (unit) {
        case 's': mult = 1000; break;
        case 'm': mult = 60 * 1000; break;
        case 'h': mult = 3600 * 1000; break;
        case 'd': mult = 86400LL * 1000; break;
        case 'w': mult = 7 * 86400LL * 1000; break;
        default: break;
      }
      if (mult) return now - n * mult;
    }
  }
  if (auto ms = ms_from_iso(text)) return *ms;
  return make_error(ExitCode::kUsage, "INVALID_SINCE", "since",
                    "cannot read '" + std::string(text) + "' as a time",
                    "use a duration like 7d, 12h, 30m, 45s, or an ISO date like 2026-11-01");
}

}  // namespace ot
