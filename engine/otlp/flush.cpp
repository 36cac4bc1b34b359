#include "engine/otlp/flush.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/ctx/tree.h"
#include "engine/otlp/receiver.h"
#include "engine/otlp/snapshot.h"
#include "engine/util/usd.h"

namespace ot::otlp {

namespace {

constexpr const char* kLayerEvent = "context_layer_captured";
constexpr const char* kNodeEvent = "context_node_observed";

int64_t num(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

json str_or_null(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? *it : json(nullptr);
}

bool is_otel(const json& e, const char* type) {
  return e.value("type", "") == type && e.value("capture_method", "") == "otel";
}

// Tools the model asked for in its answer to a request: same prompt, decided after the
// request and before the prompt's next request.
std::map<std::string, json> tools_by_request(const json& snap) {
  std::map<std::string, json> out;
  const json& reqs = snap.value("requests", json::array());
  for (const auto& t : snap.value("tools", json::array())) {
    std::string when = t.value("decided_at", json()).is_string() ? t["decided_at"].get<std::string>() : t.value("time", "");
    std::string pid = t.value("prompt_id", json()).is_string() ? t["prompt_id"].get<std::string>() : "";
    std::string owner;
    for (const auto& r : reqs) {
      if (r.value("prompt_id", json()) != t.value("prompt_id", json())) continue;
      if (r.value("time", "") <= when) owner = r.value("request_id", json()).is_string() ? r["request_id"].get<std::string>() : "";
    }
    if (owner.empty() || pid.empty()) continue;
    json& list = out[owner];
    if (list.is_null()) list = json::array();
    list.push_back({{"tool_use_id", t.value("tool_use_id", json())}, {"tool_name", t.value("tool_name", json())},
                    {"success", t.value("success", json())}, {"duration_ms", t.value("duration_ms", json())}});
  }
  return out;
}

std::string resolve_trace(bucket::Bucket& b, const std::string& ref, bool& stored) {
  stored = false;
  auto id = b.resolve_prefix(ref);
  std::string trace = id.ok() ? *id : ref;
  stored = b.row(trace).ok();
  return trace;
}

json tokens_of(const json& r) {
  return {{"input", num(r, "input_tokens")},
          {"cache_read", num(r, "cache_read_tokens")},
          {"cache_creation", num(r, "cache_creation_tokens")},
          {"output", num(r, "output_tokens")},
          {"prompt", num(r, "input_tokens") + num(r, "cache_read_tokens") + num(r, "cache_creation_tokens")}};
}

}  // namespace

json otel_layer(const std::string& type, const std::string& completeness, const json& content) {
  return json{{"schema_version", ctx::kLayerSchema}, {"context_tree_version", ctx::kTreeVersion},
              {"layer_type", type},                  {"completeness", completeness},
              {"capture_method", "otel"},            {"content", content}};
}

std::string otel_layer_id(const json& layer) { return "sha256:" + ctx::layer_hex(layer); }

Result<json> flush(bucket::Bucket& b, const FlushOptions& o) {
  auto snap = read_snapshot(o.session_id);
  if (!snap.ok()) return snap.error();
  bool stored = false;
  std::string trace = resolve_trace(b, o.trace_id.empty() ? o.session_id : o.trace_id, stored);
  if (!o.trace_id.empty() && !stored)
    return make_error(ExitCode::kNotFound, "TRACE_NOT_FOUND", "capture-otlp", "no trace " + o.trace_id + " in the bucket",
                      "`git opentraces bucket list` shows the traces; leave --trace out to use the session id");
  auto existing = b.events(trace);
  if (!existing.ok())
    return make_error(ExitCode::kFlushFailed, "FLUSH_FAILED", "capture-otlp", existing.error().message, existing.error().hint);
  std::set<std::string> have_layers, have_requests;
  for (const auto& e : *existing) {
    if (is_otel(e, kLayerEvent)) have_layers.insert(e.value("layer_id", ""));
    if (is_otel(e, kNodeEvent)) have_requests.insert(e.value("request_id", ""));
  }

  const json& s = *snap;
  const json service = s.value("service", json::object());
  const json prompts = s.value("prompts", json::array());
  auto tools = tools_by_request(s);
  std::vector<json> events;
  int layers = 0, nodes = 0, already = 0;
  auto add_layer = [&](const json& layer) {
    std::string id = otel_layer_id(layer);
    if (have_layers.insert(id).second) {
      events.push_back({{"type", kLayerEvent}, {"capture_method", "otel"}, {"session_id", o.session_id},
                        {"layer_id", id}, {"layer", layer}});
      ++layers;
    }
    return id;
  };
  for (const auto& r : s.value("requests", json::array())) {
    std::string rid = r.value("request_id", json()).is_string() ? r["request_id"].get<std::string>()
                                                                 : r.value("time", "") + "#" + std::to_string(num(r, "sequence"));
    if (have_requests.count(rid)) {
      ++already;
      continue;
    }
    json prompt_text = nullptr;
    for (const auto& p : prompts)
      if (p.value("prompt_id", json()) == r.value("prompt_id", json())) prompt_text = p.value("text", json());
    json runtime = otel_layer("runtime_state", "approximated",
                              {{"model", str_or_null(r, "model")}, {"agent", str_or_null(service, "service.name")},
                               {"agent_version", str_or_null(service, "service.version")},
                               {"query_source", str_or_null(r, "query_source")}, {"speed", str_or_null(r, "speed")},
                               {"effort", str_or_null(r, "effort")}});
    json messages = otel_layer("messages", "stub",
                               {{"prompt_tokens", num(r, "prompt_tokens")}, {"input_tokens", num(r, "input_tokens")},
                                {"cache_read_tokens", num(r, "cache_read_tokens")},
                                {"cache_creation_tokens", num(r, "cache_creation_tokens")},
                                {"prompt_id", str_or_null(r, "prompt_id")}, {"user_prompt", prompt_text},
                                {"note", "OTLP telemetry carries the request's token counts, not its messages"}});
    std::string runtime_id = add_layer(runtime), messages_id = add_layer(messages);
    auto t = tools.find(rid);
    events.push_back({{"type", kNodeEvent},
                      {"capture_method", "otel"},
                      {"session_id", o.session_id},
                      {"request_id", rid},
                      {"prompt_id", str_or_null(r, "prompt_id")},
                      {"time", str_or_null(r, "time")},
                      {"model", str_or_null(r, "model")},
                      {"tokens", tokens_of(r)},
                      {"cost_usd", r.value("cost_usd", json())},
                      {"duration_ms", r.value("duration_ms", json())},
                      {"runtime_state_layer_id", runtime_id},
                      {"messages_layer_id", messages_id},
                      {"tools", t != tools.end() ? t->second : json::array()}});
    have_requests.insert(rid);
    ++nodes;
  }
  if (!events.empty()) {
    auto st = b.append_events(trace, events);
    if (!st.ok())
      return make_error(ExitCode::kFlushFailed, "FLUSH_FAILED", "capture-otlp",
                        "could not append the OTLP evidence to trace " + trace + ": " + st.error().message, st.error().hint);
  }
  return json{{"session_id", o.session_id},
              {"trace_id", trace},
              {"trace_stored", stored},
              {"snapshot", snapshot_path(o.session_id).string()},
              {"requests_total", s.value("requests", json::array()).size()},
              {"requests_already_flushed", already},
              {"layers_appended", layers},
              {"nodes_appended", nodes}};
}

Result<json> otel_view(bucket::Bucket& b, const std::string& ref) {
  auto id = b.resolve_prefix(ref);
  if (!id.ok()) return id.error();
  const std::string trace = *id;
  auto evs = b.events(trace);
  if (!evs.ok()) return evs.error();
  std::vector<json> nodes;
  json layers = json::array();
  std::set<std::string> sessions;
  for (const auto& e : *evs) {
    if (is_otel(e, kNodeEvent)) {
      nodes.push_back(e);
      sessions.insert(e.value("session_id", ""));
    } else if (is_otel(e, kLayerEvent)) {
      const json& l = e.value("layer", json::object());
      layers.push_back({{"layer_id", e.value("layer_id", "")}, {"layer_type", l.value("layer_type", "")},
                        {"completeness", l.value("completeness", "")}, {"capture_method", "otel"}});
    }
  }
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const json& a, const json& c) { return a.value("time", "") < c.value("time", ""); });

