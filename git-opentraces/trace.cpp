// `git opentraces trace`: read traces (parse now; query/get/map/slice with issue #7).
#include <filesystem>
#include <optional>

#include "engine/parse/session.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {
namespace {

namespace fs = std::filesystem;

// Counts a human (and JSON) summary shows.
json summarize(const schema::TraceRecord& r) {
  int64_t user = 0, agent = 0, sub = 0, calls = 0, errors = 0;
  for (const auto& s : r.steps) {
    if (s.role == "user") ++user;
    if (s.role == "agent") ++agent;
    if (s.call_type == "subagent") ++sub;
    calls += static_cast<int64_t>(s.tool_calls.size());
    for (const auto& o : s.observations) errors += o.error.empty() ? 0 : 1;
  }
  const auto& m = r.metrics;
  json lim = r.metadata.contains("limitations") ? r.metadata["limitations"] : json::array();
  return {{"trace_id", r.trace_id},
          {"agent", r.agent.name},
          {"agent_version", r.agent.version},
          {"model", r.agent.model},
          {"cwd", r.metadata.value("cwd", "")},
          {"timestamp_start", r.timestamp_start},
          {"timestamp_end", r.timestamp_end},
          {"steps", r.steps.size()},
          {"user_steps", user},
          {"agent_steps", agent},
          {"subagent_steps", sub},
          {"tool_calls", calls},
          {"tool_errors", errors},
          {"patches", r.patches.size()},
          {"input_tokens", m.total_input_tokens},
          {"output_tokens", m.total_output_tokens},
          {"cache_read_tokens", m.total_cache_read_tokens},
          {"cache_write_tokens", m.total_cache_creation_tokens},
          {"estimated_cost_usd", m.estimated_cost_usd ? json(*m.estimated_cost_usd) : json(nullptr)},
          {"lifecycle", r.lifecycle},
          {"content_hash", r.content_hash},
          {"limitations", lim}};
}

void run_parse(const std::string& file, const std::string& agent, bool summary_only) {
  std::optional<parse::AgentFormat> hint;
  if (agent != "auto") hint = cli::unwrap(parse::agent_from_name(agent));
  schema::TraceRecord r = cli::unwrap(parse::parse_session_file(fs::path(file), hint));
  json sum = summarize(r);
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trace_parse.v1");
    doc["file"] = file;
    doc["summary"] = ordered_json(sum);
    if (!summary_only) doc["record"] = ordered_json(schema::to_json(r));
    cli::emit_json(doc);
    return;
  }
  auto n = [&](const char* k) { return sum[k].dump(); };
  cli::say(cli::bold(r.agent.name) + " session " + cli::bold(r.trace_id));
  cli::say("  model       " + (r.agent.model.empty() ? std::string("(unknown)") : r.agent.model) +
           (r.agent.version.empty() ? "" : "   (" + r.agent.name + " " + r.agent.version + ")"));
  cli::say("  cwd         " + sum["cwd"].get<std::string>());
  cli::say("  time        " + r.timestamp_start + " → " + r.timestamp_end);
  cli::say("  steps       " + n("steps") + " (" + n("user_steps") + " user, " + n("agent_steps") + " agent, " +
           n("subagent_steps") + " in sub-agents)");
  cli::say("  tool calls  " + n("tool_calls") + " (" + n("tool_errors") + " failed)");
  cli::say("  patches     " + n("patches"));
  cli::say("  tokens      in " + n("input_tokens") + ", out " + n("output_tokens") + ", cache read " +
           n("cache_read_tokens") + ", cache write " + n("cache_write_tokens"));
  cli::say("  cost        " + (r.metrics.estimated_cost_usd ? "$" + n("estimated_cost_usd") : std::string("unknown")));
  if (!r.task.description.empty()) {
    std::string first = r.task.description.substr(0, r.task.description.find('\n'));
    if (first.size() > 100) first = first.substr(0, 97) + "...";
    cli::say("  first ask   " + first);
  }
  for (const auto& l : sum["limitations"])
    cli::say(cli::yellow("  skipped     ") + l.value("code", "") + " ×" + l["count"].dump() + ": " +
             l.value("message", ""));
  if (r.lifecycle == "provisional") cli::say(cli::yellow("  provisional: the session looks unfinished"));
  cli::say(cli::dim("content_hash " + r.content_hash + "   (--json prints the full TraceRecord)"));
}

}  // namespace

void register_trace(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "trace", "Read and search captured traces");
  group->require_subcommand(1);

  CLI::App* parse = cli::add_command(
      *group, "parse", "Parse an agent session file (Claude Code, Codex, Pi) into a TraceRecord",
      "  git opentraces trace parse ~/.claude/projects/-home-me-src-app/<session>.jsonl\n"
      "  git opentraces trace parse rollout-2026-11-24T15-15-10-<id>.jsonl --json | jq .record.metrics\n"
      "  git opentraces trace parse session.jsonl --agent pi --json --summary\n"
      "Exit codes: 0 parsed; 2 not a session / empty file / unknown --agent; 70 parser bug.");
  static std::string file, agent = "auto";
  static bool summary_only = false;
  parse->add_option("file", file, "session file (.jsonl)")->required();
  parse->add_option("--agent", agent, "auto | claude-code | codex | pi (default: auto-detect from content)");
  parse->add_flag("--summary", summary_only, "with --json, print only the summary, not the whole record");
  parse->callback([] { run_parse(file, agent, summary_only); });

  register_trace_query(*group);
  register_trace_inspect(*group);
  register_trace_export(*group);
}

}  // namespace ot::cmd
