#include "engine/util/json.h"

#include "engine/util/hash.h"

namespace ot {

std::string canonical_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string json_digest(const json& value) { return "sha256:" + sha256_hex(canonical_json(value)); }

std::string domain_digest(std::string_view domain, const json& value) {
  std::string material(domain);
  material.push_back('\0');
  material += canonical_json(value);
  return "sha256:" + sha256_hex(material);
}

std::string pretty_json(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string pretty_json(const ordered_json& value) {
  return value.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

Result<json> parse_json(std::string_view text, std::string_view where) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return make_error(ExitCode::kUsage, "INVALID_JSON", "json",
                      std::string(where) + ": not valid JSON (" + e.what() + ")",
                      "fix or restore the file; a backup may exist next to it");
  }
}

}  // namespace ot
