#include "engine/discovery/steps.h"

#include <set>

#include "engine/util/time.h"

namespace ot::discovery {

namespace {

std::string str_in(const json& input, const char* key) {
  if (!input.is_object()) return {};
  auto it = input.find(key);
  return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string call_command(const schema::ToolCall& c) {
  const std::string& n = c.tool_name;
  if (n == "Bash" || n == "bash" || n == "shell" || n == "local_shell" || n == "exec_command" || n == "container.exec" ||
      n == "run_shell_command") {
    std::string cmd = str_in(c.input, "command");
    if (cmd.empty()) cmd = str_in(c.input, "cmd");
    if (cmd.empty() && c.input.is_object() && c.input.contains("command") && c.input["command"].is_array()) {
      for (const auto& part : c.input["command"])
        if (part.is_string()) cmd += (cmd.empty() ? "" : " ") + part.get<std::string>();
    }
    return cmd;
  }
  return {};
}

ToolKind tool_kind(const schema::ToolCall& c) {
  const std::string& n = c.tool_name;
  if (n == "Skill") return ToolKind::kSkill;
  if (n == "Agent" || n == "Task") return ToolKind::kSubagent;
  if (n == "Read" || n == "read" || n == "NotebookRead" || n == "read_file" || n == "view") return ToolKind::kRead;
  if (n == "Write" || n == "Edit" || n == "MultiEdit" || n == "NotebookEdit" || n == "apply_patch" || n == "write" ||
      n == "edit")
    return ToolKind::kEdit;
  if (n == "Grep" || n == "Glob" || n == "grep" || n == "find" || n == "ls" || n == "LS") return ToolKind::kSearch;
  std::string cmd = call_command(c);
  if (!cmd.empty()) {
    if (cmd.find("apply_patch") != std::string::npos) return ToolKind::kEdit;
    return ToolKind::kShell;
  }
  return ToolKind::kOther;
}

std::string call_path(const schema::ToolCall& c) {
  std::string p = str_in(c.input, "file_path");
  if (p.empty()) p = str_in(c.input, "path");
  if (p.empty()) p = str_in(c.input, "notebook_path");
  return p;
}

std::string relative_to(std::string_view path, std::string_view root) {
  std::string p(path);
  if (root.empty() || p.empty()) return p;
  std::string r(root);
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  if (p.size() > r.size() && p.compare(0, r.size(), r) == 0 && p[r.size()] == '/') return p.substr(r.size() + 1);
  if (p == r) return ".";
  return p;
}

std::string preview(std::string_view text, size_t n) {
  std::string out;
  size_t chars = 0, i = 0;
  for (; i < text.size() && chars < n; ++chars) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > text.size()) len = text.size() - i;
    std::string_view ch = text.substr(i, len);
    if (ch == "\n" || ch == "\r" || ch == "\t") {
      if (out.empty() || out.back() != ' ') out.push_back(' ');
    } else {
      out.append(ch);
    }
    i += len;
  }
  if (i < text.size()) out += "…";
  return out;
}

const std::string& observation_text(const schema::Observation& o) {
  if (!o.content.empty()) return o.content;
  if (!o.output_summary.empty()) return o.output_summary;
  return o.error;
}

std::string record_root(const schema::TraceRecord& r) {
  return r.metadata.is_object() ? str_in(r.metadata, "cwd") : std::string();
}

Result<schema::TraceRecord> load_record(bucket::Bucket& bucket, std::string_view trace_id) {
  auto raw = bucket.get_record(trace_id);
  if (!raw.ok()) return raw.error();
  return schema::record_from_json(*raw);
}

json trace_overview(const schema::TraceRecord& r) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  for (const auto& p : r.patches)
    if (!p.file_path.empty() && seen.insert(p.file_path).second) files.push_back(p.file_path);
  json touched = json::array();
  for (size_t i = 0; i < files.size() && i < 12; ++i) touched.push_back(files[i]);

