#include "engine/schema/reader.h"

namespace ot::schema {

Error schema_error(const std::string& path, const std::string& what) {
  return make_error(ExitCode::kUsage, "SCHEMA_INVALID", "schema", path + ": " + what,
                    "the record does not match the TraceRecord schema (docs/schema.md)");
}

namespace {
const char* type_name(const json& v) { return v.type_name(); }
}  // namespace

ObjectReader::ObjectReader(const json& v, std::string path) : v_(v), path_(std::move(path)) {
  if (!v_.is_object()) error_ = schema_error(path_, std::string("expected an object, got ") + type_name(v_));
}

const json* ObjectReader::find(const char* key) {
  if (!v_.is_object()) return nullptr;
  seen_.insert(key);
  auto it = v_.find(key);
  if (it == v_.end() || it->is_null()) return nullptr;
  return &*it;
}

void ObjectReader::type_error(const char* key, const char* want) {
  if (error_) return;
  auto it = v_.find(key);
  error_ = schema_error(child(key), std::string("expected ") + want + ", got " + type_name(*it));
}

void ObjectReader::fail(Error e) {
  if (!error_) error_ = std::move(e);
}

std::string ObjectReader::str(const char* key, bool required) {
  auto v = opt_str(key);
  if (!v && required && !error_ && v_.is_object() && !v_.contains(key))
    error_ = schema_error(child(key), "required field is missing");
  return v.value_or(std::string());
}

std::optional<std::string> ObjectReader::opt_str(const char* key) {
  const json* p = find(key);
  if (!p) return std::nullopt;
  if (!p->is_string()) {
    type_error(key, "a string");
    return std::nullopt;
  }
  return p->get<std::string>();
}

int64_t ObjectReader::integer(const char* key, int64_t def, bool required) {
  auto v = opt_int(key);
  if (!v && required && !error_ && v_.is_object() && !v_.contains(key))
    error_ = schema_error(child(key), "required field is missing");
  return v.value_or(def);
}

std::optional<int64_t> ObjectReader::opt_int(const char* key) {
  const json* p = find(key);
  if (!p) return std::nullopt;
  if (!p->is_number_integer()) {
    type_error(key, "an integer");
    return std::nullopt;
  }
  return p->get<int64_t>();
}

std::optional<double> ObjectReader::opt_num(const char* key) {
  const json* p = find(key);
  if (!p) return std::nullopt;
  if (!p->is_number()) {
    type_error(key, "a number");
    return std::nullopt;
  }
  return p->get<double>();
}

std::optional<bool> ObjectReader::opt_bool(const char* key) {
  const json* p = find(key);
  if (!p) return std::nullopt;
  if (!p->is_boolean()) {
    type_error(key, "a boolean");
    return std::nullopt;
  }
  return p->get<bool>();
}

bool ObjectReader::boolean(const char* key, bool def) { return opt_bool(key).value_or(def); }

std::vector<std::string> ObjectReader::str_list(const char* key) {
  std::vector<std::string> out;
  const json* p = find(key);
  if (!p) return out;
  if (!p->is_array()) {
    type_error(key, "an array of strings");
    return out;
  }
  for (size_t i = 0; i < p->size(); ++i) {
    const json& e = (*p)[i];
    if (!e.is_string()) {
      if (!error_)
        error_ = schema_error(child(key) + "[" + std::to_string(i) + "]",
                              std::string("expected a string, got ") + type_name(e));
      return {};
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

const json* ObjectReader::raw(const char* key) { return find(key); }

json ObjectReader::any(const char* key, json def) {
  const json* p = find(key);
  return p ? *p : def;
}

json ObjectReader::extras() const {
  json out = json::object();
  if (!v_.is_object()) return out;
  for (auto it = v_.begin(); it != v_.end(); ++it)
    if (!seen_.count(it.key())) out[it.key()] = it.value();
  return out;
}

void merge_extras(json& out, const json& extras) {
  if (!extras.is_object()) return;
  for (auto it = extras.begin(); it != extras.end(); ++it)
    if (!out.contains(it.key())) out[it.key()] = it.value();
}

}  // namespace ot::schema
