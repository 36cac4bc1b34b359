// `git opentraces stats [<rev-range>]`: added lines by agent/model, human and
// unknown, agent deletions, and accepted vs overwritten (engine/trails/stats.h).
#include <filesystem>

#include "engine/trails/stats.h"
#include "git-opentraces/cli.h"
#include "notes/handle.h"

namespace ot::cmd {
namespace {

std::string pct(int a, int b) { return b == 0 ? "0%" : std::to_string((a * 100 + b / 2) / b) + "%"; }

void run(const trails::StatsOptions& o) {
  auto repo = cli::unwrap(git::Repo::open(std::filesystem::current_path()));
  auto st = cli::unwrap(trails::range_stats(repo, o));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.stats.v1");
    doc["range"] = st.range;
    doc["tip"] = st.tip_sha;
    doc["commits"] = st.commits;
    doc["merges_skipped"] = st.merges_skipped;
    doc["commits_with_notes"] = st.commits_with_notes;
    doc["added"] = {{"total", st.added}, {"agent", st.agent}, {"human_modified", st.human_modified},
                    {"human", st.human}, {"unknown", st.unknown}};
    doc["deleted"] = {{"total", st.deleted}, {"agent", st.agent_deleted}};
    doc["agent_lines"] = {{"accepted", st.accepted}, {"overwritten", st.overwritten},
                          {"survival_computed", o.survival}};
    json agents = json::array();
    for (const auto& a : st.agents)
      agents.push_back({{"agent", a.agent}, {"model", a.model.empty() ? json(nullptr) : json(a.model)},
                        {"source", a.source}, {"added", a.added}, {"accepted", a.accepted},
                        {"overwritten", a.overwritten}, {"deleted", a.deleted}, {"traces", a.traces}});
    doc["agents"] = agents;
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold("stats " + st.range) + cli::dim("  (" + std::to_string(st.commits) + " commits, " +
                                                    std::to_string(st.commits_with_notes) + " with attribution notes" +
                                                    (st.merges_skipped ? ", " + std::to_string(st.merges_skipped) +
                                                                             " merges skipped"
                                                                       : std::string()) +
                                                    ")"));
  cli::say("");
  cli::say("added lines     " + std::to_string(st.added));
  auto row = [&](const std::string& name, int n) {
    cli::say("  " + name + std::string(16 - std::min<size_t>(16, name.size()), ' ') + std::to_string(n) + "  (" +
             pct(n, st.added) + ")");
  };
  row("agent", st.agent);
  row("human-modified", st.human_modified);
  row("human", st.human);
  row("unknown", st.unknown);
  cli::say("deleted lines   " + std::to_string(st.deleted) + "  (" + std::to_string(st.agent_deleted) + " by agents)");
  if (o.survival && st.agent > 0)
    cli::say("agent lines     " + std::to_string(st.accepted) + " still there (accepted) · " +
             std::to_string(st.overwritten) + " since overwritten or removed");
  if (!st.agents.empty()) {
    cli::say("");
    cli::say(cli::bold("by agent"));
    for (const auto& a : st.agents) {
      std::string name = a.agent + (a.model.empty() ? "" : " · " + a.model) + (a.source == "git-ai" && a.agent.find("git-ai") == std::string::npos ? " (git-ai)" : "");
      cli::say("  " + name + "  +" + std::to_string(a.added) + " −" + std::to_string(a.deleted) +
               (o.survival ? "  accepted " + std::to_string(a.accepted) + " · overwritten " + std::to_string(a.overwritten)
                           : std::string()) +
               cli::dim("  " + std::to_string(a.traces.size()) + " session(s)"));
    }
  }
}

}  // namespace

void register_stats(CLI::App& root) {
  auto o = std::make_shared<trails::StatsOptions>();
  auto no_survival = std::make_shared<bool>(false);
  CLI::App* c = cli::add_command(
      root, "stats", "Added lines by agent/model vs human vs unknown, and how many agent lines stayed",
      "  git opentraces stats                      everything reachable from HEAD\n"
      "  git opentraces stats main..HEAD           this branch only\n"
      "  git opentraces stats v1.0..v1.1 --json    opentraces.stats.v1\n"
      "\nDocs: docs/blame.md#stats");
  c->add_option("range", o->range, "A..B, or one revision (everything reachable from it); default HEAD");
  c->add_option("--max-commits", o->max_commits, "Scan at most this many commits (default 10000)");
  c->add_flag("--no-survival", *no_survival, "Skip the accepted/overwritten split (no blame of the tip)");
  c->callback([o, no_survival] {
    o->survival = !*no_survival;
    run(*o);
  });
}

}  // namespace ot::cmd
