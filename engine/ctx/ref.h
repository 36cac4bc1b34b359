// `ctx` references: <trace>, <trace>:<N>, <trace>:last (and <trace>:). Syntax comes
// from the shared address grammar (engine/discovery/address.h); ctx accepts only the
// trace and single-step forms.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace ot::ctx {

struct Ref {
  std::string trace;        // id or unique prefix
  std::optional<int> step;  // <trace>:<N>
  bool last = false;        // <trace>:last
};

// INVALID_ADDRESS / UNSUPPORTED_ADDRESS (exit 2) for malformed refs, spans and :origin.
Result<Ref> parse_ref(std::string_view text);

}  // namespace ot::ctx
