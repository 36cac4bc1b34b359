// Money in JSON output: every USD figure an envelope carries (estimated_cost_usd,
// cost_usd, otel_cost_usd, ...) is rounded to kUsdDecimals places, so sums of
// floating-point prices read 0.0123 rather than 0.012299999999999998. Six places keep
// a single cache-read token's price (fractions of a micro-dollar add up over a run).
#pragma once

#include <cmath>

#include "engine/util/json.h"

namespace ot {

inline constexpr int kUsdDecimals = 6;

inline double round_usd(double v) {
  double r = std::round(v * 1e6) / 1e6;
  return r == 0 ? 0.0 : r;  // no "-0.0"
}

// A JSON number rounded; anything else (null for "unknown") unchanged.
inline json usd_json(const json& v) { return v.is_number() ? json(round_usd(v.get<double>())) : v; }

}  // namespace ot
