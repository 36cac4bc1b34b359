// Markdown for a PR body. Deterministic: no clock, no locale, every list sorted or in
// branch order, numbers formatted by hand.
#include <cstdio>

#include "engine/trails/pr_body.h"
#include "engine/version.h"

namespace ot::trails {

namespace {

std::string pct(int part, int whole) {
  if (whole <= 0) return "0.0%";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * part / whole);
  return buf;
}

std::string short_sha(const std::string& sha) { return sha.substr(0, 7); }
std::string short_trace(const std::string& t) { return "`t:" + t.substr(0, 8) + "`"; }

// Text safe inside a table cell or a heading: one line, no pipes, no raw HTML.
std::string inline_text(std::string_view s, size_t max_chars) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max_chars) break;
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == '|') out += "\\|";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '`') out += '\'';
    else out += c;
  }
  if (s.size() > max_chars) out += "…";
  return out;
}

// A quoted block of the user's words: at most 8 lines / 600 characters.
std::string quote_block(std::string_view s) {
  std::string text(s.substr(0, 600));
  std::string out;
  int lines = 0;
  size_t start = 0;
  while (start <= text.size() && lines < 8) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string esc;
    for (char c : line) {
      if (c == '<') esc += "&lt;";
      else if (c == '>') esc += "&gt;";
      else if (c != '\r') esc += c;
    }
    out += esc.empty() ? ">\n" : "> " + esc + "\n";
    ++lines;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (s.size() > text.size() || lines == 8) out += "> …\n";
  return out;
}

struct Section {
  std::string head;                // heading and lead text
  std::vector<std::string> items;  // rows or blocks that may be dropped from the end
  std::string tail;                // text after the items
  std::string empty_text;          // shown instead of items when there are none
  int dropped = 0;
  size_t size() const {
    size_t n = head.size() + tail.size() + 120;
    for (const auto& i : items) n += i.size();
    return n;
  }
  std::string render() const {
    std::string s = head;
    if (items.empty() && !empty_text.empty()) s += empty_text;
    for (const auto& i : items) s += i;
    if (dropped > 0)
      s += "\n_…and " + std::to_string(dropped) + " more not shown: GitHub limits a PR body to 65,536 characters._\n";
    s += tail;
    return s;
  }
};

std::string intent_block(const PrEvidence& e, const PrIntent& in, size_t n) {
  std::string title = in.instruction.empty() ? "Session " + short_trace(in.trace_id) + " (instruction not captured here)"
                                             : inline_text(in.instruction.substr(0, in.instruction.find('\n')), 90);
  std::string s = "### " + std::to_string(n) + ". " + title + "\n\n";
  if (!in.instruction.empty()) s += quote_block(in.instruction) + "\n";
  s += "- **Session** " + short_trace(in.trace_id) + " · " + in.agent + (in.model.empty() ? "" : " · " + in.model);
  if (in.first_step >= 0)
    s += in.first_step == in.last_step ? " · step " + std::to_string(in.first_step)
                                       : " · steps " + std::to_string(in.first_step) + "–" + std::to_string(in.last_step);
  s += "\n- **Files** ";
  bool first = true;
  for (const auto& [file, lines] : in.files) {
    s += (first ? "" : ", ") + std::string("`") + inline_text(file, 200) + "` (+" + std::to_string(lines) + ")";
    first = false;
  }
  s += "\n- **Commits** ";
  first = true;
  for (const auto& sha : in.commits) {
    std::string subject;
    for (const auto& c : e.commits)
      if (c.info.sha == sha) subject = c.info.subject;
    s += (first ? "" : "; ") + short_sha(sha) + " " + inline_text(subject, 72);
    first = false;
  }
  s += "\n- **At head** " + std::to_string(in.alive) + " of " + std::to_string(in.lines) + " lines unchanged";
  for (const auto& [st, n2] : in.survival)
    if (st != "alive") s += ", " + std::to_string(n2) + (st == "rewritten" ? " rewritten later" : " " + st);
  return s + "\n\n";
}

}  // namespace

