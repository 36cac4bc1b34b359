#include "engine/bucket/codec.h"

#include <catch2/catch.hpp>

using namespace ot::bucket;

TEST_CASE("codec: small values stay raw, large ones are compressed, both round-trip", "[bucket][codec]") {
  std::string small = "{\"a\":1}";
  std::string enc = encode_value(small);
  CHECK(enc[0] == kRawFlag);
  CHECK(*decode_value(enc, "k") == small);

  std::string big(100000, 'x');
  std::string benc = encode_value(big);
  CHECK(benc[0] == kZstdFlag);
  CHECK(benc.size() < big.size() / 10);
  CHECK(*decode_value(benc, "k") == big);
}

TEST_CASE("codec: a damaged value is reported, naming the key", "[bucket][codec]") {
  std::string benc = encode_value(std::string(100000, 'y'));
  benc[benc.size() / 2] ^= 0x5a;
  benc.resize(benc.size() - 3);
  auto r = decode_value(benc, "o/abc");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "VALUE_CORRUPT");
  CHECK(r.error().message.find("o/abc") != std::string::npos);
  CHECK_FALSE(decode_value(std::string("\x07zz", 3), "k").ok());
  CHECK_FALSE(decode_value("", "k").ok());
}
