#include "engine/bucket/facts.h"

#include "engine/bucket/keys.h"
#include "engine/util/time.h"

namespace ot::bucket {

namespace {

std::string str_at(const json& obj, std::string_view key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

const json& at_or_null(const json& obj, std::string_view key) {
  static const json null_value;
  if (!obj.is_object()) return null_value;
  auto it = obj.find(key);
  return it == obj.end() ? null_value : *it;
}

// Index values are key components: bounded, no NUL.
void add_value(std::set<std::string>& set, std::string v) {
  if (v.empty()) return;
  for (char& c : v)
    if (c == '\0') c = ' ';
  if (v.size() > 512) v.resize(512);
  set.insert(std::move(v));
}

void add_skill(std::set<std::string>& skills, const json& s) {
  if (s.is_string()) add_value(skills, s.get<std::string>());
  else if (s.is_object()) add_value(skills, str_at(s, "name"));
}

}  // namespace

Status validate_trace_id(std::string_view id) {
  bool good = !id.empty() && id.size() <= 200 && id[0] != '.';
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-' || c == ':' || c == '@' || c == '+';
    if (!ok) good = false;
  }
  if (good) return ok_status();
  return make_error(ExitCode::kUsage, "INVALID_TRACE_ID", "bucket",
                    "trace id \"" + std::string(id.substr(0, 80)) + "\" is not usable (1-200 characters of A-Z a-z 0-9 . _ - : @ +)",
                    "trace ids are the agent's session id; check the record's trace_id");
}

std::string sanitize_project(std::string_view raw) {
  std::string out;
  bool dash = false;
  for (char c : raw) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (keep) {
      out.push_back(c);
      dash = false;
    } else if (!dash && !out.empty()) {
      out.push_back('-');
      dash = true;
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  if (out.size() > 100) out.resize(100);
  return out.empty() ? "_unassigned" : out;
}

Result<RecordFacts> extract_facts(const json& record, std::string_view project_override) {
  if (!record.is_object())
    return make_error(ExitCode::kUsage, "INVALID_RECORD", "bucket", "a trace record must be a JSON object",
                      "pass TraceRecord wire JSON (see docs/schema.md)");
  RecordFacts f;
  f.trace_id = str_at(record, "trace_id");
  if (f.trace_id.empty())
    return make_error(ExitCode::kUsage, "INVALID_RECORD", "bucket", "the trace record has no trace_id",
                      "pass TraceRecord wire JSON (see docs/schema.md)");
  OT_TRY_STATUS(validate_trace_id(f.trace_id));
  f.session_id = str_at(record, "session_id");
  const json& agent = at_or_null(record, "agent");
  f.agent = str_at(agent, "name");
  f.agent_version = str_at(agent, "version");
  f.model = str_at(agent, "model");
  add_value(f.models, f.model);
  const json& metadata = at_or_null(record, "metadata");
  f.cwd = str_at(metadata, "cwd");
  std::string project(project_override);
  if (project.empty()) project = str_at(metadata, "project_slug");
  if (project.empty()) project = str_at(metadata, "project_id");
  f.project = sanitize_project(project);
  f.title = str_at(at_or_null(record, "task"), "description");
  f.lifecycle = str_at(record, "lifecycle");
  if (f.lifecycle.empty()) f.lifecycle = "provisional";
  f.start_iso = str_at(record, "timestamp_start");
  f.end_iso = str_at(record, "timestamp_end");
  if (!f.start_iso.empty()) f.start_ms = ms_from_iso(f.start_iso);
  if (!f.end_iso.empty()) f.end_ms = ms_from_iso(f.end_iso);

  const json& steps = at_or_null(record, "steps");
  if (steps.is_array()) {
    f.step_count = static_cast<int>(steps.size());
    for (const json& step : steps) {
      add_value(f.models, str_at(step, "model"));
      const json& calls = at_or_null(step, "tool_calls");
      if (!calls.is_array()) continue;
      for (const json& call : calls) {
        std::string tool = str_at(call, "tool_name");
        add_value(f.tools, tool);
        if (tool == "Skill") {
          const json& input = at_or_null(call, "input");
          add_value(f.skills, str_at(input, "skill"));
          add_value(f.skills, str_at(input, "command"));
        }
      }
    }
  }
  if (f.model.empty() && !f.models.empty()) f.model = *f.models.begin();
  for (const json* skills : {&at_or_null(record, "skills"), &at_or_null(metadata, "skills")})
    if (skills->is_array())
      for (const json& s : *skills) add_skill(f.skills, s);

  const json& patches = at_or_null(record, "patches");
  if (patches.is_array()) {
    f.patch_count = static_cast<int>(patches.size());
    for (const json& p : patches) {
      add_value(f.files, str_at(p, "file_path"));
      add_value(f.commits, str_at(at_or_null(p, "anchor"), "commit_sha"));
    }
  }
  const json& attr_files = at_or_null(at_or_null(record, "attribution"), "files");
  if (attr_files.is_array())
    for (const json& af : attr_files) add_value(f.files, str_at(af, "path"));
  add_value(f.commits, str_at(at_or_null(record, "outcome"), "commit_sha"));
  const json& links = at_or_null(record, "git_links");
  if (links.is_array())
    for (const json& l : links) add_value(f.commits, str_at(l, "revision"));

  const json& security = at_or_null(record, "security");
  f.scanned = at_or_null(security, "scanned").is_boolean() && security["scanned"].get<bool>();
  const json& msec = at_or_null(metadata, "security");
  f.stale = at_or_null(msec, "stale").is_boolean() && msec["stale"].get<bool>();
  bool unsyncable = at_or_null(msec, "syncable").is_boolean() && !msec["syncable"].get<bool>();
  f.syncable = f.scanned && !unsyncable && !f.stale;
  f.security_version = str_at(msec, "security_version");
  f.privacy_tier = str_at(msec, "privacy_tier");
  const json& applied = at_or_null(msec, "tools_applied");
  if (applied.is_array())
    for (const json& t : applied)
      if (t.is_string()) f.tools_applied.push_back(t.get<std::string>());
  const json& open = at_or_null(msec, "open_findings");
  if (open.is_number_integer()) f.open_findings = open.get<int>();
  return f;
}

std::vector<std::string> index_keys(const RecordFacts& f, int64_t written_ms) {
  std::vector<std::string> out;
  const std::string& t = f.trace_id;
  out.push_back(keys::index("time", keys::pad(f.start_ms.value_or(written_ms), 13), t));
  out.push_back(keys::index("written", keys::pad(written_ms, 13), t));
  out.push_back(keys::index("project", f.project, t));
  if (!f.agent.empty()) out.push_back(keys::index("agent", f.agent, t));
  for (const auto& v : f.models) out.push_back(keys::index("model", v, t));
  for (const auto& v : f.files) out.push_back(keys::index("file", v, t));
  for (const auto& v : f.tools) out.push_back(keys::index("tool", v, t));
  for (const auto& v : f.skills) out.push_back(keys::index("skill", v, t));
  for (const auto& v : f.commits) out.push_back(keys::index("commit", v, t));
  return out;
}

json pointer_row(const RecordFacts& f, const std::string& record_hash, int generation,
                 const std::string& written_at) {
  json row = {{"trace_id", f.trace_id},
              {"session_id", f.session_id},
              {"project_slug", f.project},
              {"record_hash", record_hash},
              {"generation", generation},
              {"written_at", written_at},
              {"title", f.title},
              {"lifecycle", f.lifecycle},
              {"agent_name", f.agent},
              {"agent_version", f.agent_version},
              {"agent_model", f.model},
              {"cwd", f.cwd},
              {"step_count", f.step_count},
              {"patch_count", f.patch_count},
              {"scanned", f.scanned},
              {"syncable", f.syncable},
              {"security_stale", f.stale},
              {"security_version", f.security_version},
              {"privacy_tier", f.privacy_tier},
              {"tools_applied", f.tools_applied},
              {"open_findings", f.open_findings}};
  row["timestamp_start"] = f.start_iso.empty() ? json() : json(f.start_iso);
  row["timestamp_end"] = f.end_iso.empty() ? json() : json(f.end_iso);
  return row;
}

}  // namespace ot::bucket
