#include "engine/ctx/warmup.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "engine/discovery/run_intel.h"
#include "engine/project/config.h"
#include "engine/schema/record.h"
#include "engine/security/detectors.h"
#include "engine/security/policy.h"
#include "engine/security/sanitize.h"
#include "engine/util/fs.h"
#include "engine/util/hash.h"
#include "engine/util/paths.h"
#include "engine/util/time.h"

namespace ot::ctx {
namespace {

namespace fs = std::filesystem;

constexpr size_t kTextChars = 240;  // prompts and results are clipped to this many bytes
constexpr size_t kMaxFiles = 12, kMaxCommits = 6, kMaxThreads = 4;

// Cuts at a UTF-8 boundary at or before `max` bytes; adds "…" when cut.
std::string clip(std::string s, size_t max) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "…";
}

std::string first_user_prompt(const schema::TraceRecord& r) {
  for (const auto& s : r.steps)
    if (s.role == "user" && !s.content.empty() && s.call_type == "main") return s.content;
  return r.task.description;
}

std::string last_user_prompt(const schema::TraceRecord& r) {
  for (auto it = r.steps.rbegin(); it != r.steps.rend(); ++it)
    if (it->role == "user" && !it->content.empty() && it->call_type == "main") return it->content;
  return {};
}

std::string last_agent_text(const schema::TraceRecord& r) {
  for (auto it = r.steps.rbegin(); it != r.steps.rend(); ++it)
    if (it->role == "agent" && !it->content.empty() && it->call_type == "main") return it->content;
  return {};
}

// The transcript shows a `git commit` run at or after the step of the last patch (the
// record links no commit when the hook did not see it, e.g. a session ingested later).
bool commits_after_last_patch(const schema::TraceRecord& r) {
  int last_patch = -1;
  for (const auto& p : r.patches) last_patch = std::max(last_patch, p.step_index);
  for (const auto& s : r.steps) {
    if (s.step_index < last_patch) continue;
    for (const auto& tc : s.tool_calls)
      if (tc.input.dump().find("git commit") != std::string::npos) return true;
  }
  return false;
}

// Open threads: failures no later recovery answered, and work that was never committed.
std::vector<std::string> open_threads(const schema::TraceRecord& r) {
  std::vector<std::string> out;
  auto signals = discovery::run_intel(r);
  int last_recovery = -1;
  for (const auto& s : signals)
    if (s.kind == "recovery") last_recovery = std::max(last_recovery, s.step_index);
  for (const auto& s : signals)
    if (s.kind == "failure" && s.step_index > last_recovery && out.size() < kMaxThreads - 1)
      out.push_back("unrecovered failure at step " + std::to_string(s.step_index) + ": " + clip(s.reason, 160));
  bool committed = r.outcome.committed || !r.outcome.commit_sha.empty() || !r.git_links.empty() ||
                   commits_after_last_patch(r);
  if (!r.patches.empty() && !committed)
    out.push_back("edits not committed in this session; last request: " + clip(last_user_prompt(r), 160));
  if (r.outcome.success && !*r.outcome.success) out.push_back("outcome: not successful");
  return out;
}

// Commits the session made itself: `git commit` runs whose output names the new commit
// ("[main 1a2b3c4] subject"), in order — the record links none when no hook saw them.
std::vector<std::string> commits_from_tool_output(const schema::TraceRecord& r) {
  static const std::regex made(R"(\[[^\]\n]+ ([0-9a-f]{7,40})\] ([^\n]*))");
  std::vector<std::string> out;
  for (const auto& s : r.steps)
    for (const auto& tc : s.tool_calls) {
      if (tc.input.dump().find("git commit") == std::string::npos) continue;
      for (const auto& o : s.observations) {
        if (o.source_call_id != tc.tool_call_id) continue;
        for (std::sregex_iterator it(o.content.begin(), o.content.end(), made), end; it != end; ++it) {
          std::string c = (*it)[1].str() + " " + clip((*it)[2].str(), 60);
          if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
        }
      }
    }
  return out;
}

json summarize(const schema::TraceRecord& r, const json& row) {
  json e;
  e["trace_id"] = r.trace_id;
  e["agent"] = r.agent.name;
  e["model"] = r.agent.model.empty() ? json(row.value("agent_model", "")) : json(r.agent.model);
  e["started_at"] = r.timestamp_start.empty() ? json(row.value("written_at", "")) : json(r.timestamp_start);
  e["title"] = clip(row.value("title", ""), 100);
  e["did"] = clip(first_user_prompt(r), kTextChars);
  e["result"] = clip(last_agent_text(r), kTextChars);
  std::map<std::string, std::set<std::string>> files;
  for (const auto& p : r.patches) files[p.file_path].insert(p.operation.empty() ? "edit" : p.operation);
  json fl = json::array();
  for (const auto& [path, ops] : files) {
    std::string o;
    for (const auto& op : ops) o += (o.empty() ? "" : "+") + op;
    fl.push_back(path + " (" + o + ")");
  }
  e["files_total"] = fl.size();
  if (fl.size() > kMaxFiles) fl.erase(fl.begin() + kMaxFiles, fl.end());
  e["files"] = fl;
  std::vector<std::string> commits;
  auto add = [&](const std::string& c) {
    // The same commit may come as a linked sha and as "sha subject" from the tool output.
    for (const auto& have : commits)
      if (have.rfind(c.substr(0, 7), 0) == 0 || c.rfind(have.substr(0, 7), 0) == 0) return;
    commits.push_back(c);
  };
  for (const auto& c : commits_from_tool_output(r)) add(c);
  if (!r.outcome.commit_sha.empty()) add(r.outcome.commit_sha.substr(0, 12));
  for (const auto& g : r.git_links)
    if (!g.revision.empty()) add(g.revision.substr(0, 12));
  json cl = json::array();
  for (const auto& c : commits)
    if (cl.size() < kMaxCommits) cl.push_back(c);
  e["commits"] = cl;
  e["open_threads"] = open_threads(r);
  return e;
}

std::string render_block(const json& e) {
  // The title is usually the first prompt: shown only when "asked" does not already say it.
  std::string title = e.value("title", ""), did = e.value("did", "");
  std::string stem = title.size() >= 3 && title.compare(title.size() - 3, 3, "…") == 0 ? title.substr(0, title.size() - 3)
                                                                                       : title;
  bool same = !stem.empty() && did.rfind(stem, 0) == 0;
  std::string s = "## " + e.value("started_at", "").substr(0, 16) + " " + e.value("agent", "") +
                  (e.value("model", "").empty() ? "" : "/" + e.value("model", "")) +
                  (same || title.empty() ? "" : " — " + title) + "  [trace " + e.value("trace_id", "").substr(0, 12) +
                  "]\n";
  if (!e.value("did", "").empty()) s += "asked: " + e.value("did", "") + "\n";
  if (!e.value("result", "").empty()) s += "result: " + e.value("result", "") + "\n";
  if (!e["files"].empty()) {
    s += "files:";
    for (const auto& f : e["files"]) s += " " + f.get<std::string>() + ";";
    if (e.value("files_total", 0) > int(e["files"].size()))
      s += " +" + std::to_string(e.value("files_total", 0) - int(e["files"].size())) + " more";
    s += "\n";
  }
  if (!e["commits"].empty()) {
    s += "commits:";
    for (const auto& c : e["commits"]) s += " " + c.get<std::string>() + ";";
    s += "\n";
  }
  for (const auto& t : e["open_threads"]) s += "open: " + t.get<std::string>() + "\n";
  return s + "\n";
}

// The machine policy over a floor of regex, entropy and path_anonymizer: warmup output
// goes straight into another model's context, so it never shows a secret or the user
// name of a home path (/home/<user>, /Users/<user>), whatever the policy says.
Result<security::Policy> warmup_policy() {
  auto config = project::load_config();
  if (!config.ok()) return config.error();
  auto machine = security::policy_from_config(*config);
  if (!machine.ok()) return machine.error();
  std::set<std::string> tools = machine->enabled;
  for (const char* t : {"regex", "entropy", "path_anonymizer"}) tools.insert(t);
  std::string csv;
  for (const auto& t : tools)
    if (const auto* info = security::find_tool(t); info && security::tool_available(*info))
      csv += (csv.empty() ? "" : ",") + t;
  security::Tier tier = machine->tier < security::Tier::medium ? security::Tier::medium : machine->tier;
  return security::policy_for_tools(csv, *config, tier);
}

int64_t sort_ms(const json& row) {
  for (const char* k : {"timestamp_end", "timestamp_start", "written_at"})
    if (row.contains(k) && row[k].is_string())
      if (auto ms = ms_from_iso(row[k].get<std::string>())) return *ms;
  return 0;
}

}  // namespace

