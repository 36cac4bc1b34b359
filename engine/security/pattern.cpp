#include "engine/security/pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace ot::security {

struct Pattern::Code {
  pcre2_code* code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

Result<Pattern> Pattern::compile(std::string_view pattern, bool caseless, std::string_view what) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  uint32_t flags = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (caseless ? PCRE2_CASELESS : 0);
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), flags, &err,
                                   &offset, nullptr);
  if (!code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return make_error(ExitCode::kUsage, "INVALID_PATTERN", "security",
                      std::string(what) + ": the pattern does not compile at offset " + std::to_string(offset) + ": " +
                          reinterpret_cast<const char*>(msg),
                      "fix the regular expression (PCRE2 syntax)");
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter when JIT is unavailable
  Pattern p;
  p.code_ = std::make_shared<Code>();
  p.code_->code = code;
  int n = pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("s"));
  p.secret_group_ = n > 0 ? n : -1;
  return p;
}

void Pattern::find_all(std::string_view text, const std::function<void(const Match&)>& fn) const {
  if (!code_) return;
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code_->code, nullptr);
  size_t start = 0;
  while (start <= text.size()) {
    int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), start, 0, md, nullptr);
    if (rc < 0) break;  // no match, or a match-limit error: stop scanning this text
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    Match m;
    m.begin = ov[0];
    m.end = ov[1];
    m.secret_begin = m.begin;
    m.secret_end = m.end;
    if (secret_group_ > 0 && rc > secret_group_ && ov[2 * secret_group_] != PCRE2_UNSET) {
      m.secret_begin = ov[2 * secret_group_];
      m.secret_end = ov[2 * secret_group_ + 1];
    }
    if (m.end > m.begin) fn(m);
    start = m.end > m.begin ? m.end : m.end + 1;
    while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  }
  pcre2_match_data_free(md);
}

}  // namespace ot::security
