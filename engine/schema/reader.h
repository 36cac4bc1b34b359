// ObjectReader: reads the fields of one JSON object into typed values, remembering
// the first type error with its precise path ("steps[3].tool_calls[0].input"), and
// hands back the keys it did not consume so unknown fields survive a round trip.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::schema {

// The error every schema loader returns: exit 2, code SCHEMA_INVALID, message names the path.
Error schema_error(const std::string& path, const std::string& what);

class ObjectReader {
 public:
  // `v` must outlive the reader. A non-object `v` is itself an error at `path`.
  ObjectReader(const json& v, std::string path);

  bool ok() const { return !error_; }
  const Error& error() const { return *error_; }
  const std::string& path() const { return path_; }
  std::string child(const std::string& key) const { return path_ + "." + key; }

  // Absent or null → default; a wrong type records an error and returns the default.
  std::string str(const char* key, bool required = false);
  std::optional<std::string> opt_str(const char* key);
  int64_t integer(const char* key, int64_t def = 0, bool required = false);
  std::optional<int64_t> opt_int(const char* key);
  std::optional<double> opt_num(const char* key);
  std::optional<bool> opt_bool(const char* key);
  bool boolean(const char* key, bool def = false);
  std::vector<std::string> str_list(const char* key);
  // Raw access (marks the key consumed); nullptr when absent.
  const json* raw(const char* key);
  // Any JSON value, absent → `def`.
  json any(const char* key, json def = nullptr);

  // Records an error found by a nested loader (keeps only the first).
  void fail(Error e);
  // Keys present in the object that no accessor consumed.
  json extras() const;

 private:
  const json* find(const char* key);
  void type_error(const char* key, const char* want);

  const json& v_;
  std::string path_;
  std::set<std::string> seen_;
  std::optional<Error> error_;
};

// Writes every key of `extras` that `out` does not already hold (known fields win).
void merge_extras(json& out, const json& extras);

}  // namespace ot::schema
