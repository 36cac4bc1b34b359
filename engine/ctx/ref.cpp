#include "engine/ctx/ref.h"

#include <charconv>

namespace ot::ctx {

Result<Ref> parse_ref(std::string_view text) {
  auto bad = [&](std::string code, std::string why) {
    return make_error(ExitCode::kUsage, std::move(code), "ctx", "\"" + std::string(text) + "\": " + why,
                      "use <trace>, <trace>:<N> or <trace>:last");
  };
  Ref r;
  size_t colon = text.rfind(':');
  std::string_view trace = colon == std::string_view::npos ? text : text.substr(0, colon);
  std::string_view sel = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (trace.rfind("t:", 0) == 0) trace.remove_prefix(2);
  if (trace.empty()) return bad("INVALID_ADDRESS", "no trace id");
  r.trace = std::string(trace);
  if (sel.empty()) return r;
  if (sel == "last") {
    r.last = true;
  } else if (sel == "origin") {
    return bad("UNSUPPORTED_ADDRESS", ":origin is reserved");
  } else if (sel.find('-') != std::string_view::npos) {
    return bad("UNSUPPORTED_ADDRESS", "ctx shows one step at a time, not a span");
  } else {
    int n = -1;
    auto [p, ec] = std::from_chars(sel.data(), sel.data() + sel.size(), n);
    if (ec == std::errc() && p == sel.data() + sel.size() && n >= 0) {
      r.step = n;
    } else if (sel.find_first_of("0123456789") == 0) {
      return bad("INVALID_ADDRESS", "bad step selector");
    } else {
      r.trace = std::string(text);  // trace ids may hold ':' themselves
    }
  }
  return r;
}

}  // namespace ot::ctx
