// Time helpers. All timestamps are ISO-8601 UTC with a trailing `Z`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace ot {

using Clock = std::chrono::system_clock;

// Milliseconds since the epoch, now.
int64_t now_ms();

// "2026-11-24T15:15:01.614Z" (milliseconds kept when non-zero).
std::string iso_from_ms(int64_t ms);
std::string utc_now_iso();

// Parses ISO-8601 ("2026-11-24T15:15:01.614Z", "+00:00" offsets, or a bare date) into
// epoch milliseconds. nullopt when unparsable.
std::optional<int64_t> ms_from_iso(std::string_view text);

// `--since` values: "7d", "12h", "30m", "45s", "2w", or an ISO date/time. Returns the
// epoch milliseconds of the lower bound.
Result<int64_t> parse_since(std::string_view text, int64_t now = now_ms());

}  // namespace ot
