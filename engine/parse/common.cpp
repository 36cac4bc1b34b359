#include "engine/parse/common.h"

#include <set>

#include "engine/parse/patches.h"
#include "engine/util/time.h"

namespace ot::parse::detail {

std::string get_str(const json& o, const char* key) {
  if (!o.is_object()) return {};
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t get_int(const json& o, const char* key) {
  if (!o.is_object()) return 0;
  auto it = o.find(key);
  if (it == o.end() || !it->is_number()) return 0;
  return it->is_number_integer() ? it->get<int64_t>() : static_cast<int64_t>(it->get<double>());
}

bool get_bool(const json& o, const char* key) {
  if (!o.is_object()) return false;
  auto it = o.find(key);
  return it != o.end() && it->is_boolean() && it->get<bool>();
}

const json& get_obj(const json& o, const char* key) {
  static const json null_json;
  if (!o.is_object()) return null_json;
  auto it = o.find(key);
  return it != o.end() && it->is_object() ? *it : null_json;
}

const json& get_any(const json& o, const char* key) {
  static const json null_json;
  if (!o.is_object()) return null_json;
  auto it = o.find(key);
  return it != o.end() ? *it : null_json;
}

std::string text_of(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) return {};
  std::string out;
  for (const auto& b : content) {
    std::string piece;
    if (b.is_string()) piece = b.get<std::string>();
    else if (b.is_object() && b.contains("text") && b["text"].is_string()) piece = b["text"].get<std::string>();
    else if (b.is_object() && get_str(b, "type") == "image") piece = "[image]";
    else continue;
    if (!out.empty()) out += "\n";
    out += piece;
  }
  return out;
}

void TimeSpan::see(const std::string& iso) {
  if (iso.empty()) return;
  auto ms = ms_from_iso(iso);
  if (!ms) return;
  if (first.empty() || *ms < first_ms) {
    first = iso;
    first_ms = *ms;
  }
  if (last.empty() || *ms > last_ms) {
    last = iso;
    last_ms = *ms;
  }
}

void attach_observation(schema::TraceRecord& r, CallIndex& calls, const std::string& call_id,
                        schema::Observation obs, const std::string& result_ts, size_t fallback) {
  obs.source_call_id = call_id;
  auto it = calls.by_id.find(call_id);
  if (it == calls.by_id.end()) {
    if (r.steps.empty()) return;
    r.steps[std::min(fallback, r.steps.size() - 1)].observations.push_back(std::move(obs));
    return;
  }
  schema::Step& s = r.steps[it->second.step];
  schema::ToolCall& c = s.tool_calls[it->second.call];
  auto a = ms_from_iso(it->second.timestamp), b = ms_from_iso(result_ts);
  if (a && b && *b >= *a && !c.duration_ms) c.duration_ms = *b - *a;
  s.observations.push_back(std::move(obs));
}

Error not_a_session(const std::string& where, const std::string& why) {
  return make_error(ExitCode::kUsage, "NOT_A_SESSION", "parse", where + ": " + why,
                    "pass a Claude Code, Codex or Pi session file (.jsonl); use --agent to force the format");
}

void add_user_step(schema::TraceRecord& r, std::string text, const std::string& ts) {
  schema::Step s;
  s.role = "user";
  s.content = std::move(text);
  s.timestamp = ts;
  r.steps.push_back(std::move(s));
}

Result<schema::TraceRecord> finish(schema::TraceRecord r, const TimeSpan& span, Limitations& lims,
                                   const JsonlReader& reader, size_t recognised, const std::string& where) {
  if (reader.nonblank() == 0)
    return make_error(ExitCode::kUsage, "EMPTY_SESSION", "parse", where + ": the file is empty",
                      "the agent has not written anything yet; try again later");
  if (recognised == 0 || r.trace_id.empty())
    return not_a_session(where, recognised == 0 ? "no line of this file is a record of the expected agent format"
                                                : "no session id found");
  if (r.session_id.empty()) r.session_id = r.trace_id;

  // Step indexes, and which tool calls failed.
  std::set<std::string> failed;
  std::map<std::string, int> model_uses;
  for (size_t i = 0; i < r.steps.size(); ++i) {
    schema::Step& s = r.steps[i];
    s.step_index = static_cast<int>(i);
    if (!s.timestamp.empty() && !ms_from_iso(s.timestamp)) {
      lims.add("invalid_timestamp", "a timestamp that is not ISO-8601 was dropped: \"" + s.timestamp.substr(0, 40) + "\"");
      s.timestamp.clear();
    }
    for (const auto& o : s.observations)
      if (!o.error.empty()) failed.insert(o.source_call_id);
    if (s.role == "agent" && !s.model.empty()) ++model_uses[s.model];
  }
  // Most used model; ties go to the one first seen.
  if (r.agent.model.empty()) {
    int best = 0;
    for (const auto& s : r.steps) {
      if (s.model.empty()) continue;
      int n = model_uses[s.model];
      if (n > best) {
        best = n;
        r.agent.model = s.model;
      }
    }
  }

  std::string cwd = get_str(r.metadata, "cwd");
  r.patches.clear();
  for (const auto& s : r.steps) {
    for (const auto& c : s.tool_calls) {
      if (!is_edit_tool(c.tool_name)) continue;
      PatchContext ctx{r.trace_id, cwd, s.step_index, c.tool_call_id, {"transcript"}};
      for (auto& p : patches_from_tool_call(c.tool_name, c.input, ctx)) {
        if (failed.count(c.tool_call_id)) p.limitations.push_back("tool_result_error");
        r.patches.push_back(std::move(p));
      }
    }
  }

  if (r.task.description.empty())
    for (const auto& s : r.steps)
      if (s.role == "user" && !s.content.empty()) {
        r.task.description = s.content;
        break;
      }
  r.timestamp_start = span.first;
  r.timestamp_end = span.last;
  if (reader.truncated_tail()) r.lifecycle = "provisional";
  r.metadata["limitations"] = lims.to_json();
  schema::finalize(r);
  if (auto st = schema::validate(r); !st.ok()) {
    Error e = st.error();
    e.message = where + ": parsed record is invalid (" + e.message + ")";
    e.exit = ExitCode::kInternal;
    e.code = "PARSER_BUG";
    return e;
  }
  return r;
}

}  // namespace ot::parse::detail
