// A compiled PCRE2 pattern (JIT when available) with a find-all loop. PCRE2 rather than
// std::regex: linear-ish, no recursion blow-ups on 100 kB tool outputs, and libgit2
// already loads libpcre2-8, so it costs the hook nothing.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace ot::security {

struct Match {
  size_t begin = 0, end = 0;          // the whole match
  size_t secret_begin = 0, secret_end = 0;  // the named group "s" when the pattern has one, else the whole match
};

class Pattern {
 public:
  // INVALID_PATTERN (exit 2) naming `what` and the PCRE2 message.
  static Result<Pattern> compile(std::string_view pattern, bool caseless, std::string_view what);
  // Calls fn for every non-overlapping match, left to right.
  void find_all(std::string_view text, const std::function<void(const Match&)>& fn) const;

 private:
  struct Code;
  std::shared_ptr<Code> code_;
  int secret_group_ = -1;
};

}  // namespace ot::security