  // The record's agent steps with reported usage, to line the requests up with.
  json steps = json::array();
  bool stored = false;
  if (auto rec = b.get_record(trace); rec.ok()) {
    stored = true;
    if (rec->contains("steps") && (*rec)["steps"].is_array()) steps = (*rec)["steps"];
  }
  std::vector<bool> taken(steps.size(), false);
  int64_t transcript_steps = 0;
  json t_tot = {{"input", 0}, {"cache_read", 0}, {"cache_creation", 0}, {"output", 0}};
  for (const auto& s : steps)
    if (s.value("role", "") == "agent" && s.contains("token_usage") && s["token_usage"].is_object()) {
      ++transcript_steps;
      const json& u = s["token_usage"];
      t_tot["input"] = t_tot["input"].get<int64_t>() + num(u, "input_tokens");
      t_tot["cache_read"] = t_tot["cache_read"].get<int64_t>() + num(u, "cache_read_tokens");
      t_tot["cache_creation"] = t_tot["cache_creation"].get<int64_t>() + num(u, "cache_write_tokens");
      t_tot["output"] = t_tot["output"].get<int64_t>() + num(u, "output_tokens");
    }

  // Every tool the telemetry saw, by tool_use_id: a matched request lists the tools of
  // its step's calls (the event times alone cannot tell which answer asked for a tool:
  // Claude Code logs api_request when the stream ends, tools may start before that).
  std::map<std::string, json> tool_by_id;
  for (const auto& n : nodes)
    for (const auto& t : n.value("tools", json::array()))
      if (t.value("tool_use_id", json()).is_string()) tool_by_id[t["tool_use_id"].get<std::string>()] = t;
  json requests = json::array();
  json o_tot = {{"input", 0}, {"cache_read", 0}, {"cache_creation", 0}, {"output", 0}};
  double cost = 0;
  int64_t matched = 0, agree = 0;
  for (const auto& n : nodes) {
    const json& tk = n.value("tokens", json::object());
    for (const char* k : {"input", "cache_read", "cache_creation", "output"}) o_tot[k] = o_tot[k].get<int64_t>() + num(tk, k);
    if (n.value("cost_usd", json()).is_number()) cost += n["cost_usd"].get<double>();
    json step = nullptr, transcript = nullptr, tools = n.value("tools", json::array());
    for (size_t i = 0; i < steps.size(); ++i) {
      const json& s = steps[i];
      if (taken[i] || s.value("role", "") != "agent" || !s.contains("token_usage") || !s["token_usage"].is_object()) continue;
      const json& u = s["token_usage"];
      if (num(u, "input_tokens") == num(tk, "input") && num(u, "cache_read_tokens") == num(tk, "cache_read") &&
          num(u, "cache_write_tokens") == num(tk, "cache_creation")) {
        taken[i] = true;
        step = static_cast<int>(i);
        transcript = {{"input", num(u, "input_tokens")},
                      {"cache_read", num(u, "cache_read_tokens")},
                      {"cache_creation", num(u, "cache_write_tokens")},
                      {"output", num(u, "output_tokens")},
                      {"prompt", num(u, "input_tokens") + num(u, "cache_read_tokens") + num(u, "cache_write_tokens")}};
        ++matched;
        tools = json::array();
        for (const auto& c : s.value("tool_calls", json::array())) {
          auto t = tool_by_id.find(c.value("tool_call_id", std::string()));
          if (t != tool_by_id.end()) tools.push_back(t->second);
        }
        if (num(u, "output_tokens") == num(tk, "output")) ++agree;
        break;
      }
    }
    requests.push_back({{"request_id", n.value("request_id", "")},
                        {"session_id", n.value("session_id", "")},
                        {"time", n.value("time", json())},
                        {"model", n.value("model", json())},
                        {"step_index", step},
                        {"otel", tk},
                        {"transcript", transcript},
                        {"agrees", !transcript.is_null() && num(transcript, "output") == num(tk, "output")},
                        {"cost_usd", usd_json(n.value("cost_usd", json()))},
                        {"duration_ms", n.value("duration_ms", json())},
                        {"tools", tools},
                        {"runtime_state_layer_id", n.value("runtime_state_layer_id", json())},
                        {"messages_layer_id", n.value("messages_layer_id", json())}});
  }
  json limitations = json::array();
  if (nodes.empty()) limitations.push_back("otel_not_captured");
  if (!stored) limitations.push_back("trace_record_missing");
  if (stored && static_cast<int64_t>(nodes.size()) > matched) limitations.push_back("otel_requests_unmatched");
  return json{{"view", "otel"},
              {"trace_id", trace},
              {"capture_method", "otel"},
              {"trace_stored", stored},
              {"session_ids", sessions},
              {"request_count", nodes.size()},
              {"matched_count", matched},
              {"agreeing_count", agree},
              {"transcript_agent_steps", transcript_steps},
              {"requests", requests},
              {"totals", {{"otel", o_tot}, {"transcript", t_tot}, {"otel_cost_usd", round_usd(cost)}}},
              {"layers", layers},
              {"limitations", limitations}};
}

json otel_summary(bucket::Bucket& b, const std::string& trace_id) {
  auto v = otel_view(b, trace_id);
  if (!v.ok() || v->value("request_count", 0) == 0) return nullptr;
  int64_t prompt = 0;
  for (const auto& r : (*v)["requests"]) prompt += num(r["otel"], "prompt");
  return {{"requests", (*v)["request_count"]},
          {"matched", (*v)["matched_count"]},
          {"prompt_tokens", prompt},
          {"output_tokens", (*v)["totals"]["otel"]["output"]},
          {"cost_usd", (*v)["totals"]["otel_cost_usd"]},
          {"look", "git opentraces ctx otel " + trace_id}};
}

json otel_for_step(bucket::Bucket& b, const std::string& trace_id, int step_index) {
  auto v = otel_view(b, trace_id);
  if (!v.ok()) return nullptr;
  for (const auto& r : (*v)["requests"])
    if (r["step_index"].is_number() && r["step_index"].get<int>() == step_index) return r;
  return nullptr;
}

}  // namespace ot::otlp
