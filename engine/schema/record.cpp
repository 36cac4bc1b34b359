#include "engine/schema/record.h"

#include <cmath>
#include <map>

#include "engine/schema/pricing.h"
#include "engine/schema/reader.h"
#include "engine/util/hash.h"
#include "engine/util/time.h"

namespace ot::schema {

namespace {

json nz(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}
json with_extra(json j, const json& extra) {
  merge_extras(j, extra);
  return j;
}
std::string idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// Reads an array of objects at `key` with `load(elem, path)`.
template <typename T, typename F>
std::vector<T> load_list(ObjectReader& r, const char* key, F load) {
  std::vector<T> out;
  const json* a = r.raw(key);
  if (!a) return out;
  if (!a->is_array()) {
    r.fail(schema_error(r.child(key), std::string("expected an array, got ") + a->type_name()));
    return out;
  }
  for (size_t i = 0; i < a->size() && r.ok(); ++i) {
    auto v = load((*a)[i], idx(r.child(key), i));
    if (!v.ok()) r.fail(v.error());
    else out.push_back(std::move(v).value());
  }
  return out;
}

// A JSON value that must be an object/array/null-or-object when present.
json shaped(ObjectReader& r, const char* key, json def, bool allow_null) {
  const json* p = r.raw(key);
  if (!p) return def;
  bool good = def.is_array() ? p->is_array() : (p->is_object());
  if (!good) {
    r.fail(schema_error(r.child(key), std::string("expected ") + (def.is_array() ? "an array" : "an object") +
                                         ", got " + p->type_name()));
    return def;
  }
  (void)allow_null;
  return *p;
}

Result<TokenUsage> usage_from(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  TokenUsage u;
  u.input_tokens = r.integer("input_tokens");
  u.output_tokens = r.integer("output_tokens");
  u.cache_read_tokens = r.integer("cache_read_tokens");
  u.cache_write_tokens = r.integer("cache_write_tokens");
  u.prefix_reuse_tokens = r.integer("prefix_reuse_tokens");
  if (!r.ok()) return r.error();
  u.extra = r.extras();
  return u;
}

Result<ToolCall> call_from(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  ToolCall c;
  c.tool_call_id = r.str("tool_call_id");
  c.tool_name = r.str("tool_name", true);
  c.input = r.any("input", json::object());
  c.duration_ms = r.opt_int("duration_ms");
  if (!r.ok()) return r.error();
  c.extra = r.extras();
  return c;
}

Result<Observation> obs_from(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  Observation o;
  o.source_call_id = r.str("source_call_id");
  o.content = r.str("content");
  o.output_summary = r.str("output_summary");
  o.error = r.str("error");
  if (!r.ok()) return r.error();
  o.extra = r.extras();
  return o;
}

Result<Step> step_from(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  Step s;
  s.step_index = static_cast<int>(r.integer("step_index", 0, true));
  s.role = r.str("role", true);
  s.content = r.str("content");
  s.reasoning_content = r.str("reasoning_content");
  s.model = r.str("model");
  s.system_prompt_hash = r.str("system_prompt_hash");
  s.agent_role = r.str("agent_role");
  if (auto p = r.opt_int("parent_step")) s.parent_step = static_cast<int>(*p);
  s.call_type = r.opt_str("call_type").value_or("main");
  s.subagent_trajectory_ref = r.str("subagent_trajectory_ref");
  s.tools_available = r.str_list("tools_available");
  s.tool_calls = load_list<ToolCall>(r, "tool_calls", call_from);
  s.observations = load_list<Observation>(r, "observations", obs_from);
  s.snippets = shaped(r, "snippets", json::array(), false);
  if (const json* u = r.raw("token_usage")) {
    auto v = usage_from(*u, r.child("token_usage"));
    if (!v.ok()) r.fail(v.error());
    else s.token_usage = std::move(v).value();
  }
  s.timestamp = r.str("timestamp");
  s.context_node_id = r.str("context_node_id");
  if (!r.ok()) return r.error();
  s.extra = r.extras();
  return s;
}

Result<GitLink> link_from(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  GitLink g;
  g.vcs_type = r.str("vcs_type");
  g.revision = r.str("revision");
  g.repo_url = r.str("repo_url");
  g.branch = r.str("branch");
  g.tier = r.str("tier");
  g.commit_reachable = r.opt_bool("commit_reachable");
  g.content_alive = r.opt_bool("content_alive");
  if (!r.ok()) return r.error();
  g.extra = r.extras();
  return g;
}

double round_to(double v, int digits) {
  double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

}  // namespace

json to_json(const TokenUsage& u) {
  return with_extra({{"input_tokens", u.input_tokens},
                     {"output_tokens", u.output_tokens},
                     {"cache_read_tokens", u.cache_read_tokens},
                     {"cache_write_tokens", u.cache_write_tokens},
                     {"prefix_reuse_tokens", u.prefix_reuse_tokens}},
                    u.extra);
}

json to_json(const ToolCall& c) {
  return with_extra({{"tool_call_id", c.tool_call_id},
                     {"tool_name", c.tool_name},
                     {"input", c.input},
                     {"duration_ms", opt(c.duration_ms)}},
                    c.extra);
}

json to_json(const Observation& o) {
  return with_extra({{"source_call_id", o.source_call_id},
                     {"content", o.content},
                     {"output_summary", nz(o.output_summary)},
                     {"error", nz(o.error)}},
                    o.extra);
}

json to_json(const Step& s) {
  json calls = json::array(), obs = json::array();
  for (const auto& c : s.tool_calls) calls.push_back(to_json(c));
  for (const auto& o : s.observations) obs.push_back(to_json(o));
  return with_extra({{"step_index", s.step_index},
                     {"role", s.role},
                     {"content", nz(s.content)},
                     {"reasoning_content", nz(s.reasoning_content)},
                     {"model", nz(s.model)},
                     {"system_prompt_hash", nz(s.system_prompt_hash)},
                     {"agent_role", nz(s.agent_role)},
                     {"parent_step", opt(s.parent_step)},
                     {"call_type", s.call_type},
                     {"subagent_trajectory_ref", nz(s.subagent_trajectory_ref)},
                     {"tools_available", s.tools_available},
                     {"tool_calls", calls},
                     {"observations", obs},
                     {"snippets", s.snippets},
                     {"token_usage", s.token_usage ? to_json(*s.token_usage) : json(nullptr)},
                     {"timestamp", nz(s.timestamp)},
                     {"context_node_id", nz(s.context_node_id)}},
                    s.extra);
}

json to_json(const GitLink& g) {
  return with_extra({{"vcs_type", g.vcs_type},
                     {"revision", g.revision},
                     {"repo_url", nz(g.repo_url)},
                     {"branch", nz(g.branch)},
                     {"tier", nz(g.tier)},
                     {"commit_reachable", opt(g.commit_reachable)},
                     {"content_alive", opt(g.content_alive)}},
                    g.extra);
}

json to_json(const TraceRecord& r) {
  json steps = json::array(), links = json::array(), patches = json::array();
  for (const auto& s : r.steps) steps.push_back(to_json(s));
  for (const auto& g : r.git_links) links.push_back(to_json(g));
  for (const auto& p : r.patches) patches.push_back(to_json(p));
  const Environment& e = r.environment;
  json vcs = nullptr;
  if (e.vcs)
    vcs = with_extra({{"type", nz(e.vcs->type)},
                      {"base_commit", nz(e.vcs->base_commit)},
                      {"branch", nz(e.vcs->branch)},
                      {"diff", nz(e.vcs->diff)}},
                     e.vcs->extra);
  const Outcome& o = r.outcome;
  const Metrics& m = r.metrics;
  const SecurityMetadata& sec = r.security;
  return with_extra(
      {{"schema_version", r.schema_version},
       {"trace_id", r.trace_id},
       {"session_id", nz(r.session_id)},
       {"content_hash", nz(r.content_hash)},
       {"timestamp_start", nz(r.timestamp_start)},
       {"timestamp_end", nz(r.timestamp_end)},
       {"execution_context", nz(r.execution_context)},
       {"task", with_extra({{"description", nz(r.task.description)},
                            {"source", nz(r.task.source)},
                            {"repository", nz(r.task.repository)},
                            {"repository_url", nz(r.task.repository_url)},
                            {"base_commit", nz(r.task.base_commit)}},
                           r.task.extra)},
       {"agent", with_extra({{"name", r.agent.name}, {"version", nz(r.agent.version)}, {"model", nz(r.agent.model)}},
                            r.agent.extra)},
       {"environment", with_extra({{"os", nz(e.os)},
                                   {"shell", nz(e.shell)},
                                   {"vcs", vcs},
                                   {"language_ecosystem", e.language_ecosystem},
                                   {"resolved_dependencies", e.resolved_dependencies},
                                   {"interpreter", e.interpreter},
                                   {"arch", nz(e.arch)},
                                   {"platform", nz(e.platform)},
                                   {"abi_tag", nz(e.abi_tag)}},
                                  e.extra)},
       {"system_prompts", r.system_prompts},
       {"tool_definitions", r.tool_definitions},
       {"steps", steps},
       {"outcome", with_extra({{"success", opt(o.success)},
                               {"signal_source", o.signal_source},
                               {"signal_confidence", o.signal_confidence},
                               {"description", nz(o.description)},
                               {"committed", o.committed},
                               {"commit_sha", nz(o.commit_sha)},
                               {"terminal_state", nz(o.terminal_state)},
                               {"reward", opt(o.reward)},
                               {"reward_source", nz(o.reward_source)}},
                              o.extra)},
       {"dependencies", r.dependencies},
       {"metrics", with_extra({{"total_steps", m.total_steps},
                               {"total_input_tokens", m.total_input_tokens},
                               {"total_output_tokens", m.total_output_tokens},
                               {"total_duration_s", opt(m.total_duration_s)},
                               {"cache_hit_rate", opt(m.cache_hit_rate)},
                               {"estimated_cost_usd", opt(m.estimated_cost_usd)},
                               {"total_cache_read_tokens", m.total_cache_read_tokens},
                               {"total_cache_creation_tokens", m.total_cache_creation_tokens}},
                              m.extra)},
       {"security", with_extra({{"scanned", sec.scanned},
                                {"flags_reviewed", sec.flags_reviewed},
                                {"redactions_applied", sec.redactions_applied},
                                {"classifier_version", nz(sec.classifier_version)}},
                               sec.extra)},
       {"attribution", r.attribution},
       {"metadata", r.metadata},
       {"lifecycle", r.lifecycle},
       {"git_links", links},
       {"generation_index", r.generation_index},
       {"context_tree_summary", r.context_tree_summary},
       {"patches", patches}},
      r.extra);
}

Result<TraceRecord> record_from_json(const json& j) {
  ObjectReader r(j, "record");
  TraceRecord t;
  t.schema_version = r.str("schema_version", true);
  t.trace_id = r.str("trace_id", true);
  t.session_id = r.str("session_id");
  t.content_hash = r.str("content_hash");
  t.timestamp_start = r.str("timestamp_start");
  t.timestamp_end = r.str("timestamp_end");
  t.execution_context = r.str("execution_context");
  if (const json* p = r.raw("task")) {
    ObjectReader s(*p, r.child("task"));
    t.task.description = s.str("description");
    t.task.source = s.str("source");
    t.task.repository = s.str("repository");
    t.task.repository_url = s.str("repository_url");
    t.task.base_commit = s.str("base_commit");
    t.task.extra = s.extras();
    if (!s.ok()) r.fail(s.error());
  }
  if (const json* p = r.raw("agent")) {
    ObjectReader s(*p, r.child("agent"));
    t.agent.name = s.str("name", true);
    t.agent.version = s.str("version");
    t.agent.model = s.str("model");
    t.agent.extra = s.extras();
    if (!s.ok()) r.fail(s.error());
  } else if (r.ok()) {
    r.fail(schema_error(r.child("agent"), "required field is missing"));
  }
  if (const json* p = r.raw("environment")) {
    ObjectReader s(*p, r.child("environment"));
    Environment& e = t.environment;
    e.os = s.str("os");
    e.shell = s.str("shell");
    if (const json* v = s.raw("vcs")) {
      ObjectReader vr(*v, s.child("vcs"));
      Vcs vcs;
      vcs.type = vr.str("type");
      vcs.base_commit = vr.str("base_commit");
      vcs.branch = vr.str("branch");
      vcs.diff = vr.str("diff");
      vcs.extra = vr.extras();
      if (!vr.ok()) s.fail(vr.error());
      e.vcs = std::move(vcs);
    }
    e.language_ecosystem = s.str_list("language_ecosystem");
    e.resolved_dependencies = shaped(s, "resolved_dependencies", json::array(), false);
    e.interpreter = s.any("interpreter");
    e.arch = s.str("arch");
    e.platform = s.str("platform");
    e.abi_tag = s.str("abi_tag");
    e.extra = s.extras();
    if (!s.ok()) r.fail(s.error());
  }
  t.system_prompts = shaped(r, "system_prompts", json::object(), true);
  t.tool_definitions = shaped(r, "tool_definitions", json::array(), false);
  t.steps = load_list<Step>(r, "steps", step_from);
  if (const json* p = r.raw("outcome")) {
    ObjectReader s(*p, r.child("outcome"));
    Outcome& o = t.outcome;
    o.success = s.opt_bool("success");
    o.signal_source = s.opt_str("signal_source").value_or("deterministic");
    o.signal_confidence = s.opt_str("signal_confidence").value_or("derived");
    o.description = s.str("description");
    o.committed = s.boolean("committed");
    o.commit_sha = s.str("commit_sha");
    o.terminal_state = s.str("terminal_state");
    o.reward = s.opt_num("reward");
    o.reward_source = s.str("reward_source");
    o.extra = s.extras();
    if (!s.ok()) r.fail(s.error());
  }
  t.dependencies = shaped(r, "dependencies", json::array(), false);
  if (const json* p = r.raw("metrics")) {
    ObjectReader s(*p, r.child("metrics"));
    Metrics& m = t.metrics;
    m.total_steps = s.integer("total_steps");
    m.total_input_tokens = s.integer("total_input_tokens");
    m.total_output_tokens = s.integer("total_output_tokens");
    m.total_duration_s = s.opt_num("total_duration_s");
    m.cache_hit_rate = s.opt_num("cache_hit_rate");
    m.estimated_cost_usd = s.opt_num("estimated_cost_usd");
    m.total_cache_read_tokens = s.integer("total_cache_read_tokens");
    m.total_cache_creation_tokens = s.integer("total_cache_creation_tokens");
    m.extra = s.extras();
    if (!s.ok()) r.fail(s.error());
  }
  if (const json* p = r.raw("security")) {
    ObjectReader s(*p, r.child("security"));
    SecurityMetadata& sec = t.security;
    sec.scanned = s.boolean("scanned");
    sec.flags_reviewed = s.integer("flags_reviewed");
    sec.redactions_applied = s.integer("redactions_applied");
    sec.classifier_version = s.str("classifier_version");
    sec.extra = s.extras();
    if (!s.ok()) r.fail(s.error());
  }
  t.attribution = r.any("attribution");
  t.metadata = shaped(r, "metadata", json::object(), true);
  t.lifecycle = r.opt_str("lifecycle").value_or("final");
  t.git_links = load_list<GitLink>(r, "git_links", link_from);
  t.generation_index = r.integer("generation_index");
  t.context_tree_summary = r.any("context_tree_summary");
  t.patches = load_list<Patch>(r, "patches", [](const json& v, const std::string& p) { return patch_from_json(v, p); });
  if (!r.ok()) return r.error();
  t.extra = r.extras();
  return t;
}

Status validate(const TraceRecord& r) {
  auto bad = [](const std::string& path, const std::string& what) -> Status { return schema_error(path, what); };
  if (r.schema_version.empty()) return bad("record.schema_version", "must not be empty");
  if (r.trace_id.empty()) return bad("record.trace_id", "must not be empty");
  if (r.agent.name.empty()) return bad("record.agent.name", "must not be empty");
  if (r.lifecycle != "provisional" && r.lifecycle != "final")
    return bad("record.lifecycle", "expected provisional|final, got \"" + r.lifecycle + "\"");
  if (!r.execution_context.empty() && r.execution_context != "devtime" && r.execution_context != "runtime")
    return bad("record.execution_context", "expected devtime|runtime, got \"" + r.execution_context + "\"");
  for (const char* which : {"timestamp_start", "timestamp_end"}) {
    const std::string& ts = std::string(which) == "timestamp_start" ? r.timestamp_start : r.timestamp_end;
    if (!ts.empty() && !ms_from_iso(ts)) return bad(std::string("record.") + which, "not an ISO-8601 time: " + ts);
  }
  const int n = static_cast<int>(r.steps.size());
  for (int i = 0; i < n; ++i) {
    const Step& s = r.steps[static_cast<size_t>(i)];
    std::string p = "record.steps[" + std::to_string(i) + "]";
    if (s.step_index != i) return bad(p + ".step_index", "expected " + std::to_string(i) + ", got " + std::to_string(s.step_index));
    if (s.role != "system" && s.role != "user" && s.role != "agent")
      return bad(p + ".role", "expected system|user|agent, got \"" + s.role + "\"");
    if (s.call_type != "main" && s.call_type != "subagent" && s.call_type != "warmup")
      return bad(p + ".call_type", "expected main|subagent|warmup, got \"" + s.call_type + "\"");
    if (s.parent_step && (*s.parent_step < 0 || *s.parent_step >= n))
      return bad(p + ".parent_step", "refers to step " + std::to_string(*s.parent_step) + " of " + std::to_string(n));
    if (!s.timestamp.empty() && !ms_from_iso(s.timestamp)) return bad(p + ".timestamp", "not an ISO-8601 time");
    for (size_t c = 0; c < s.tool_calls.size(); ++c)
      if (s.tool_calls[c].tool_name.empty())
        return bad(p + ".tool_calls[" + std::to_string(c) + "].tool_name", "must not be empty");
  }
  for (size_t i = 0; i < r.patches.size(); ++i) {
    const Patch& pa = r.patches[i];
    std::string p = "record.patches[" + std::to_string(i) + "]";
    if (pa.patch_id.empty()) return bad(p + ".patch_id", "must not be empty");
    if (pa.file_path.empty()) return bad(p + ".file_path", "must not be empty");
    if (n > 0 && (pa.step_index < 0 || pa.step_index >= n))
      return bad(p + ".step_index", "refers to step " + std::to_string(pa.step_index) + " of " + std::to_string(n));
  }
  return ok_status();
}

std::string compute_content_hash(const json& record_json) {
  json j = record_json;
  if (j.is_object()) {
    j.erase("content_hash");
    j.erase("trace_id");
    j.erase("intent");
  }
  return sha256_hex(canonical_json(j));
}

std::string compute_content_hash(const TraceRecord& r) { return compute_content_hash(to_json(r)); }

void finalize(TraceRecord& r) {
  Metrics& m = r.metrics;
  m.total_steps = static_cast<int64_t>(r.steps.size());
  m.total_input_tokens = m.total_output_tokens = m.total_cache_read_tokens = m.total_cache_creation_tokens = 0;
  // Cost per model, so a session that switched models is priced per step.
  std::map<std::string, TokenUsage> by_model;
  for (const Step& s : r.steps) {
    if (!s.token_usage) continue;
    const TokenUsage& u = *s.token_usage;
    m.total_input_tokens += u.input_tokens;
    m.total_output_tokens += u.output_tokens;
    m.total_cache_read_tokens += u.cache_read_tokens;
    m.total_cache_creation_tokens += u.cache_write_tokens;
    TokenUsage& b = by_model[s.model.empty() ? r.agent.model : s.model];
    b.input_tokens += u.input_tokens;
    b.output_tokens += u.output_tokens;
    b.cache_read_tokens += u.cache_read_tokens;
    b.cache_write_tokens += u.cache_write_tokens;
  }
  int64_t prompt = m.total_input_tokens + m.total_cache_read_tokens + m.total_cache_creation_tokens;
  m.cache_hit_rate = prompt > 0 ? std::optional<double>(round_to(double(m.total_cache_read_tokens) / double(prompt), 4))
                                : std::nullopt;
  m.total_duration_s.reset();
  auto a = ms_from_iso(r.timestamp_start), b = ms_from_iso(r.timestamp_end);
  if (a && b && *b >= *a) m.total_duration_s = round_to(double(*b - *a) / 1000.0, 3);
  // An agent-reported cost (Pi) wins over the price table; parsers leave it in
  // metrics.extra["reported_cost_usd"].
  m.estimated_cost_usd.reset();
  if (m.extra.contains("reported_cost_usd") && m.extra["reported_cost_usd"].is_number()) {
    m.estimated_cost_usd = round_to(m.extra["reported_cost_usd"].get<double>(), 6);
  } else if (!by_model.empty()) {
    double total = 0;
    bool known = true;
    for (const auto& [model, u] : by_model) {
      auto c = estimate_cost_usd(model, u.input_tokens, u.output_tokens, u.cache_read_tokens, u.cache_write_tokens);
      if (!c) known = false;
      else total += *c;
    }
    if (known) m.estimated_cost_usd = round_to(total, 6);
  }
  r.content_hash = compute_content_hash(r);
}

}  // namespace ot::schema