  std::string title = r.task.description.substr(0, r.task.description.find('\n'));
  std::string summary = r.outcome.description;
  if (summary.empty())
    for (auto it = r.steps.rbegin(); it != r.steps.rend(); ++it)
      if (it->role == "agent" && it->call_type == "main" && !it->content.empty()) {
        summary = it->content;
        break;
      }
  json duration = nullptr;
  if (r.metrics.total_duration_s) duration = *r.metrics.total_duration_s;
  else if (auto a = ms_from_iso(r.timestamp_start), b = ms_from_iso(r.timestamp_end); a && b)
    duration = static_cast<double>(*b - *a) / 1000.0;
  json outcome = {{"success", r.outcome.success ? json(*r.outcome.success) : json(nullptr)},
                  {"committed", r.outcome.committed},
                  {"terminal_state", r.outcome.terminal_state}};
  return {{"trace_id", r.trace_id},
          {"title", preview(title, 80)},
          {"summary", preview(summary, 240)},
          {"agent", {{"name", r.agent.name}, {"version", r.agent.version}, {"model", r.agent.model}}},
          {"step_count", r.steps.size()},
          {"timestamp_start", r.timestamp_start},
          {"timestamp_end", r.timestamp_end},
          {"outcome", outcome},
          {"files_touched", touched},
          {"files_touched_count", files.size()},
          {"duration_seconds", duration},
          {"committed", r.outcome.committed},
          {"commit_sha", r.outcome.commit_sha.empty() ? json(nullptr) : json(r.outcome.commit_sha)},
          {"refs",
           {{"trace", "ot://trace/" + r.trace_id},
            {"map", "ot://trace/" + r.trace_id + "/map"},
            {"card", "ot://trace/" + r.trace_id + "/card"}}}};
}

json step_card(const schema::TraceRecord& r, int step_index, const std::string& map_node_id) {
  const schema::Step& s = r.steps.at(static_cast<size_t>(step_index));
  std::string root = record_root(r);
  json calls = json::array();
  std::set<std::string> read, modified;
  for (const auto& c : s.tool_calls) {
    if (calls.size() < 8)
      calls.push_back({{"tool_name", c.tool_name}, {"tool_call_id", c.tool_call_id},
                       {"input_preview", preview(canonical_json(c.input), 120)}});
    if (tool_kind(c) == ToolKind::kRead && !call_path(c).empty()) read.insert(relative_to(call_path(c), root));
  }
  for (const auto& p : r.patches)
    if (p.step_index == step_index && !p.file_path.empty()) modified.insert(p.file_path);
  int64_t total = 0;
  json first_error = nullptr;
  for (const auto& o : s.observations) {
    total += static_cast<int64_t>(observation_text(o).size());
    if (first_error.is_null() && !o.error.empty()) first_error = preview(o.error, 240);
  }
  json usage = nullptr;
  if (s.token_usage)
    usage = {{"input_tokens", s.token_usage->input_tokens}, {"output_tokens", s.token_usage->output_tokens},
             {"cache_read_tokens", s.token_usage->cache_read_tokens},
             {"cache_write_tokens", s.token_usage->cache_write_tokens}};
  return {{"step_index", s.step_index},
          {"role", s.role},
          {"call_type", s.call_type},
          {"agent_role", s.agent_role.empty() ? json(nullptr) : json(s.agent_role)},
          {"model", s.model.empty() ? json(nullptr) : json(s.model)},
          {"timestamp", s.timestamp.empty() ? json(nullptr) : json(s.timestamp)},
          {"content_preview", preview(s.content, 240)},
          {"content_chars", s.content.size()},
          {"reasoning_present", !s.reasoning_content.empty()},
          {"tool_calls", calls},
          {"tool_call_count", s.tool_calls.size()},
          {"observations", {{"count", s.observations.size()}, {"total_chars", total}, {"first_error", first_error}}},
          {"token_usage", usage},
          {"context_node_id", s.context_node_id.empty() ? json(nullptr) : json(s.context_node_id)},
          {"map_node_id", map_node_id.empty() ? json(nullptr) : json(map_node_id)},
          {"files_modified", json(std::vector<std::string>(modified.begin(), modified.end()))},
          {"files_read", json(std::vector<std::string>(read.begin(), read.end()))}};
}

json step_next_steps(const std::string& trace_id, int step_index) {
  std::string at = trace_id + ":" + std::to_string(step_index);
  return json::array({"git opentraces ctx " + at, "git opentraces trail " + at,
                      "git opentraces trace slice " + trace_id + " --around-step " + std::to_string(step_index) +
                          " --radius 5"});
}

}  // namespace ot::discovery