int64_t estimate_tokens(std::string_view text) { return int64_t((text.size() + 3) / 4); }

Result<ordered_json> warmup(bucket::Bucket& bucket, const WarmupOptions& o) {
  if (o.budget_tokens < 200 || o.budget_tokens > 200000)
    return make_error(ExitCode::kUsage, "BUDGET_TOO_SMALL", "ctx warmup",
                      "--budget-tokens " + std::to_string(o.budget_tokens) + " is outside 200..200000",
                      "give a budget of at least 200 tokens");
  // Every candidate row, newest first (rows are small; records load only for the page).
  std::vector<json> rows;
  bucket::ListOptions lo;
  lo.project = o.project;
  lo.since_ms = o.since_ms;
  lo.limit = 1000;
  for (;;) {
    auto page = bucket.list(lo);
    if (!page.ok()) return page.error();
    for (auto& row : page->rows) {
      if (!o.project && !o.cwd_prefix.empty()) {
        std::string cwd = row.value("cwd", "");
        if (cwd != o.cwd_prefix && cwd.rfind(o.cwd_prefix + "/", 0) != 0) continue;
      }
      rows.push_back(std::move(row));
    }
    if (page->next_cursor.empty()) break;
    lo.cursor = page->next_cursor;
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    int64_t ta = sort_ms(a), tb = sort_ms(b);
    if (ta != tb) return ta > tb;
    return a.value("trace_id", "") > b.value("trace_id", "");
  });
  size_t start = 0;
  bool cursor_lost = false;
  if (o.after == kWarmupEnd) {
    start = rows.size();
  } else if (!o.after.empty()) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const json& r) { return r.value("trace_id", "") == o.after; });
    if (it == rows.end()) cursor_lost = true;
    else start = size_t(it - rows.begin()) + 1;
  }

  auto policy = warmup_policy();
  if (!policy.ok()) return policy.error();
  std::string key;
  if (policy->enabled.count("path_anonymizer")) {
    auto k = security::load_or_create_path_key();
    if (!k.ok()) return k.error();
    key = std::move(k).value();
  }

  size_t total = rows.size();
  std::string head = "# Recent agent work" + (o.repository.empty() ? std::string() : " in " + o.repository) + "\n";
  std::string foot;
  std::string body;
  ordered_json traces = ordered_json::array();
  int redactions = 0;
  size_t shown = 0;
  std::string last_shown;
  int64_t budget_bytes = o.budget_tokens * 4;
  // Room for the header and footer lines written after the loop (their size is bounded).
  const int64_t reserve = int64_t(head.size()) + 260;
  for (size_t i = start; i < rows.size(); ++i) {
    std::string tid = rows[i].value("trace_id", "");
    auto rec = bucket.get_record(tid);
    if (!rec.ok()) continue;
    auto r = schema::record_from_json(*rec);
    if (!r.ok()) continue;
    auto clean = security::sanitize(summarize(*r, rows[i]), *policy, {.scope = tid, .path_key = key});
    if (!clean.ok()) return clean.error();
    redactions += clean->redactions;
    std::string block = render_block(clean->value);
    bool truncated = false;
    if (int64_t(body.size() + block.size()) + reserve > budget_bytes) {
      if (shown > 0) break;
      // The newest trace alone is larger than the budget: show what fits of it.
      int64_t room = budget_bytes - reserve - int64_t(body.size());
      if (room < 80) break;
      block = clip(block, size_t(room - 4)) + "\n\n";
      truncated = true;
    }
    body += block;
    ordered_json e = ordered_json(clean->value);
    e["estimated_tokens"] = estimate_tokens(block);
    e["truncated"] = truncated;
    traces.push_back(e);
    ++shown;
    last_shown = tid;
  }
  bool has_more = start + shown < total;
  // The token of the next page: after the last trace shown; the end marker when none is left.
  std::string next = !has_more ? std::string(kWarmupEnd) : shown > 0 ? last_shown : o.after;
  head += "traces " + std::to_string(total == 0 ? 0 : start + 1) + "–" + std::to_string(start + shown) + " of " +
          std::to_string(total) + ", newest first; secrets redacted\n\n";
  if (total == 0) foot = "No captured traces for this repository yet.\n";
  else if (shown == 0 && start >= total) foot = "No older traces: that was all of them.\n";
  foot += "Inspect one: git opentraces trace get <trace>   Search: git opentraces trace query <words>\n";
  if (has_more) foot += "Older traces: git opentraces ctx warmup --more\n";
  std::string text = head + body + foot;

  ordered_json out;
  out["scope"] = {{"project", o.project ? ordered_json(*o.project) : ordered_json(nullptr)},
                  {"cwd_prefix", o.cwd_prefix.empty() ? ordered_json(nullptr) : ordered_json(o.cwd_prefix)},
                  {"repository", o.repository.empty() ? ordered_json(nullptr) : ordered_json(o.repository)}};
  out["budget_tokens"] = o.budget_tokens;
  out["estimated_tokens"] = estimate_tokens(text);
  out["token_estimate"] = "ceil(utf8_bytes / 4)";
  out["page"] = {{"after", o.after.empty() ? ordered_json(nullptr) : ordered_json(o.after)},
                 {"cursor_lost", cursor_lost},
                 {"offset", start},
                 {"shown", shown},
                 {"total", total},
                 {"has_more", has_more},
                 {"next_page_token", has_more ? ordered_json(next) : ordered_json(nullptr)}};
  out["saved_page_token"] = next;
  out["redactions"] = redactions;
  out["tools_applied"] = policy->effective_tools();
  out["traces"] = traces;
  out["text"] = text;
  return out;
}

std::string warmup_scope_key(const WarmupOptions& o) {
  json k = {{"project", o.project ? json(*o.project) : json(nullptr)},
            {"cwd", o.cwd_prefix},
            {"since", o.since_ms ? json(*o.since_ms) : json(nullptr)}};
  return sha256_hex(k.dump()).substr(0, 24);
}

std::optional<std::string> load_warmup_cursor(const std::string& scope_key) {
  auto text = read_file(ot_home() / "ctx" / "warmup" / (scope_key + ".json"));
  if (!text.ok()) return std::nullopt;
  auto j = json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("next_page_token") || !j["next_page_token"].is_string()) return std::nullopt;
  return j["next_page_token"].get<std::string>();
}

Status save_warmup_cursor(const std::string& scope_key, const std::string& next_token) {
  fs::path dir = ot_home() / "ctx" / "warmup";
  OT_TRY_STATUS(ensure_dir(dir, 0700));
  json j = {{"next_page_token", next_token.empty() ? json(nullptr) : json(next_token)}, {"saved_at", utc_now_iso()}};
  return write_file_atomic(dir / (scope_key + ".json"), j.dump() + "\n", 0600);
}

}  // namespace ot::ctx
