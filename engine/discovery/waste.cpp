#include "engine/discovery/waste.h"

#include <deque>
#include <map>
#include <regex>

#include "engine/discovery/steps.h"
#include "engine/util/hash.h"
#include "engine/util/time.h"

namespace ot::discovery {

namespace {

WasteFinding finding(const std::string& trace, std::string pattern, std::string severity, double confidence,
                     std::string reason, int step, std::string node, json evidence) {
  WasteFinding f;
  f.finding_id = sha256_hex(trace + ":" + std::to_string(step) + ":" + node + ":" + pattern).substr(0, 16);
  f.pattern = std::move(pattern);
  f.severity = std::move(severity);
  f.confidence = confidence;
  f.reason = std::move(reason);
  f.step_index = step;
  f.node_id = std::move(node);
  f.evidence = std::move(evidence);
  return f;
}

std::string search_family(const schema::ToolCall& c) {
  if (c.tool_name == "Grep" || c.tool_name == "grep") return "grep";
  if (c.tool_name == "Glob" || c.tool_name == "find") return "find";
  std::string cmd = call_command(c);
  if (cmd.empty()) return {};
  static const std::regex word(R"((^|[\s;&|(`])(rg|grep|egrep|fgrep|find|ag|ack)(\s|$))");
  std::smatch m;
  if (std::regex_search(cmd, m, word)) return m.str(2);
  return {};
}

}  // namespace

json WasteThresholds::to_json() const {
  return {{"large_output_chars", large_output_chars},
          {"file_read_window_minutes", file_read_window_minutes},
          {"file_read_repeat_threshold", file_read_repeat_threshold},
          {"search_window_minutes", search_window_minutes},
          {"search_repeat_threshold", search_repeat_threshold}};
}

json WasteFinding::to_json() const {
  return {{"finding_id", finding_id}, {"kind", "context_waste"}, {"pattern", pattern},
          {"severity", severity},     {"confidence", confidence},  {"reason", reason},
          {"step_index", step_index}, {"node_id", node_id},        {"evidence", evidence}};
}

bool is_search_command(std::string_view command) {
  schema::ToolCall c;
  c.tool_name = "Bash";
  c.input = {{"command", std::string(command)}};
  return !search_family(c).empty();
}

int64_t output_chars(const schema::Observation& o, bool* persisted) {
  const std::string& text = observation_text(o);
  int64_t n = static_cast<int64_t>(text.size());
  if (persisted) *persisted = false;
  static const std::regex declared(R"(Output too large \(([0-9]+(\.[0-9]+)?)\s*(B|KB|MB)\))");
  std::smatch m;
  if (text.size() < 65536 && std::regex_search(text, m, declared)) {
    double v = std::stod(m.str(1));
    std::string unit = m.str(3);
    int64_t bytes = static_cast<int64_t>(v * (unit == "MB" ? 1024.0 * 1024.0 : unit == "KB" ? 1024.0 : 1.0));
    if (bytes > n) {
      n = bytes;
      if (persisted) *persisted = true;
    }
  }
  return n;
}

WasteReport context_waste(const schema::TraceRecord& r, const WasteThresholds& t) {
  WasteReport out;
  const std::string& tid = r.trace_id;
  std::string root = record_root(r);
  std::map<std::string, const schema::ToolCall*> calls;
  for (const auto& s : r.steps)
    for (const auto& c : s.tool_calls) calls[c.tool_call_id] = &c;

  std::map<std::string, std::deque<int64_t>> reads;  // path → times of earlier reads
  std::deque<int64_t> searches;                      // times of earlier searches
  int64_t clock = 0;
  bool approximate = false;
  const int64_t read_window = int64_t{t.file_read_window_minutes} * 60000;
  const int64_t search_window = int64_t{t.search_window_minutes} * 60000;

  for (const auto& s : r.steps) {
    if (auto ms = ms_from_iso(s.timestamp)) {
      clock = *ms;
    } else {
      approximate = true;  // keep the previous step's clock
    }
    for (const auto& c : s.tool_calls) {
      ToolKind kind = tool_kind(c);
      if (kind == ToolKind::kRead && !call_path(c).empty()) {
        std::string path = relative_to(call_path(c), root);
        auto& times = reads[path];
        while (!times.empty() && clock - times.front() > read_window) times.pop_front();
        int earlier = static_cast<int>(times.size());
        if (earlier >= t.file_read_repeat_threshold - 1)
          out.findings.push_back(finding(
              tid, "repeated_file_read", "medium", 0.78,
              path + " read " + std::to_string(earlier + 1) + " times within " +
                  std::to_string(t.file_read_window_minutes) + " min",
              s.step_index, "tu:" + tid + ":tool:" + c.tool_call_id,
              {{"file_path", path}, {"read_count", earlier + 1}, {"window_minutes", t.file_read_window_minutes}}));
        times.push_back(clock);
      }
      std::string family = search_family(c);
      if (!family.empty()) {
        while (!searches.empty() && clock - searches.front() > search_window) searches.pop_front();
        int earlier = static_cast<int>(searches.size());
        if (earlier >= t.search_repeat_threshold - 1)
          out.findings.push_back(finding(
              tid, "repeated_search", "low", 0.7,
              std::to_string(earlier + 1) + " searches within " + std::to_string(t.search_window_minutes) + " min",
              s.step_index, "tu:" + tid + ":tool:" + c.tool_call_id,
              {{"command_family", family}, {"search_count", earlier + 1}, {"window_minutes", t.search_window_minutes}}));
        searches.push_back(clock);
      }
    }
    for (const auto& o : s.observations) {
      bool persisted = false;
      int64_t n = output_chars(o, &persisted);
      if (n < t.large_output_chars) continue;
      auto it = calls.find(o.source_call_id);
      std::string tool = it == calls.end() ? "" : it->second->tool_name;
      json ev = {{"output_chars", n}, {"source_call_id", o.source_call_id}, {"tool_name", tool}};
      if (persisted) ev["persisted_by_agent"] = true;
      out.findings.push_back(finding(tid, "large_output", "medium", 0.8,
                                     "one output of " + std::to_string(n) + " characters (threshold " +
                                         std::to_string(t.large_output_chars) + ")",
                                     s.step_index, "tu:" + tid + ":observation:" + o.source_call_id, ev));
    }
  }
  if (approximate) out.limitations.push_back("missing_timestamps_window_checks_approximate");
  return out;
}

json context_waste_json(const schema::TraceRecord& r, const WasteThresholds& t, const WasteReport& report) {
  json findings = json::array();
  int large = 0, reads = 0, searches = 0;
  for (const auto& f : report.findings) {
    findings.push_back(f.to_json());
    if (f.pattern == "large_output") ++large;
    else if (f.pattern == "repeated_file_read") ++reads;
    else ++searches;
  }
  bool otel = false;
  if (r.context_tree_summary.is_object() && r.context_tree_summary.contains("capture_methods"))
    for (const auto& m : r.context_tree_summary["capture_methods"])
      if (m == "otel") otel = true;
  return {{"trace_id", r.trace_id},
          {"fidelity", otel ? "otel" : "record"},
          {"thresholds", t.to_json()},
          {"findings", findings},
          {"summary",
           {{"context_waste_count", report.findings.size()},
            {"large_output_count", large},
            {"repeated_file_read_count", reads},
            {"repeated_search_count", searches}}},
          {"limitations", report.limitations}};
}

}  // namespace ot::discovery
