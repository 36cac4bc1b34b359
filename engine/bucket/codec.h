// Value encoding for the bucket's LevelDB values: one flag byte, then the payload.
// Large values (objects, big events) are zstd-compressed; small ones stay raw so a
// pointer or counter read costs nothing extra.
#pragma once

#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace ot::bucket {

inline constexpr char kRawFlag = '\x00';
inline constexpr char kZstdFlag = '\x01';
// Values at least this large are compressed (when that makes them smaller).
inline constexpr size_t kCompressThreshold = 4096;

std::string encode_value(std::string_view plain);
// VALUE_CORRUPT (exit 3) when the flag is unknown or the zstd frame is damaged;
// `where` (a key) is named in the message.
Result<std::string> decode_value(std::string_view stored, std::string_view where);

}  // namespace ot::bucket
