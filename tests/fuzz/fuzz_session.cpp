// Fuzzes one session parser (OT_FUZZ_AGENT: 0 Claude Code, 1 Codex, 2 Pi). Besides
// crashes and sanitizer reports it fails on: a PARSER_BUG result (the parser built an
// invalid record) and a record whose JSON does not survive load → store unchanged.
#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "engine/parse/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
#if OT_FUZZ_AGENT == 0
  auto r = ot::parse::parse_claude_code(in, {});
#elif OT_FUZZ_AGENT == 1
  auto r = ot::parse::parse_codex(in, {});
#else
  auto r = ot::parse::parse_pi(in, {});
#endif
  (void)ot::parse::detect_agent_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (!r.ok()) {
    if (r.error().code == "PARSER_BUG") std::abort();
    return 0;
  }
  std::string first = ot::canonical_json(ot::schema::to_json(*r));
  auto back = ot::schema::record_from_json(ot::json::parse(first));
  if (!back.ok() || ot::canonical_json(ot::schema::to_json(*back)) != first) std::abort();
  if (ot::schema::compute_content_hash(*back) != r->content_hash) std::abort();
  return 0;
}
