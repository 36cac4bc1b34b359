// JSON helpers: canonical serialization and digests (reference 1.9).
// Canonical JSON = keys sorted bytewise, no whitespace, UTF-8 left unescaped.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/util/result.h"

namespace ot {

using json = nlohmann::json;                 // object keys kept sorted: canonical by construction
using ordered_json = nlohmann::ordered_json; // for output envelopes whose key order is part of the contract

// Canonical bytes of a JSON value. Invalid UTF-8 in strings is replaced by U+FFFD.
std::string canonical_json(const json& value);

// "sha256:<64 hex>" of canonical_json(value).
std::string json_digest(const json& value);

// "sha256:<hex>" of sha256(domain + '\0' + canonical_json(value)), for typed object ids.
std::string domain_digest(std::string_view domain, const json& value);

// Pretty form used on disk and for --json output: indent 2, trailing newline.
std::string pretty_json(const json& value);
std::string pretty_json(const ordered_json& value);

// Parse text as JSON; the error names `where` (a file path or "stdin").
Result<json> parse_json(std::string_view text, std::string_view where);

}  // namespace ot
