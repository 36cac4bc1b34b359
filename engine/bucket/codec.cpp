#include "engine/bucket/codec.h"

#include <zstd.h>

namespace ot::bucket {

namespace {
Error corrupt(std::string_view where, const std::string& why) {
  return make_error(ExitCode::kResource, "VALUE_CORRUPT", "bucket",
                    "stored value at " + std::string(where) + " is damaged (" + why + ")",
                    "run `git opentraces bucket verify --full`, then `git opentraces bucket repair`");
}
}  // namespace

std::string encode_value(std::string_view plain) {
  if (plain.size() >= kCompressThreshold) {
    std::string out(1 + ZSTD_compressBound(plain.size()), '\0');
    out[0] = kZstdFlag;
    size_t n = ZSTD_compress(out.data() + 1, out.size() - 1, plain.data(), plain.size(), 3);
    if (!ZSTD_isError(n) && n + 1 < plain.size()) {
      out.resize(n + 1);
      return out;
    }
  }
  std::string out;
  out.reserve(plain.size() + 1);
  out.push_back(kRawFlag);
  out.append(plain);
  return out;
}

Result<std::string> decode_value(std::string_view stored, std::string_view where) {
  if (stored.empty()) return corrupt(where, "empty value");
  if (stored[0] == kRawFlag) return std::string(stored.substr(1));
  if (stored[0] != kZstdFlag) return corrupt(where, "unknown encoding flag");
  std::string_view frame = stored.substr(1);
  unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 34))
    return corrupt(where, "bad zstd frame header");
  std::string out(static_cast<size_t>(size), '\0');
  size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != out.size()) return corrupt(where, "zstd frame does not decompress");
  return out;
}

}  // namespace ot::bucket
