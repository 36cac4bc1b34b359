#include "engine/util/json_schema.h"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "engine/util/fs.h"

namespace ot {

struct JsonSchema::Impl {
  valijson::Schema schema;
};

namespace {

Error schema_error(const std::string& origin, const std::string& why) {
  return make_error(ExitCode::kUsage, "SCHEMA_INVALID", "schema", origin + ": " + why,
                    "fix the JSON Schema file (drafts 4 and 7 are supported)");
}

}  // namespace

Result<JsonSchema> JsonSchema::load(const std::filesystem::path& file, RefResolver resolver) {
  auto text = read_file(file);
  if (!text.ok()) return text.error();
  auto doc = parse_json(*text, file.string());
  if (!doc.ok()) return schema_error(file.string(), doc.error().message);
  if (!resolver) {
    const auto dir = file.parent_path();
    resolver = [dir](const std::string& uri) -> std::optional<json> {
      if (uri.find("://") != std::string::npos) return std::nullopt;  // never the network
      auto t = read_file(dir / uri);
      if (!t.ok()) return std::nullopt;
      auto j = parse_json(*t, uri);
      return j.ok() ? std::optional<json>(*j) : std::nullopt;
    };
  }
  return parse(*doc, file.string(), std::move(resolver));
}

Result<JsonSchema> JsonSchema::parse(const json& schema, const std::string& origin, RefResolver resolver) {
  auto version = valijson::SchemaParser::kDraft7;
  if (schema.is_object() && schema.value("$schema", "").find("draft-04") != std::string::npos)
    version = valijson::SchemaParser::kDraft4;
  auto impl = std::make_shared<Impl>();
  try {
    valijson::SchemaParser parser(version);
    valijson::adapters::NlohmannJsonAdapter adapter(schema);
    if (resolver) {
      auto fetch = [resolver](const std::string& uri) -> const json* {
        auto doc = resolver(uri);
        return doc ? new json(std::move(*doc)) : nullptr;
      };
      auto free_doc = [](const json* doc) { delete doc; };
      parser.populateSchema(adapter, impl->schema, fetch, free_doc);
    } else {
      parser.populateSchema(adapter, impl->schema);
    }
  } catch (const std::exception& e) {
    return schema_error(origin, e.what());
  }
  JsonSchema out;
  out.impl_ = std::move(impl);
  return out;
}

std::vector<SchemaViolation> JsonSchema::validate(const json& instance) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(instance);
  std::vector<SchemaViolation> out;
  if (validator.validate(impl_->schema, target, &results)) return out;
  valijson::ValidationResults::Error err;
  while (results.popError(err)) {
    std::string path;
    for (const auto& c : err.context)
      if (c != "<root>") path += "/" + (c.size() > 2 && c.front() == '[' && c.back() == ']' ? c.substr(1, c.size() - 2) : c);
    out.push_back({path.empty() ? "/" : path, err.description});
  }
  if (out.empty()) out.push_back({"/", "does not match the schema"});
  return out;
}

std::string JsonSchema::summarize(const std::vector<SchemaViolation>& v, size_t limit) {
  std::string s;
  for (size_t i = 0; i < v.size() && i < limit; ++i) s += (i ? "; " : "") + v[i].path + ": " + v[i].message;
  if (v.size() > limit) s += "; (" + std::to_string(v.size() - limit) + " more)";
  return s;
}

}  // namespace ot
