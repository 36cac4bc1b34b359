// JSON Schema validation (valijson, drafts 4 and 7) for our own envelopes, dataset
// rows and interop records. A loaded schema is immutable and cheap to share.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot {

struct SchemaViolation {
  std::string path;     // JSON pointer-ish path into the instance, e.g. "/rows/0/score"
  std::string message;  // what is wrong there
};

class JsonSchema {
 public:
  // Resolves a `$ref` to a document outside the schema (URI without fragment) → the
  // document, or nullopt when unknown. Relative refs of a file schema are resolved
  // against its directory by load() without a resolver.
  using RefResolver = std::function<std::optional<json>(const std::string& uri)>;

  // SCHEMA_INVALID (exit 2) when the file is not JSON or not a usable schema.
  // The draft follows "$schema" (draft-04 → 4; anything else → 7).
  static Result<JsonSchema> load(const std::filesystem::path& file, RefResolver resolver = {});
  static Result<JsonSchema> parse(const json& schema, const std::string& origin, RefResolver resolver = {});

  // Empty when `instance` conforms.
  std::vector<SchemaViolation> validate(const json& instance) const;
  bool accepts(const json& instance) const { return validate(instance).empty(); }

  // "path: message; path: message" (at most `limit` entries) for error messages.
  static std::string summarize(const std::vector<SchemaViolation>& v, size_t limit = 5);

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace ot
