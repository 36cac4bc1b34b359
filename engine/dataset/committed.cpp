#include "engine/dataset/committed.h"

#include <map>
#include <regex>

namespace ot::dataset {
namespace {

std::string str(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}
const json& arr(const json& j, const char* k) {
  static const json empty = json::array();
  return j.is_object() && j.contains(k) && j[k].is_array() ? j[k] : empty;
}

// The shell command of a call: input.command or input.cmd as text, or an argv array
// (Claude Code Bash, Codex exec_command / shell, Pi bash).
std::string command_of(const json& call) {
  const json& in = call.is_object() && call.contains("input") ? call["input"] : json();
  std::string cmd = str(in, "command");
  if (cmd.empty()) cmd = str(in, "cmd");
  if (cmd.empty())
    for (const auto& part : arr(in, "command"))
      if (part.is_string()) cmd += (cmd.empty() ? "" : " ") + part.get<std::string>();
  return cmd;
}

}  // namespace

std::vector<std::string> commits_from_shell_output(const json& record) {
  static const std::regex commit_cmd(R"((^|[\s;&|(])git(\s+-[^\s]+(\s+[^\s-][^\s]*)?)*\s+commit\b)");
  static const std::regex made(R"(\[[^\]\s]+(?: \(root-commit\))? ([0-9a-f]{7,40})\])");
  std::vector<std::string> out;
  for (const auto& s : arr(record, "steps")) {
    std::map<std::string, std::string> output;  // tool_call_id -> what it printed
    for (const auto& o : arr(s, "observations")) {
      std::string text = str(o, "content");
      if (text.empty()) text = str(o, "output_summary");
      output[str(o, "source_call_id")] += text;
    }
    for (const auto& c : arr(s, "tool_calls")) {
      if (!std::regex_search(command_of(c), commit_cmd)) continue;
      auto o = output.find(str(c, "tool_call_id"));
      if (o == output.end()) continue;
      for (std::sregex_iterator it(o->second.begin(), o->second.end(), made), end; it != end; ++it) out.push_back((*it)[1].str());
    }
  }
  return out;
}

SessionCommits session_commits(const json& record, const json& candidate) {
  const json& outcome = record.is_object() && record.contains("outcome") ? record["outcome"] : json();
  SessionCommits sc;
  std::string sha = str(outcome, "commit_sha");
  if (sha.empty())
    for (const auto& l : arr(record, "git_links"))
      if (!str(l, "revision").empty()) sha = str(l, "revision");
  if (sha.empty())
    for (const auto& p : arr(record, "patches")) {
      const json& a = p.is_object() && p.contains("anchor") ? p["anchor"] : json();
      bool found = a.is_object() && a.contains("found") && a["found"].is_boolean() && a["found"].get<bool>();
      if (found && !str(a, "commit_sha").empty()) sha = str(a, "commit_sha");
    }
  if (sha.empty())
    for (const auto& u : arr(candidate, "units"))
      if (!str(u, "burst_commit_sha").empty()) sha = str(u, "burst_commit_sha");
  if (sha.empty()) {
    auto made = commits_from_shell_output(record);
    if (!made.empty()) sha = made.back();
  }
  const json& flag = outcome.is_object() && outcome.contains("committed") ? outcome["committed"] : json();
  sc.committed = (flag.is_boolean() && flag.get<bool>()) || !sha.empty();
  sc.commit_sha = sha.empty() ? json() : json(sha);
  return sc;
}

}  // namespace ot::dataset
