#include <catch2/catch.hpp>

#include "engine/discovery/tokenize.h"

using ot::discovery::tokenize;

TEST_CASE("tokenize: lower-cases and splits on punctuation, paths and identifiers", "[discovery][tokenize]") {
  CHECK(tokenize("Fix calc.py: divide_by_zero!") == std::vector<std::string>{"fix", "calc", "py", "divide", "zero"});
  CHECK(tokenize("src/engine/Query.cpp") == std::vector<std::string>{"src", "engine", "query", "cpp"});
}

TEST_CASE("tokenize: drops stopwords, 1-char tokens, long tokens and hex ids", "[discovery][tokenize]") {
  CHECK(tokenize("the a of x").empty());
  CHECK(tokenize("commit 3fa9c0d1e2 ok") == std::vector<std::string>{"commit", "ok"});
  CHECK(tokenize("deadline facade") == std::vector<std::string>{"deadline", "facade"});  // hex letters, no digit
  CHECK(tokenize(std::string(41, 'z')).empty());
  CHECK(tokenize("v2 42") == std::vector<std::string>{"v2", "42"});
}

TEST_CASE("tokenize: non-ASCII runs are tokens of their own, never lower-cased", "[discovery][tokenize]") {
  CHECK(tokenize("grüße") == std::vector<std::string>{"gr", "üß"});  // the trailing "e" is one letter
  CHECK(tokenize("Café") == std::vector<std::string>{"caf", "é"});
  CHECK(tokenize("東京 tower") == std::vector<std::string>{"東京", "tower"});
}
