// The full-text tokenizer shared by the index writer and the query parser, so a query
// term always meets the postings it was indexed as.
//
// Rules (docs/discovery.md "trace query"): ASCII letters are lower-cased; a token is a
// run of [a-z0-9] or of non-ASCII (UTF-8) bytes — everything else separates tokens, so
// `calc.py` is `calc` + `py` and `divide_by_zero` is `divide` + `by` + `zero`. Tokens
// shorter than 2 or longer than 40 bytes, hex-looking ids (6+ hex digits with a digit:
// hashes, uuid parts) and a short list of English stopwords are dropped. No stemming.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ot::discovery {

// Bumped whenever the rules above change: an index built with another version must be
// rebuilt (`trace index rebuild`) before it can answer queries.
inline constexpr int kTokenizerVersion = 1;

// Calls fn(token) for each token of `text`, in order (duplicates included).
void for_each_token(std::string_view text, const std::function<void(std::string_view)>& fn);

// The tokens of `text` in order (duplicates included).
std::vector<std::string> tokenize(std::string_view text);

bool is_stopword(std::string_view token);

}  // namespace ot::discovery
