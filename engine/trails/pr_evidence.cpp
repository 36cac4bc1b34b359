// Gathers what a PR body says: commits in merge-base(base, head)..head, their notes,
// survival of the attributed lines at head, and (when the bucket has them) the traces.
#include <algorithm>
#include <regex>

#include "engine/discovery/run_intel.h"
#include "engine/trails/blame.h"
#include "engine/trails/pr_body.h"
#include "engine/trails/survival.h"
#include "engine/util/hash.h"
#include "engine/version.h"
#include "notes/history.h"
#include "notes/notes_store.h"

namespace ot::trails {

namespace {

std::string trim(std::string s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

// The shell command of a tool call, whatever the agent called the field.
std::string command_of(const schema::ToolCall& c) {
  for (const char* k : {"command", "cmd"}) {
    if (!c.input.contains(k)) continue;
    const json& v = c.input[k];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {  // Codex: ["bash", "-lc", "pytest -q"]
      std::string joined;
      for (const auto& part : v)
        if (part.is_string()) joined += (joined.empty() ? "" : " ") + part.get<std::string>();
      if (joined.rfind("bash -lc ", 0) == 0) joined = joined.substr(9);
      return joined;
    }
  }
  return {};
}

const std::regex& test_runner() {
  static const std::regex re(
      R"((^|[\s;&|(])(pytest|py\.test|python3? -m (pytest|unittest)|(npm|pnpm|yarn|bun) (run )?test|npx (jest|vitest)|jest|vitest|go test|cargo test|ctest|make (check|test)|mvn test|gradle test|\./gradlew test|rspec|bundle exec rspec|phpunit|tox|nox|deno test|dotnet test|mix test|(python3?|node|ruby|bash|sh) \S*(test_\w+|\w+_test|\w+\.test)\.(py|js|mjs|ts|rb|sh))\b)");
  return re;
}

// passed | failed | unknown, from the observation of the call.
std::string test_result(const schema::Observation* o) {
  if (!o) return "unknown";
  if (!o->error.empty()) return "failed";
  static const std::regex exit_code(R"((exit(ed)?( with)? code|Exit code:?|exit status)\s*(\d+))", std::regex::icase);
  std::smatch m;
  if (std::regex_search(o->content, m, exit_code)) return m[4] == "0" ? "passed" : "failed";
  static const std::regex failed(R"(\b(\d+ failed|FAILED|FAIL:|failures?: [1-9]|Error:|error\[|Traceback))");
  if (std::regex_search(o->content, failed)) return "failed";
  static const std::regex passed(R"(\b(\d+ passed|passed|OK\b|ok\s|All tests passed|100% tests passed))");
  if (std::regex_search(o->content, passed)) return "passed";
  return "unknown";
}

}  // namespace

std::vector<PrTestRun> tests_seen(const schema::TraceRecord& r) {
  std::map<std::string, const schema::Observation*> obs;
  for (const auto& s : r.steps)
    for (const auto& o : s.observations)
      if (!o.source_call_id.empty()) obs[o.source_call_id] = &o;
  std::vector<PrTestRun> out;
  std::map<std::string, size_t> index;
  for (const auto& s : r.steps) {
    for (const auto& c : s.tool_calls) {
      std::string cmd = trim(command_of(c));
      if (cmd.empty() || !std::regex_search(cmd, test_runner())) continue;
      if (cmd.size() > 120) cmd = cmd.substr(0, 117) + "...";
      auto it = obs.find(c.tool_call_id);
      std::string result = test_result(it == obs.end() ? nullptr : it->second);
      auto [pos, fresh] = index.emplace(cmd, out.size());
      if (fresh) out.push_back({cmd, r.trace_id, result, 0});
      PrTestRun& t = out[pos->second];
      t.result = result;  // the last run decides
      t.runs++;
    }
  }
  return out;
}

Result<PrEvidence> gather_pr_evidence(const git::Repo& repo, const PrScopeOptions& options, const TraceLoader& load) {
  PrEvidence e;
  e.head_ref = options.head.empty() ? "HEAD" : options.head;
  auto head = git::resolve_commit(repo, e.head_ref);
  if (!head.ok()) return head.error();
  e.head_sha = *head;
  e.branch = git::branch_name(repo, e.head_ref);
  e.base_ref = options.base.empty() ? git::default_base_branch(repo) : options.base;
  if (e.base_ref.empty())
    return make_error(ExitCode::kUsage, "NO_BASE_BRANCH", "trail",
                      "cannot tell which branch this PR targets (no origin/HEAD, main or master)",
                      "pass --base <branch>");
  auto base = git::resolve_commit(repo, e.base_ref);
  if (!base.ok()) {
    Error err = base.error();
    err.exit = ExitCode::kUsage;  // a bad --base is a usage error, like a bad flag
    err.hint = "pass --base <branch> naming an existing branch or commit";
    return err;
  }
  e.base_sha = *base;
  auto mb = git::merge_base(repo, e.base_sha, e.head_sha);
  if (!mb.ok()) return mb.error();
  e.merge_base = *mb;

  git::LogOptions lo;
  lo.max_commits = 0;
  lo.first_parent = false;
  lo.hide = e.merge_base;
  auto log = git::log_commits(repo, e.head_sha, lo);
  if (!log.ok()) return log.error();
  std::vector<git::CommitInfo> commits(log->rbegin(), log->rend());  // oldest first

  std::string digest_input = "opentraces.pr_scope.v1\n" + std::string(OT_VERSION) + "\n" + e.base_ref + " " +
                             e.base_sha + "\n" + e.merge_base + "\n" + e.head_sha + "\n";
  struct Anchored {
    std::string commit;
    Fact fact;
    int lines = 0;  // added lines of the commit this fact owns
  };
  std::vector<Anchored> anchored;
  std::set<std::string> trace_ids;  // traces named by the facts that own added lines
  for (const auto& c : commits) {
    PrCommit pc;
    pc.info = c;
    pc.merge = c.parents.size() > 1;
    auto note = git::read_note(repo, c.sha);
    digest_input += c.sha + " " + (note.ok() && note->has_value() ? sha256_hex(**note) : "-") + "\n";
    if (!pc.merge) {
      auto rep = blame_commit(repo, c.sha);
      if (!rep.ok()) return rep.error();
      pc.added = rep->total;
      pc.attributed = rep->attributed;
      e.files.insert(rep->changed_paths.begin(), rep->changed_paths.end());  // one diff per commit
      // Only facts that attribute lines this commit added count (blame_commit decides
      // which fact owns each added line, so every line is counted once).
      std::map<int, int> lines_by_fact;
      for (const auto& f : rep->files)
        for (const auto& l : f.added)
          if (l.fact >= 0) lines_by_fact[l.fact]++;
      for (const auto& [i, n] : lines_by_fact) {
        const Fact& f = rep->facts[static_cast<size_t>(i)];
        anchored.push_back({c.sha, f, n});
        pc.traces.insert(f.trace_id);
        trace_ids.insert(f.trace_id);
      }
      e.added += pc.added;
      e.attributed += pc.attributed;
    }
    e.commits.push_back(std::move(pc));
  }

  // Traces behind the notes.
  std::map<std::string, std::optional<schema::TraceRecord>> records;
  for (const auto& tid : trace_ids) {
    records[tid] = load ? load(tid) : std::nullopt;
    digest_input += "trace " + tid + " " + (records[tid] ? records[tid]->content_hash : std::string("-")) + "\n";
  }
  int missing = 0;
  for (const auto& [tid, r] : records) missing += r ? 0 : 1;
  if (missing)
    e.limitations.push_back(std::to_string(missing) + " of " + std::to_string(records.size()) +
                            " sessions are not in this machine's bucket: their instructions and tests are not shown");

  // Intents: per trace, the user instruction that preceded the step that wrote the lines.
  std::map<std::pair<std::string, int>, size_t> intent_index;
  std::map<std::string, PrSession> sessions;
  for (const auto& a : anchored) {
    const Fact& f = a.fact;
    const int lines = a.lines;
    const auto& rec = records[f.trace_id];
    int user_step = -1;
    std::string instruction;
    if (rec && f.step_index >= 0) {
      for (const auto& s : rec->steps) {
        if (s.step_index > f.step_index) break;
        if (s.role == "user" && s.call_type == "main" && !trim(s.content).empty()) {
          user_step = s.step_index;
          instruction = trim(s.content);
        }
      }
    }
    auto key = std::make_pair(f.trace_id, user_step);
    auto [it, fresh] = intent_index.emplace(key, e.intents.size());
    if (fresh) {
      PrIntent in;
      in.trace_id = f.trace_id;
      in.agent = f.agent;
      in.model = f.model;
      in.user_step = user_step;
      in.instruction = instruction;
      e.intents.push_back(std::move(in));
    }
    PrIntent& in = e.intents[it->second];
    in.files[f.file] += lines;
    if (std::find(in.commits.begin(), in.commits.end(), a.commit) == in.commits.end()) in.commits.push_back(a.commit);
    in.lines += lines;
    in.tiers.insert(f.tier);
    if (f.step_index >= 0) {
      in.first_step = in.first_step < 0 ? f.step_index : std::min(in.first_step, f.step_index);
      in.last_step = std::max(in.last_step, f.step_index);
    }
    // At head: alive states keep every line; a partial match keeps its preserved lines
    // (the rest was rewritten later, often by a later instruction in this very branch).
    auto surv = observe_anchor(repo, AnchorRef{a.commit, f}, e.head_sha);
    std::string state = surv.ok() ? surv->state : "unknown";
    if (state.rfind("alive", 0) == 0) {
      in.alive += lines;
      in.survival["alive"] += lines;
    } else if (state == "partially_preserved") {
      int kept = std::min(lines, surv->preserved_line_count);
      in.alive += kept;
      in.survival["alive"] += kept;
      if (lines > kept) in.survival["rewritten"] += lines - kept;
    } else {
      in.survival[state] += lines;
    }

    PrSession& s = sessions[f.trace_id];
    s.trace_id = f.trace_id;
    s.agent = f.agent;
    s.model = f.model;
    s.lines += lines;
  }

  std::map<std::string, size_t> commit_pos;
  for (size_t i = 0; i < e.commits.size(); ++i) commit_pos[e.commits[i].info.sha] = i;
  std::stable_sort(e.intents.begin(), e.intents.end(), [&](const PrIntent& a, const PrIntent& b) {
    size_t ca = commit_pos[a.commits.front()], cb = commit_pos[b.commits.front()];
    if (ca != cb) return ca < cb;
    if (a.trace_id != b.trace_id) return a.trace_id < b.trace_id;
    return a.user_step < b.user_step;
  });

  // Sessions, shares, tests, risks.
  std::map<std::pair<std::string, std::string>, PrAgentShare> shares;
  for (auto& [tid, s] : sessions) {
    if (const auto& rec = records[tid]) {
      s.started = rec->timestamp_start;
      s.steps = static_cast<int>(rec->steps.size());
      s.cost_usd = rec->metrics.estimated_cost_usd;
      s.provisional = rec->lifecycle == "provisional";
      for (const auto& st : rec->steps)
        if (st.role == "user" && st.call_type == "main" && !trim(st.content).empty()) {
          s.title = trim(st.content.substr(0, st.content.find('\n')));
          break;
        }
      if (s.model.empty()) s.model = rec->agent.model;
      for (auto& t : tests_seen(*rec)) e.tests.push_back(std::move(t));
      // Run intelligence: what a reviewer should look at twice.
      const std::string who = "session `t:" + tid.substr(0, 8) + "`";
      auto signals = discovery::run_intel(*rec);
      int last_recovery = -1;
      for (const auto& sig : signals)
        if (sig.kind == "recovery") last_recovery = std::max(last_recovery, sig.step_index);
      for (const auto& sig : signals) {
        std::string at = " (step " + std::to_string(sig.step_index) + ")";
        if (sig.kind == "resteer")
          e.risks.push_back("The person corrected the agent in " + who + at +
                            ": check the result matches the corrected request.");
        else if (sig.kind == "loop")
          e.risks.push_back("The agent went round in a loop in " + who + at + ": " + sig.reason + ".");
        else if (sig.kind == "failure" && sig.step_index > last_recovery)
          e.risks.push_back("A tool failure in " + who + at + " was not followed by a recovery: " + sig.reason);
      }
    }
    PrAgentShare& sh = shares[{s.agent, s.model}];
    sh.agent = s.agent;
    sh.model = s.model;
    sh.lines += s.lines;
    sh.sessions++;
  }
  for (auto& [k, v] : shares) e.shares.push_back(v);
  std::stable_sort(e.shares.begin(), e.shares.end(), [](const auto& a, const auto& b) { return a.lines > b.lines; });
  for (auto& [k, v] : sessions) e.sessions.push_back(v);
  std::stable_sort(e.sessions.begin(), e.sessions.end(), [](const auto& a, const auto& b) { return a.lines > b.lines; });

  for (const auto& t : e.tests)
    if (t.result == "failed")
      e.risks.push_back("The last run of `" + t.command + "` in session `t:" + t.trace_id.substr(0, 8) + "` failed.");
  for (const auto& in : e.intents) {
    for (const char* st : {"reverted", "lost"})
      if (auto it = in.survival.find(st); it != in.survival.end())
        e.risks.push_back(std::to_string(it->second) + " of " + std::to_string(in.lines) + " lines from session `t:" +
                          in.trace_id.substr(0, 8) + "` were " + st + " before head: check the change still does what was asked.");
    for (const auto& tier : in.tiers)
      if (tier_rank(tier) > tier_rank("exact_range_hash"))
        e.risks.push_back("Lines from session `t:" + in.trace_id.substr(0, 8) + "` are attributed with weaker evidence (" +
                          tier + "): check them by hand.");
  }
  for (const auto& s : e.sessions)
    if (s.provisional)
      e.risks.push_back("Session `t:" + s.trace_id.substr(0, 8) + "` looked unfinished when it was captured.");
  std::sort(e.risks.begin(), e.risks.end());
  e.risks.erase(std::unique(e.risks.begin(), e.risks.end()), e.risks.end());
  e.scope_digest = "sha256:" + sha256_hex(digest_input);
  return e;
}

std::string default_pr_title(const PrEvidence& e) {
  for (auto it = e.commits.rbegin(); it != e.commits.rend(); ++it)
    if (!it->merge && !it->info.subject.empty()) return it->info.subject;
  return "opentraces: branch " + e.scope_digest.substr(7, 12);
}

}  // namespace ot::trails