PrBody render_pr_markdown(const PrEvidence& e, size_t limit) {
  int non_merge = 0, merges = 0;
  for (const auto& c : e.commits) (c.merge ? merges : non_merge)++;
  const int human = e.added - e.attributed;
  const bool evidence = e.attributed > 0 || !e.sessions.empty();

  std::vector<Section> sections;
  Section summary;
  summary.head = "<!-- opentraces:pr-body v1 -->\n## Summary\n\n**" + std::to_string(non_merge) + " commit" +
                 (non_merge == 1 ? "" : "s") + "**" +
                 (merges ? " (+" + std::to_string(merges) + " merge" + (merges == 1 ? "" : "s") + ")" : "") + " · **" +
                 std::to_string(e.files.size()) + " file" + (e.files.size() == 1 ? "" : "s") + "** · **+" +
                 std::to_string(e.added) + " lines added**";
  if (!evidence) {
    summary.head +=
        ".\n\n**No agent evidence.** None of these commits carries an opentraces note "
        "(`refs/notes/opentraces`), so no line is attributed to an agent session. If agents worked on this branch, "
        "fetch the notes (`git fetch origin refs/notes/opentraces:refs/notes/opentraces`) or anchor them with "
        "`git opentraces git-backfill`.\n\n";
  } else {
    summary.head += ": **" + std::to_string(e.attributed) + " by agents (" + pct(e.attributed, e.added) + ")**, " +
                    std::to_string(human) + " by humans or unattributed (" + pct(human, e.added) + ").\n\n" +
                    "| Written by | Model | Lines | Share | Sessions |\n|---|---|--:|--:|--:|\n";
    for (const auto& s : e.shares)
      summary.head += "| " + inline_text(s.agent, 40) + " | " + (s.model.empty() ? "—" : inline_text(s.model, 60)) +
                      " | " + std::to_string(s.lines) + " | " + pct(s.lines, e.added) + " | " +
                      std::to_string(s.sessions) + " |\n";
    summary.head += "| humans / unattributed | — | " + std::to_string(human) + " | " + pct(human, e.added) + " | — |\n\n";
  }
  sections.push_back(summary);

  if (evidence) {
    Section intents;
    intents.head = "## Changes by intent\n\nEach section is one instruction a person gave an agent, with what it produced "
                   "in this branch.\n\n";
    for (size_t i = 0; i < e.intents.size(); ++i) intents.items.push_back(intent_block(e, e.intents[i], i + 1));
    sections.push_back(intents);

    Section sessions;
    sessions.head = "## Sessions\n\n| Session | Agent | Model | Started | Steps | Lines here | Cost |\n"
                    "|---|---|---|---|--:|--:|--:|\n";
    for (const auto& s : e.sessions) {
      char cost[32] = "—";
      if (s.cost_usd) std::snprintf(cost, sizeof cost, "$%.2f", *s.cost_usd);
      sessions.items.push_back("| " + short_trace(s.trace_id) + " | " + inline_text(s.agent, 40) + " | " +
                               (s.model.empty() ? "—" : inline_text(s.model, 60)) + " | " +
                               (s.started.empty() ? "—" : inline_text(s.started, 30)) + " | " +
                               (s.steps < 0 ? "—" : std::to_string(s.steps)) + " | " + std::to_string(s.lines) +
                               " | " + cost + " |\n");
    }
    sessions.tail = "\n";
    sections.push_back(sessions);

    Section tests;
    tests.head = "## Tests seen in the sessions\n\n";
    tests.empty_text = "No test runs were seen in the captured sessions.\n";
    if (!e.tests.empty()) tests.head += "| Command | Runs | Last result | Session |\n|---|--:|---|---|\n";
    for (const auto& t : e.tests)
      tests.items.push_back("| `" + inline_text(t.command, 120) + "` | " + std::to_string(t.runs) + " | " +
                            (t.result == "passed" ? "✅ passed" : t.result == "failed" ? "❌ failed" : "unknown") + " | " +
                            short_trace(t.trace_id) + " |\n");
    tests.tail = "\n";
    sections.push_back(tests);

    Section risks;
    risks.head = "## Open risks\n\n";
    risks.empty_text = "None found in the trace evidence.\n";
    for (const auto& r : e.risks) risks.items.push_back("- " + r + "\n");
    risks.tail = "\n";
    sections.push_back(risks);
  }

  Section commits;
  commits.head = "## Commits\n\n| Commit | Subject | Added | By agents | Sessions |\n|---|---|--:|--:|---|\n";
  for (const auto& c : e.commits) {
    std::string traces;
    for (const auto& t : c.traces) traces += (traces.empty() ? "" : " ") + short_trace(t);
    commits.items.push_back("| " + short_sha(c.info.sha) + " | " + inline_text(c.info.subject, 72) + " | " +
                            (c.merge ? "merge" : "+" + std::to_string(c.added)) + " | " +
                            (c.merge ? "—" : std::to_string(c.attributed)) + " | " + (traces.empty() ? "—" : traces) +
                            " |\n");
  }
  commits.tail = "\n";
  sections.push_back(commits);

  if (!e.limitations.empty()) {
    Section lim;
    lim.head = "## Limitations\n\n";
    for (const auto& l : e.limitations) lim.items.push_back("- " + l + "\n");
    lim.tail = "\n";
    sections.push_back(lim);
  }

  std::string footer = "---\n<sub>Generated by git-opentraces " + std::string(OT_VERSION) +
                       " from trace evidence (`git opentraces trail pr render`) · scope `" +
                       e.scope_digest.substr(0, 19) + "` · base `" + inline_text(e.base_ref, 80) + "` @ " +
                       short_sha(e.merge_base) + " · head " + (e.branch.empty() ? "" : "`" + inline_text(e.branch, 80) + "` @ ") +
                       short_sha(e.head_sha) + "</sub>\n<!-- opentraces:scope " + e.scope_digest + " -->\n";

  PrBody body;
  auto total = [&] {
    size_t n = footer.size();
    for (const auto& s : sections) n += s.size();
    return n;
  };
  // Over the limit: drop rows from the end of the biggest section until it fits.
  while (total() > limit) {
    Section* biggest = nullptr;
    for (auto& s : sections)
      if (!s.items.empty() && (!biggest || s.size() > biggest->size())) biggest = &s;
    if (!biggest) break;
    biggest->items.pop_back();
    biggest->dropped++;
    body.truncated = true;
  }
  for (const auto& s : sections) body.markdown += s.render();
  body.markdown += footer;
  if (body.markdown.size() > limit) {  // only fixed text left: cut hard, keep the footer
    body.markdown = body.markdown.substr(0, limit > footer.size() + 1 ? limit - footer.size() - 1 : 0) + "\n" + footer;
    body.truncated = true;
  }
  return body;
}

