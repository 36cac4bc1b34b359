#include "engine/dataset/builtin.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/dataset/committed.h"

namespace ot::dataset {

namespace {

const json kNull = nullptr;
const json kEmptyObj = json::object();
const json kEmptyArr = json::array();

// Python's `x.get(k) or {}` / `or []` for objects and arrays.
const json& obj(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_object() ? j[k] : kEmptyObj;
}
const json& arr(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_array() ? j[k] : kEmptyArr;
}
const json& get(const json& j, const char* k) { return j.is_object() && j.contains(k) ? j[k] : kNull; }
// nz(): a non-empty string, else null.
json nz(const json& v) { return v.is_string() && !v.get<std::string>().empty() ? v : json(); }
json nz_at(const json& j, const char* k) { return nz(get(j, k)); }
std::string str_or(const json& j, const char* k, const std::string& dflt) {
  const json& v = get(j, k);
  return v.is_string() && !v.get<std::string>().empty() ? v.get<std::string>() : dflt;
}
// Python truthiness of `x or 0` for an integer field.
int64_t int_or0(const json& j, const char* k) {
  const json& v = get(j, k);
  return v.is_number_integer() ? v.get<int64_t>() : 0;
}

std::string source_ref(const std::string& tid, int64_t a, int64_t b) {
  return tid + ":" + std::to_string(a) + "-" + std::to_string(b);
}

json first_user_text(const json& record) {
  for (const auto& s : arr(record, "steps"))
    if (get(s, "role") == "user" && !nz_at(s, "content").is_null()) return s["content"];
  return nullptr;
}

json task_text(const json& record) {
  json d = nz_at(obj(record, "task"), "description");
  return d.is_null() ? first_user_text(record) : d;
}

json agent2(const json& record) {
  const json& a = obj(record, "agent");
  return json{{"name", nz_at(a, "name")}, {"model", nz_at(a, "model")}};
}

int64_t last_step(const json& record) { return std::max<int64_t>(static_cast<int64_t>(arr(record, "steps").size()) - 1, 0); }

json sorted_files(const json& patches) {
  std::set<std::string> files;
  for (const auto& p : patches)
    if (!nz_at(p, "file_path").is_null()) files.insert(p["file_path"].get<std::string>());
  return json(std::vector<std::string>(files.begin(), files.end()));
}

json success_of(const json& outcome) {
  const json& s = get(outcome, "success");
  return s.is_boolean() ? s : json();
}

int64_t error_count(const json& step) {
  int64_t n = 0;
  for (const auto& o : arr(step, "observations"))
    if (!nz_at(o, "error").is_null()) ++n;
  return n;
}

std::vector<json> build_default(const json&, const json& cand, const json& record) {
  const std::string tid = cand["trace_id"].get<std::string>();
  const json& steps = arr(record, "steps");
  const json& patches = arr(record, "patches");
  const json& agent = obj(record, "agent");
  const json& outcome = obj(record, "outcome");
  const SessionCommits commits = session_commits(record, cand);
  json tools = json::object();
  int64_t calls = 0, users = 0, agents = 0;
  for (const auto& s : steps) {
    if (get(s, "role") == "user") ++users;
    if (get(s, "role") == "agent") ++agents;
    for (const auto& c : arr(s, "tool_calls")) {
      ++calls;
      std::string name = str_or(c, "tool_name", "");
      tools[name] = tools.value(name, 0) + 1;
    }
  }
  return {json{{"source_ref", source_ref(tid, 0, last_step(record))},
               {"trace_id", tid},
               {"project", nz_at(obj(cand, "record_ref"), "project_slug")},
               {"task", task_text(record)},
               {"agent", {{"name", nz_at(agent, "name")}, {"version", nz_at(agent, "version")}, {"model", nz_at(agent, "model")}}},
               {"steps", {{"total", steps.size()}, {"user", users}, {"agent", agents}, {"tool_calls", calls}}},
               {"tools", tools},
               {"outcome",
                {{"committed", commits.committed},
                 {"commit_sha", commits.commit_sha},
                 {"terminal_state", nz_at(outcome, "terminal_state")},
                 {"success", success_of(outcome)}}},
               {"patch_count", patches.size()},
               {"files_changed", sorted_files(patches)}}};
}

std::vector<json> build_bursts(const json&, const json& cand, const json& record) {
  const std::string tid = cand["trace_id"].get<std::string>();
  std::map<std::string, const json*> by_id;
  for (const auto& p : arr(record, "patches"))
    if (get(p, "patch_id").is_string()) by_id[p["patch_id"].get<std::string>()] = &p;
  std::vector<json> rows;
  for (const auto& unit : arr(cand, "units")) {
    if (get(unit, "kind") != "change_burst") continue;
    int64_t a = unit["step_range"][0].get<int64_t>(), b = unit["step_range"][1].get<int64_t>();
    const json& survival = obj(unit, "survival");
    json patches = json::array();
    std::set<std::string> files;
    std::string rendered;
    for (const auto& pid_j : arr(unit, "patch_ids")) {
      if (!pid_j.is_string()) continue;
      auto it = by_id.find(pid_j.get<std::string>());
      if (it == by_id.end()) continue;
      const json& p = *it->second;
      const json& anchor = obj(p, "anchor");
      bool found = get(anchor, "found") == true;
      json patch{{"patch_id", pid_j},
                 {"file_path", str_or(p, "file_path", "")},
                 {"operation", str_or(p, "operation", "edit")},
                 {"step_index", int_or0(p, "step_index")},
                 {"old_text", str_or(p, "old_text", "")},
                 {"new_text", str_or(p, "authored_text", "")},
                 {"commit_sha", found ? nz_at(anchor, "commit_sha") : json()},
                 {"evidence_tier", found ? nz_at(anchor, "evidence_tier") : json()},
                 {"survival", nz(get(survival, pid_j.get<std::string>().c_str()))}};
      if (!patch["file_path"].get<std::string>().empty()) files.insert(patch["file_path"].get<std::string>());
      if (!patches.empty()) rendered += "\n";
      rendered += "*** " + patch["operation"].get<std::string>() + " " + patch["file_path"].get<std::string>() + "\n" +
                  patch["new_text"].get<std::string>();
      patches.push_back(std::move(patch));
    }
    json intent = nz_at(unit, "intent_text");
    rows.push_back(json{{"source_ref", source_ref(tid, a, b)},
                        {"trace_id", tid},
                        {"unit_id", unit["unit_id"]},
                        {"burst_index", unit["index"]},
                        {"step_range", {a, b}},
                        {"intent_text", intent},
                        {"intent_user_step", get(unit, "intent_user_step")},
                        {"agent", agent2(record)},
                        {"commit_sha", nz_at(unit, "burst_commit_sha")},
                        {"files", std::vector<std::string>(files.begin(), files.end())},
                        {"patches", patches},
                        {"messages",
                         {{{"role", "user"}, {"content", intent.is_null() ? std::string() : intent.get<std::string>()}},
                          {{"role", "assistant"}, {"content", rendered}}}}});
  }
  return rows;
}

std::vector<json> build_skill_episodes(const json& packet, const json& cand, const json& record) {
  const std::string tid = cand["trace_id"].get<std::string>();
  const json& steps = arr(record, "steps");
  json only = nz_at(obj(obj(packet, "workflow"), "config"), "skill");
  std::vector<json> rows;
  for (const auto& unit : arr(cand, "units")) {
    if (get(unit, "kind") != "skill_episode" || (!only.is_null() && get(unit, "skill") != only)) continue;
    int64_t a = unit["step_range"][0].get<int64_t>(), b = unit["step_range"][1].get<int64_t>();
    json calls = json::array();
    int64_t errors = 0;
    // Python's steps[a:b+1] clamps to the list.
    int64_t n = static_cast<int64_t>(steps.size());
    for (int64_t i = std::max<int64_t>(a, 0); i <= b && i < n; ++i) {
      const json& s = steps[static_cast<size_t>(i)];
      for (const auto& c : arr(s, "tool_calls")) calls.push_back(str_or(c, "tool_name", ""));
      errors += error_count(s);
    }
    rows.push_back(json{{"source_ref", source_ref(tid, a, b)},
                        {"trace_id", tid},
                        {"unit_id", unit["unit_id"]},
                        {"skill", unit["skill"]},
                        {"args", nz_at(unit, "args")},
                        {"step_range", {a, b}},
                        {"trigger_text", nz_at(unit, "trigger_text")},
                        {"tool_calls", calls},
                        {"tool_errors", errors},
                        {"agent", agent2(record)}});
  }
  return rows;
}

std::vector<json> build_pr_intent(const json&, const json& cand, const json& record) {
  const std::string tid = cand["trace_id"].get<std::string>();
  const json& patches = arr(record, "patches");
  std::set<std::string> commits;
  for (const auto& p : patches) {
    const json& a = obj(p, "anchor");
    if (get(a, "found") == true && !nz_at(a, "commit_sha").is_null()) commits.insert(a["commit_sha"].get<std::string>());
  }
  json sha = nz_at(obj(record, "outcome"), "commit_sha");
  if (!sha.is_null()) commits.insert(sha.get<std::string>());
  if (commits.empty()) return {};
  return {json{{"source_ref", source_ref(tid, 0, last_step(record))},
               {"trace_id", tid},
               {"intent", task_text(record)},
               {"commits", std::vector<std::string>(commits.begin(), commits.end())},
               {"files", sorted_files(patches)},
               {"patch_count", patches.size()},
               {"agent", agent2(record)}}};
}

std::vector<json> build_trajectory(const json&, const json& cand, const json& record) {
  const std::string tid = cand["trace_id"].get<std::string>();
  const json& steps = arr(record, "steps");
  const json& outcome = obj(record, "outcome");
  json trajectory = json::array();
  int64_t errors = 0;
  for (const auto& s : steps) {
    int64_t err = error_count(s);
    errors += err;
    json calls = json::array();
    for (const auto& c : arr(s, "tool_calls")) calls.push_back(str_or(c, "tool_name", ""));
    trajectory.push_back(json{{"step_index", int_or0(s, "step_index")},
                              {"role", str_or(s, "role", "")},
                              {"content", nz_at(s, "content")},
                              {"tool_calls", calls},
                              {"error", err > 0}});
  }
  return {json{{"source_ref", source_ref(tid, 0, last_step(record))},
               {"trace_id", tid},
               {"task", task_text(record)},
               {"agent", agent2(record)},
               {"trajectory", trajectory},
               {"signals",
                {{"steps", steps.size()},
                 {"patches", arr(record, "patches").size()},
                 {"tool_errors", errors},
                 {"committed", session_commits(record, cand).committed},
                 {"success", success_of(outcome)}}}}};
}

using Builder = std::vector<json> (*)(const json&, const json&, const json&);
const std::map<std::string, Builder>& builders() {
  static const std::map<std::string, Builder> m{{"default", build_default},
                                                {"bursts-sft-v1", build_bursts},
                                                {"skill-episodes-v1", build_skill_episodes},
                                                {"pr-intent-summary-v1", build_pr_intent},
                                                {"trajectory-eval-v1", build_trajectory}};
  return m;
}

}  // namespace

bool has_builtin(const std::string& tmpl) { return builders().count(tmpl) > 0; }

Result<std::vector<json>> builtin_rows(const std::string& tmpl, const json& packet, const json& candidate,
                                       const json& record) {
  auto it = builders().find(tmpl);
  if (it == builders().end())
    return make_error(ExitCode::kResource, "EXECUTOR_UNAVAILABLE", "dataset run",
                      "no built-in implementation of workflow template '" + tmpl + "'", "run with --executor script");
  try {
    return it->second(packet, candidate, record);
  } catch (const json::exception& e) {
    return make_error(ExitCode::kResource, "BUILTIN_FAILED", "dataset run",
                      "built-in " + tmpl + " failed on trace " + candidate.value("trace_id", std::string("?")) + ": " + e.what(),
                      "run with --executor script to compare");
  }
}

}  // namespace ot::dataset
