// Hashing helpers: SHA-256 (OpenSSL) and MurmurHash3 x64 128 (for Agent Trace
// `murmur3:` content hashes, reference 2.8.1).
#pragma once

#include <string>
#include <string_view>

namespace ot {

std::string sha256_hex(std::string_view data);

// Incremental SHA-256 for streams (files, spools).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex_digest();  // finalizes

 private:
  struct State;
  State* state_;
};

// "murmur3:" + 32 lowercase hex of MurmurHash3_x64_128(data, seed 0) read as one
// unsigned 128-bit number (h2 high, h1 low), as Python's mmh3.hash128 gives it.
std::string murmur3_content_hash(std::string_view data);

}  // namespace ot