json pr_evidence_to_json(const PrEvidence& e) {
  json j;
  j["scope"] = {{"base", e.base_ref},       {"base_sha", e.base_sha}, {"merge_base", e.merge_base},
                {"head", e.head_ref},       {"head_sha", e.head_sha}, {"branch", e.branch},
                {"digest", e.scope_digest}};
  int merges = 0;
  for (const auto& c : e.commits) merges += c.merge ? 1 : 0;
  json shares = json::array();
  for (const auto& s : e.shares)
    shares.push_back({{"agent", s.agent}, {"model", s.model}, {"lines", s.lines}, {"sessions", s.sessions}});
  j["summary"] = {{"commits", static_cast<int>(e.commits.size()) - merges},
                  {"merges", merges},
                  {"files", e.files.size()},
                  {"added_lines", e.added},
                  {"agent_lines", e.attributed},
                  {"human_lines", e.added - e.attributed},
                  {"agent_share", e.added ? static_cast<double>(e.attributed) / e.added : 0.0},
                  {"by_agent", shares}};
  json intents = json::array();
  for (const auto& in : e.intents)
    intents.push_back({{"trace_id", in.trace_id}, {"agent", in.agent}, {"model", in.model},
                       {"user_step", in.user_step < 0 ? json(nullptr) : json(in.user_step)},
                       {"instruction", in.instruction}, {"files", in.files}, {"commits", in.commits},
                       {"lines", in.lines}, {"alive_lines", in.alive}, {"survival", in.survival},
                       {"tiers", in.tiers}});
  j["intents"] = intents;
  json sessions = json::array();
  for (const auto& s : e.sessions)
    sessions.push_back({{"trace_id", s.trace_id}, {"agent", s.agent}, {"model", s.model}, {"started", s.started},
                        {"steps", s.steps < 0 ? json(nullptr) : json(s.steps)}, {"lines", s.lines},
                        {"estimated_cost_usd", s.cost_usd ? json(*s.cost_usd) : json(nullptr)},
                        {"provisional", s.provisional}});
  j["sessions"] = sessions;
  json tests = json::array();
  for (const auto& t : e.tests)
    tests.push_back({{"command", t.command}, {"trace_id", t.trace_id}, {"runs", t.runs}, {"last_result", t.result}});
  j["tests"] = tests;
  j["risks"] = e.risks;
  json commits = json::array();
  for (const auto& c : e.commits)
    commits.push_back({{"sha", c.info.sha}, {"subject", c.info.subject}, {"merge", c.merge}, {"added_lines", c.added},
                       {"agent_lines", c.attributed}, {"traces", c.traces}});
  j["commits"] = commits;
  j["limitations"] = e.limitations;
  return j;
}

}  // namespace ot::trails
