#include "engine/discovery/skills.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "engine/discovery/steps.h"

namespace ot::discovery {

namespace {

// Claude Code's own slash commands are not skills.
bool builtin_command(const std::string& name) {
  static const std::set<std::string> builtins = {
      "add-dir", "agents", "bug", "clear", "compact", "config", "context", "cost", "doctor", "exit", "export",
      "help", "hooks", "ide", "init", "install-github-app", "login", "logout", "mcp", "memory", "model",
      "output-style", "permissions", "pr-comments", "resume", "rewind", "status",
      "statusline", "terminal-setup", "todos", "upgrade", "usage", "vim", "quit"};
  return builtins.count(name) > 0;
}

}  // namespace

std::vector<SkillUse> skills_in(const schema::TraceRecord& r) {
  std::vector<SkillUse> out;
  std::set<std::string> seen_calls;
  for (const auto& s : r.steps) {
    for (const auto& c : s.tool_calls) {
      if (c.tool_name != "Skill" || !c.input.is_object()) continue;
      std::string name = c.input.value("skill", c.input.value("command", std::string()));
      if (!name.empty() && name[0] == '/') name.erase(0, 1);
      if (name.empty() || !seen_calls.insert(c.tool_call_id).second) continue;
      out.push_back({name, "skill_tool", s.step_index, c.tool_call_id, s.timestamp});
    }
    if (s.role != "user") continue;
    static const std::regex slash(R"(<command-name>/?([A-Za-z0-9_:.-]+)</command-name>)");
    static const std::regex pi_cmd(R"(^\s*/skill:([A-Za-z0-9_.-]+))");
    static const std::regex pi_block(R"re(<skill name="([A-Za-z0-9_.:-]+)")re");
    std::smatch m;
    std::set<std::string> here;  // one use per step, whichever marker shows it
    if (std::regex_search(s.content, m, slash) && !builtin_command(m.str(1)) && here.insert(m.str(1)).second)
      out.push_back({m.str(1), "slash_command", s.step_index, "", s.timestamp});
    for (const std::regex* re : {&pi_cmd, &pi_block})
      if (std::regex_search(s.content, m, *re) && here.insert(m.str(1)).second)
        out.push_back({m.str(1), "pi_skill", s.step_index, "", s.timestamp});
  }
  // Skills the parser saw that no step shows (e.g. a trimmed transcript).
  if (r.metadata.is_object() && r.metadata.contains("skills_invoked") && r.metadata["skills_invoked"].is_array())
    for (const auto& k : r.metadata["skills_invoked"]) {
      if (!k.is_object()) continue;
      std::string name = k.value("name", ""), call = k.value("tool_call_id", "");
      if (name.empty() || (!call.empty() && seen_calls.count(call))) continue;
      if (!call.empty()) seen_calls.insert(call);
      out.push_back({name, "skill_tool", -1, call, ""});
    }
  return out;
}

Result<json> rank_skills(bucket::Bucket& bucket, const SkillOptions& opts) {
  struct Stat {
    int invocations = 0;
    std::set<std::string> traces, sources;
    std::string last_used;
  };
  std::map<std::string, Stat> stats;
  bucket::ListOptions lo;
  lo.project = opts.project;
  lo.since_ms = opts.since_ms;
  lo.limit = 1000;
  int64_t scanned = 0;
  for (;;) {
    auto page = bucket.list(lo);
    if (!page.ok()) return page.error();
    for (const auto& row : page->rows) {
      std::string id = row.value("trace_id", "");
      auto rec = load_record(bucket, id);
      if (!rec.ok()) continue;  // an unreadable record is verify's business, not a ranking's
      ++scanned;
      for (const auto& use : skills_in(*rec)) {
        if (opts.skill && use.skill != *opts.skill) continue;
        Stat& st = stats[use.skill];
        st.invocations++;
        st.traces.insert(id);
        st.sources.insert(use.source);
        std::string when = use.timestamp.empty() ? rec->timestamp_end : use.timestamp;
        st.last_used = std::max(st.last_used, when);
      }
    }
    if (page->next_cursor.empty()) break;
    lo.cursor = page->next_cursor;
  }
  std::vector<std::pair<std::string, Stat>> ranked(stats.begin(), stats.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second.invocations != b.second.invocations) return a.second.invocations > b.second.invocations;
    if (a.second.traces.size() != b.second.traces.size()) return a.second.traces.size() > b.second.traces.size();
    return a.first < b.first;
  });
  int total = 0;
  for (const auto& [k, s] : ranked) total += s.invocations;
  json skills = json::array();
  int limit = std::max(1, opts.limit);
  for (size_t i = 0; i < ranked.size() && static_cast<int>(i) < limit; ++i) {
    const auto& [name, s] = ranked[i];
    std::vector<std::string> ids(s.traces.begin(), s.traces.end());
    if (ids.size() > 10) ids.resize(10);
    skills.push_back({{"skill", name},
                      {"invocations", s.invocations},
                      {"traces", s.traces.size()},
                      {"sources", std::vector<std::string>(s.sources.begin(), s.sources.end())},
                      {"last_used", s.last_used.empty() ? json(nullptr) : json(s.last_used)},
                      {"trace_ids", ids}});
  }
  return json{{"total_skills", ranked.size()},
              {"total_invocations", total},
              {"limit", limit},
              {"has_more", static_cast<int>(ranked.size()) > limit},
              {"next_page_token", nullptr},
              {"traces_scanned", scanned},
              {"skills", skills}};
}

}  // namespace ot::discovery
