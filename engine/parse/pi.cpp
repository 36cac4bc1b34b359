// Pi sessions: a header line {type:"session", id, cwd, timestamp, version} and entries
// {type, id, parentId, timestamp, ...} forming a tree. The trajectory is the active
// branch: the path from the last entry back to the root. Entries off that path
// (abandoned branches) are counted in metadata.pi, not turned into steps.
//
// Two passes over the stream keep memory bounded: the first collects only ids and
// parents, the second builds steps from the entries on the active path.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "engine/parse/common.h"
#include "engine/parse/session.h"

namespace ot::parse {

namespace fs = std::filesystem;
using namespace detail;
using schema::Step;

namespace {

constexpr size_t kErrorChars = 1000;

void add_text(std::string& dst, const std::string& text) {
  if (text.empty()) return;
  if (!dst.empty()) dst += "\n";
  dst += text;
}

}  // namespace

Result<schema::TraceRecord> parse_pi(std::istream& in, const fs::path& source) {
  const std::string where = source.empty() ? "<stream>" : source.string();
  // Pass 1: the tree.
  std::unordered_map<std::string, std::string> parent;
  std::string leaf;
  {
    Limitations scratch;
    JsonlReader r1(in, scratch);
    json line;
    while (r1.next(line, true)) {
      std::string id = get_str(line, "id");
      if (id.empty() || get_str(line, "type") == "session") continue;
      parent[id] = get_str(line, "parentId");
      leaf = id;
    }
  }
  std::unordered_set<std::string> active;
  for (std::string at = leaf; !at.empty() && !active.count(at);) {
    active.insert(at);
    auto it = parent.find(at);
    at = it == parent.end() ? std::string() : it->second;
  }
  json branch_roots = json::array();
  size_t abandoned = 0;
  for (const auto& [id, par] : parent) {
    if (active.count(id)) continue;
    ++abandoned;
    if (par.empty() || active.count(par)) branch_roots.push_back(id);
  }
  std::sort(branch_roots.begin(), branch_roots.end());

  in.clear();
  in.seekg(0);
  schema::TraceRecord r;
  r.agent.name = "pi";
  Limitations lims;
  TimeSpan span;
  CallIndex calls;
  size_t recognised = 0;
  std::string model, provider;
  double cost = 0;
  bool have_cost = false;
  json thinking = json::array(), compactions = json::array(), pi_meta = json::object();
  JsonlReader reader(in, lims);
  json line;
  while (reader.next(line)) {
    std::string type = get_str(line, "type");
    std::string id = get_str(line, "id");
    std::string ts = get_str(line, "timestamp");
    if (type == "session") {
      ++recognised;
      span.see(ts);
      if (r.trace_id.empty()) r.trace_id = id;
      if (!get_str(line, "cwd").empty() && !r.metadata.contains("cwd")) r.metadata["cwd"] = get_str(line, "cwd");
      if (line.contains("version")) pi_meta["session_version"] = line["version"];
      if (!get_str(line, "parentSession").empty()) pi_meta["parent_session"] = get_str(line, "parentSession");
      continue;
    }
    static const std::unordered_set<std::string> known = {
        "message", "model_change", "thinking_level_change", "compaction", "branch_summary",
        "custom", "custom_message", "label", "session_info"};
    if (!known.count(type)) {
      lims.add("unknown_line_type", "a line of an unknown type was skipped: \"" + type + "\"", reader.line_no());
      continue;
    }
    ++recognised;
    if (!active.count(id)) continue;  // abandoned branch
    span.see(ts);
    if (type == "model_change") {
      model = get_str(line, "modelId");
      provider = get_str(line, "provider");
    } else if (type == "thinking_level_change") {
      thinking.push_back(get_str(line, "thinkingLevel"));
    } else if (type == "compaction" || type == "branch_summary") {
      compactions.push_back({{"type", type}, {"timestamp", ts}, {"summary", get_str(line, "summary")}, {"before_step", r.steps.size()}});
    } else if (type == "message") {
      const json& msg = get_obj(line, "message");
      std::string role = get_str(msg, "role");
      const json& content = get_any(msg, "content");
      if (role == "user") {
        std::string text = text_of(content);
        if (!text.empty()) add_user_step(r, std::move(text), ts);
      } else if (role == "assistant") {
        Step s;
        s.role = "agent";
        s.timestamp = ts;
        s.model = get_str(msg, "model");
        if (s.model.empty()) s.model = model;
        r.steps.push_back(std::move(s));
        size_t pos = r.steps.size() - 1;
        Step& st = r.steps[pos];
        if (content.is_string()) add_text(st.content, content.get<std::string>());
        if (content.is_array()) {
          for (const auto& b : content) {
            std::string bt = get_str(b, "type");
            if (bt == "text") add_text(st.content, get_str(b, "text"));
            else if (bt == "thinking") add_text(st.reasoning_content, get_str(b, "thinking"));
            else if (bt == "toolCall") {
              schema::ToolCall c;
              c.tool_call_id = get_str(b, "id");
              c.tool_name = get_str(b, "name");
              if (c.tool_name.empty()) c.tool_name = "unknown";
              c.input = b.contains("arguments") ? b["arguments"] : json::object();
              calls.by_id[c.tool_call_id] = {pos, st.tool_calls.size(), ts};
              st.tool_calls.push_back(std::move(c));
            }
          }
        }
        const json& u = get_obj(msg, "usage");
        if (u.is_object()) {
          schema::TokenUsage t;
          t.input_tokens = get_int(u, "input");
          t.output_tokens = get_int(u, "output");
          t.cache_read_tokens = get_int(u, "cacheRead");
          t.cache_write_tokens = get_int(u, "cacheWrite");
          st.token_usage = t;
          const json& c = get_obj(u, "cost");
          if (c.contains("total") && c["total"].is_number()) {
            cost += c["total"].get<double>();
            have_cost = true;
          }
        }
        std::string stop = get_str(msg, "stopReason");
        if (!stop.empty()) r.outcome.terminal_state = stop;
      } else if (role == "toolResult") {
        schema::Observation o;
        o.content = text_of(content);
        if (get_bool(msg, "isError")) o.error = o.content.empty() ? "error" : o.content.substr(0, kErrorChars);
        attach_observation(r, calls, get_str(msg, "toolCallId"), std::move(o), ts,
                           r.steps.empty() ? 0 : r.steps.size() - 1);
      } else if (role == "bashExecution") {
        // a command the user ran with `!`: keep it visible as a user step
        std::string cmd = get_str(msg, "command");
        if (!cmd.empty()) add_user_step(r, "!" + cmd, ts);
      }
    }
  }
  if (!provider.empty()) pi_meta["provider"] = provider;
  pi_meta["thinking_levels"] = thinking;
  pi_meta["abandoned_entry_count"] = abandoned;
  pi_meta["abandoned_branch_roots"] = branch_roots;
  pi_meta["leaf_id"] = leaf.empty() ? json(nullptr) : json(leaf);
  r.metadata["pi"] = pi_meta;
  if (!compactions.empty()) r.metadata["compactions"] = compactions;
  r.metadata["skills_invoked"] = json::array();
  r.metadata["subagents"] = json::array();
  if (!source.empty()) r.metadata["source_file"] = source.filename().string();
  if (have_cost) r.metrics.extra["reported_cost_usd"] = cost;
  return finish(std::move(r), span, lims, reader, recognised, where);
}

}  // namespace ot::parse
