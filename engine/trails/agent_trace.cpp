#include "engine/trails/agent_trace.h"

#include <algorithm>
#include <map>

#include "engine/trails/gitai.h"
#include "engine/trails/stats.h"
#include "engine/util/hash.h"
#include "engine/util/time.h"
#include "notes/notes_store.h"

namespace ot::trails {

namespace {

bool starts(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

}  // namespace

std::string agent_trace_model_id(const std::string& agent, const std::string& model) {
  if (model.empty()) return "";
  if (model.find('/') != std::string::npos) return model;
  std::string m = model;
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (starts(m, "claude")) return "anthropic/" + model;
  if (starts(m, "gpt") || starts(m, "o1") || starts(m, "o3") || starts(m, "o4") || starts(m, "codex"))
    return "openai/" + model;
  if (starts(m, "gemini")) return "google/" + model;
  std::string a = agent.substr(0, agent.find(' '));
  if (a == "claude-code") return "anthropic/" + model;
  if (a == "codex") return "openai/" + model;
  return "unknown/" + model;
}

std::string agent_trace_record_id(const std::string& commit_sha) {
  std::string h = sha256_hex(std::string("opentraces.agent_trace.v1") + '\0' + commit_sha).substr(0, 32);
  h[12] = '5';  // version 5 (name-based)
  const char variant[] = "89ab";
  h[16] = variant[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

ordered_json agent_trace_record(const git::CommitInfo& commit, const std::vector<Fact>& facts,
                                const std::string& tool_version) {
  // file → conversation key → facts
  std::map<std::string, std::map<std::string, std::vector<const Fact*>>> files;
  for (const auto& f : facts) files[f.file][(f.tier == kGitAiTier ? "g\n" : "o\n") + f.trace_id].push_back(&f);
  ordered_json rec;
  rec["version"] = kAgentTraceVersion;
  rec["id"] = agent_trace_record_id(commit.sha);
  rec["timestamp"] = iso_from_ms(commit.time_ms);
  rec["vcs"] = {{"type", "git"}, {"revision", commit.sha}};
  rec["tool"] = {{"name", "git-opentraces"}, {"version", tool_version}};
  ordered_json out_files = ordered_json::array();
  ordered_json traces = ordered_json::object();
  for (auto& [path, convs] : files) {
    ordered_json cs = ordered_json::array();
    for (auto& [key, list] : convs) {
      std::sort(list.begin(), list.end(), [](const Fact* a, const Fact* b) { return a->start_line < b->start_line; });
      const Fact& first = *list.front();
      bool gitai = first.tier == kGitAiTier;
      ordered_json c;
      c["url"] = (gitai ? "git-ai://session/" : "opentraces://trace/") + first.trace_id;
      ordered_json contributor = {{"type", "ai"}};
      if (std::string mid = agent_trace_model_id(first.agent, first.model); !mid.empty()) contributor["model_id"] = mid;
      c["contributor"] = contributor;
      ordered_json ranges = ordered_json::array();
      for (const Fact* f : list) {
        ordered_json r = {{"start_line", f->start_line}, {"end_line", f->end_line}};
        if (!f->range_hash.empty()) r["content_hash"] = f->range_hash;
        ranges.push_back(r);
      }
      c["ranges"] = ranges;
      cs.push_back(c);
      traces[first.trace_id] = {{"agent", first.agent}, {"model", first.model}, {"source", gitai ? "git-ai" : "opentraces"}};
    }
    out_files.push_back({{"path", path}, {"conversations", cs}});
  }
  rec["files"] = out_files;
  rec["metadata"] = {{"dev.opentraces.schema", "opentraces.agent_trace_export.v1"},
                     {"dev.opentraces.commit_subject", commit.subject},
                     {"dev.opentraces.traces", traces}};
  return rec;
}

Result<AgentTraceExport> export_agent_trace(const git::Repo& repo, const std::string& range, int max_commits,
                                            const std::string& tool_version) {
  auto rc = range_commits(repo, range, max_commits);
  if (!rc.ok()) return rc.error();
  AgentTraceExport out;
  out.tip_sha = rc->tip_sha;
  for (const auto& c : rc->commits) {
    if (c.parents.size() > 1) continue;
    ++out.commits_scanned;
    std::vector<Fact> facts;
    auto ours = git::read_note(repo, c.sha);
    if (!ours.ok()) return ours.error();
    if (*ours) facts = parse_note(**ours).facts;
    auto ai = git::read_note(repo, c.sha, kGitAiNotesRef);
    if (ai.ok() && *ai)
      if (auto g = parse_gitai_note(**ai)) {
        // Our facts win a line both name (the stronger evidence).
        for (auto& f : gitai_facts(*g)) {
          bool covered = false;
          for (const auto& o : facts)
            covered = covered || (o.tier != kGitAiTier && o.file == f.file && o.start_line <= f.start_line &&
                                  o.end_line >= f.end_line);
          if (!covered) facts.push_back(std::move(f));
        }
      }
    if (facts.empty()) continue;
    out.shas.push_back(c.sha);
    out.records.push_back(agent_trace_record(c, facts, tool_version));
  }
  return out;
}

}  // namespace ot::trails
