// Streaming JSONL reading for session files: one line at a time (bounded memory),
// invalid UTF-8 replaced by U+FFFD, blank lines skipped, malformed lines skipped and
// counted as limitations (a malformed *last* line without a newline is the agent
// still writing: "truncated_final_line").
#pragma once

#include <istream>
#include <map>
#include <string>

#include "engine/util/json.h"

namespace ot::parse {

// Aggregated "what we skipped" notes, written to metadata.limitations as
// [{code, count, first_line, message}] sorted by code.
class Limitations {
 public:
  void add(const std::string& code, const std::string& message, size_t line = 0);
  bool empty() const { return items_.empty(); }
  bool has(const std::string& code) const { return items_.count(code) > 0; }
  json to_json() const;

 private:
  struct Item {
    size_t count = 0;
    size_t first_line = 0;
    std::string message;
  };
  std::map<std::string, Item> items_;
};

// Replaces invalid UTF-8 sequences with U+FFFD; true when something was replaced.
bool sanitize_utf8(std::string& s);

class JsonlReader {
 public:
  JsonlReader(std::istream& in, Limitations& lims) : in_(in), lims_(lims) {}
  // The next line that parses as a JSON object; false at end of input. `shallow`
  // keeps only the top-level scalar fields (nested objects/arrays are dropped), which
  // is much cheaper when only ids are needed.
  bool next(json& out, bool shallow = false);
  size_t line_no() const { return line_no_; }
  size_t objects() const { return objects_; }
  size_t nonblank() const { return nonblank_; }
  bool truncated_tail() const { return truncated_tail_; }

 private:
  std::istream& in_;
  Limitations& lims_;
  std::string line_;
  size_t line_no_ = 0, objects_ = 0, nonblank_ = 0;
  bool truncated_tail_ = false;
};

}  // namespace ot::parse
