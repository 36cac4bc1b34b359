// Helpers shared by the three session parsers (not part of the public surface).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <unordered_map>

#include "engine/parse/jsonl.h"
#include "engine/schema/record.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::parse::detail {

std::string get_str(const json& o, const char* key);
int64_t get_int(const json& o, const char* key);
bool get_bool(const json& o, const char* key);  // false unless the key holds true
const json& get_obj(const json& o, const char* key);  // null json when absent / not an object
const json& get_any(const json& o, const char* key);  // the value, or null json when absent

// Text of a content value: a string, or the "text" of text blocks joined by "\n".
std::string text_of(const json& content);

// Earliest / latest ISO timestamp seen.
struct TimeSpan {
  std::string first, last;
  int64_t first_ms = 0, last_ms = 0;
  void see(const std::string& iso);
};

// Finds tool calls by id to attach their results: (step position, call position).
struct CallIndex {
  struct Where {
    size_t step, call;
    std::string timestamp;
  };
  std::unordered_map<std::string, Where> by_id;
};

// Adds an observation for `call_id` to the step that made the call (or to `fallback`
// when the call is unknown), with a duration when both timestamps are known.
void attach_observation(schema::TraceRecord& r, CallIndex& calls, const std::string& call_id,
                        schema::Observation obs, const std::string& result_ts, size_t fallback);

// Common finishing: step indexes, patches from edit tool calls, agent.model (most
// used), timestamps, limitations into metadata, lifecycle, metrics, content_hash.
// Errors NOT_A_SESSION when nothing was recognised.
Result<schema::TraceRecord> finish(schema::TraceRecord r, const TimeSpan& span, Limitations& lims,
                                   const JsonlReader& reader, size_t recognised, const std::string& where);

Error not_a_session(const std::string& where, const std::string& why);

// Adds a user step with the prompt text.
void add_user_step(schema::TraceRecord& r, std::string text, const std::string& ts);

}  // namespace ot::parse::detail
