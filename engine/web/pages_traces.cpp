// Traces: the search page (same engine as `trace query`) and one trace (steps, tools,
// tokens, context layers from engine/ctx).
#include <map>
#include <sstream>

#include "engine/bucket/bucket.h"
#include "engine/ctx/views.h"
#include "engine/discovery/inspect.h"
#include "engine/discovery/query.h"
#include "engine/discovery/steps.h"
#include "engine/web/html.h"
#include "engine/web/pages.h"

namespace ot::web {
namespace {

std::string get(const Params& p, const std::string& k) {
  auto it = p.find(k);
  return it == p.end() ? std::string() : it->second;
}

std::string str(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t num(const json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

discovery::QueryOptions query_options(const Params& p, int default_limit) {
  discovery::QueryOptions o;
  std::istringstream words(get(p, "q"));
  for (std::string w; words >> w;) o.terms.push_back(w);
  if (!get(p, "agent").empty()) o.agent = get(p, "agent");
  // No words and no filter: browse every trace, newest first (the query engine wants a filter).
  if (o.terms.empty() && !o.agent) {
    o.since_ms = 0;
    o.sort = "recency";
  }
  o.limit = default_limit;
  if (auto l = get(p, "limit"); !l.empty() && l.find_first_not_of("0123456789") == std::string::npos && l.size() < 6)
    o.limit = std::stoi(l);
  o.page_token = get(p, "page_token");
  return o;
}

// Input (with cache reads) and output tokens of a trace. They live in the record's metrics
// (the search index does not keep them), and a record read is the costly part of the
// traces page, so the totals are kept per (trace, record hash) for the server's lifetime;
// a new generation of the trace has a new hash. Callers hold the server's engine lock.
std::pair<int64_t, int64_t> token_totals(bucket::Bucket& b, const std::string& id) {
  static std::map<std::string, std::pair<int64_t, int64_t>> cache;
  auto row = b.row(id);
  std::string key = id + "@" + (row.ok() ? row->value("record_hash", "") : std::string());
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::pair<int64_t, int64_t> t{0, 0};
  if (auto rec = b.get_record(id); rec.ok() && rec->contains("metrics")) {
    const json& mt = (*rec)["metrics"];
    t = {num(mt, "total_input_tokens") + num(mt, "total_cache_read_tokens"), num(mt, "total_output_tokens")};
  }
  if (cache.size() > 100000) cache.clear();  // bounded: a long-running server over a huge bucket
  if (row.ok()) cache[key] = t;
  return t;
}

}  // namespace

Response traces_page(const Site& site, const Params& p) {
  auto o = query_options(p, 25);
  auto b = bucket::open_and_drain();
  if (!b.ok()) return error_page(site, b.error(), "traces");
  auto res = discovery::run_query(**b, o);
  if (!res.ok()) return error_page(site, res.error(), "traces");
  const ordered_json& r = *res;
  std::string q = get(p, "q"), agent = get(p, "agent");

  std::string h = "<h1>Traces</h1><form class=\"search\" method=\"get\" action=\"/\" role=\"search\">"
                  "<input type=\"search\" id=\"q\" name=\"q\" placeholder=\"Search prompts, answers, tools, paths, commits  (press /)\" value=\"" +
                  esc(q) + "\"><select name=\"agent\" aria-label=\"agent\"><option value=\"\">any agent</option>";
  for (const char* a : {"claude-code", "codex", "pi"})
    h += std::string("<option") + (agent == a ? " selected" : "") + ">" + a + "</option>";
  h += "</select><button type=\"submit\">Search</button></form>";

  const auto& cands = r["candidates"];
  h += "<p class=\"muted\" id=\"result-count\">" + thousands(r["total"].get<int64_t>()) + " trace(s)" +
       (o.terms.empty() ? "" : " matching every word") + ", sorted by " + esc(r["sort"].get<std::string>()) + "</p>";
  if (cands.empty()) {
    h += "<p>No traces match.</p>";
  } else {
    h += "<table class=\"traces\"><thead><tr><th>Trace</th><th>Agent</th><th>Model</th><th>Started</th>"
         "<th class=\"num\">Steps</th><th class=\"num\">Tokens in</th><th class=\"num\">Tokens out</th><th>Committed</th></tr></thead><tbody>";
    for (const auto& c : cands) {
      std::string id = c["trace_id"].get<std::string>();
      const auto& m = c["metadata"];
      auto [tin, tout] = token_totals(**b, id);
      std::string title = c["title"].get<std::string>();
      h += "<tr><td><a class=\"trace-link\" href=\"/trace/" + url_enc(id) + "\">" + esc(title.empty() ? "(untitled)" : clip(title, 90)) +
           "</a><div class=\"muted mono\">" + esc(id) + "</div></td><td>" + esc(str(m, "agent")) + "</td><td>" + esc(str(m, "model")) +
           "</td><td>" + esc(short_time(str(m, "timestamp_start"))) + "</td><td class=\"num\">" + std::to_string(num(m, "step_count")) +
           "</td><td class=\"num\">" + thousands(tin) + "</td><td class=\"num\">" + thousands(tout) + "</td><td>" +
           (m.value("committed", false) ? "yes" : "no") + "</td></tr>";
    }
    h += "</tbody></table>";
  }
  if (r["has_more"].get<bool>())
    h += "<p><a id=\"next-page\" href=\"/?q=" + url_enc(q) + "&amp;agent=" + url_enc(agent) + "&amp;page_token=" +
         url_enc(r["next_page_token"].get<std::string>()) + "\">Next page →</a></p>";
  if (r["freshness"].value("stale", false))
    h += "<p class=\"error\">The search index is stale: run <code>git opentraces trace index rebuild</code>.</p>";
  return Response{200, "text/html; charset=utf-8", layout("Traces", "traces", "traces", site.token, h)};
}

Response api_query(const Params& p) {
  auto o = query_options(p, 20);
  auto b = bucket::open_and_drain();
  if (!b.ok()) return api_error(b.error());
  auto res = discovery::run_query(**b, o);
  if (!res.ok()) return api_error(res.error());
  ordered_json doc;
  doc["status"] = "ok";
  doc["schema_version"] = discovery::kQuerySchema;
  for (auto& [k, v] : res->items()) doc[k] = v;
  return json_response(doc);
}

Response api_trace(const std::string& ref) {
  auto b = bucket::open_and_drain();
  if (!b.ok()) return api_error(b.error());
  auto res = discovery::trace_get(**b, ref, {});
  if (!res.ok()) return api_error(res.error());
  return json_response(*res);
}

namespace {

std::string card(const std::string& k, const std::string& v) {
  return "<div class=\"card\"><div class=\"v\">" + v + "</div><div class=\"k\">" + esc(k) + "</div></div>";
}

// The context section: ctx overview and the layers one step saw.
std::string context_section(bucket::Bucket& b, const std::string& id, const Params& p) {
  std::string h = "<h2 id=\"context\">Context layers</h2>";
  auto t = ctx::load(b, id);
  if (!t.ok()) return h + "<p class=\"error\">" + esc(t.error().message) + "</p>";
  if (!t->tree) return h + "<p class=\"muted\">No context tree was captured for this trace (context_tree_not_captured).</p>";
  json ov = ctx::overview(*t);
  const json& size = ov["size"];
  h += "<p>" + esc(ov["capture_method"].is_string() ? ov["capture_method"].get<std::string>() : "?") + " (" +
       esc(ov["fidelity"].is_string() ? ov["fidelity"].get<std::string>() : "?") + ") · " + std::to_string(num(ov, "node_count")) +
       " nodes · ~" + thousands(num(ov, "estimated_tokens")) + " tokens at the last model call";
  if (!str(size, "sparkline").empty()) h += " · size <span class=\"mono\">" + esc(str(size, "sparkline")) + "</span>";
  h += "</p>";
  int nodes = static_cast<int>(num(ov, "node_count"));
  if (nodes == 0) return h;
  int step = nodes - 1;
  if (auto s = get(p, "step"); !s.empty() && s.size() < 9 && s.find_first_not_of("0123456789") == std::string::npos)
    step = std::min(std::stoi(s), nodes - 1);
  auto n = ctx::node_at(std::move(*t), step);
  if (!n.ok()) return h + "<p class=\"error\">" + esc(n.error().message) + "</p>";
  ctx::Reader reader(b);
  json sv = ctx::step_view(reader, *n);
  const json& saw = sv["saw"];
  h += "<p id=\"context-step\">Step " + std::to_string(step) + " saw: system " + (saw.value("system", false) ? "yes" : "unknown") + " · " +
       std::to_string(num(saw, "messages")) + " messages · " + std::to_string(num(saw, "tools")) + " tools · ~" +
       thousands(num(sv["size"], "estimate")) + " tokens (" + esc(str(sv["size"], "method")) + ")</p>";
  h += "<table class=\"layers\"><thead><tr><th>Layer</th><th>Id</th><th>Completeness</th><th class=\"num\">Bytes</th></tr></thead><tbody>";
  for (const auto& [alias, l] : sv["layers"].items()) {
    std::string lid = str(l, "layer_id");
    if (lid.rfind("sha256:", 0) == 0) lid = lid.substr(7, 12);
    h += "<tr><td>" + esc(alias) + "</td><td class=\"mono\">" + esc(lid.empty() ? "-" : lid) + "</td><td>" + esc(str(l, "completeness")) +
         "</td><td class=\"num\">" + thousands(num(l, "byte_count")) + "</td></tr>";
  }
  h += "</tbody></table>";
  return h;
}

}  // namespace

Response trace_page(const Site& site, const std::string& ref, const Params& p) {
  auto b = bucket::open_and_drain();
  if (!b.ok()) return error_page(site, b.error(), "traces");
  auto id = (*b)->resolve_prefix(ref);
  if (!id.ok()) return error_page(site, id.error(), "traces");
  auto rec = discovery::load_record(**b, *id);
  if (!rec.ok()) return error_page(site, rec.error(), "traces");
  const schema::TraceRecord& r = *rec;
  json ov = discovery::trace_overview(r);
  std::string title = str(ov, "title");

  std::string h = "<h1 id=\"trace-title\">" + esc(title.empty() ? "(untitled)" : title) + "</h1><p class=\"muted mono\">" + esc(*id) + "</p>";
  h += "<dl class=\"facts\"><dt>Agent</dt><dd>" + esc(r.agent.name) + (r.agent.version.empty() ? "" : " " + esc(r.agent.version)) +
       "</dd><dt>Model</dt><dd>" + esc(r.agent.model.empty() ? "-" : r.agent.model) + "</dd><dt>Time</dt><dd>" + esc(short_time(r.timestamp_start)) +
       " → " + esc(short_time(r.timestamp_end)) + "</dd><dt>Outcome</dt><dd>committed " + (r.outcome.committed ? "yes" : "no") +
       (r.outcome.commit_sha.empty() ? "" : " (" + esc(r.outcome.commit_sha.substr(0, 12)) + ")") + " · success " +
       (r.outcome.success ? (*r.outcome.success ? "yes" : "no") : "unknown") + "</dd>";
  if (!str(ov, "summary").empty()) h += "<dt>Summary</dt><dd>" + esc(str(ov, "summary")) + "</dd>";
  if (!ov["files_touched"].empty()) {
    h += "<dt>Files</dt><dd>";
    for (const auto& f : ov["files_touched"])
      h += "<a href=\"/blame?path=" + url_enc(discovery::relative_to(f.get<std::string>(), discovery::record_root(r))) + "\">" +
           esc(f.get<std::string>()) + "</a> ";
    h += "</dd>";
  }
  h += "</dl>";

  const auto& mt = r.metrics;
  h += "<div class=\"cards\" id=\"tokens\">" + card("steps", std::to_string(r.steps.size())) + card("input tokens", thousands(mt.total_input_tokens)) +
       card("output tokens", thousands(mt.total_output_tokens)) + card("cache read", thousands(mt.total_cache_read_tokens)) +
       card("cache write", thousands(mt.total_cache_creation_tokens));
  if (mt.estimated_cost_usd) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "$%.4f", *mt.estimated_cost_usd);
    h += card("estimated cost", buf);
  }
  h += "</div>";

  // Tools: calls and failures per tool name.
  std::map<std::string, std::pair<int, int>> tools;
  for (const auto& s : r.steps) {
    for (const auto& c : s.tool_calls) tools[c.tool_name].first++;
    for (const auto& o : s.observations)
      if (!o.error.empty()) {
        for (const auto& c : s.tool_calls)
          if (c.tool_call_id == o.source_call_id) tools[c.tool_name].second++;
      }
  }
  h += "<h2>Tools</h2>";
  if (tools.empty()) h += "<p class=\"muted\">No tool calls.</p>";
  else {
    h += "<table class=\"tools\"><thead><tr><th>Tool</th><th class=\"num\">Calls</th><th class=\"num\">Failed</th></tr></thead><tbody>";
    for (const auto& [name, c] : tools)
      h += "<tr><td>" + esc(name) + "</td><td class=\"num\">" + std::to_string(c.first) + "</td><td class=\"num\">" + std::to_string(c.second) + "</td></tr>";
    h += "</tbody></table>";
  }

  h += context_section(**b, *id, p);

  std::string root = discovery::record_root(r);
  h += "<h2>Steps</h2><table class=\"steps\"><thead><tr><th class=\"num\">#</th><th>Role</th><th>Time</th><th>Content</th><th>Tools</th>"
       "<th class=\"num\">In</th><th class=\"num\">Out</th><th></th></tr></thead><tbody>";
  for (const auto& s : r.steps) {
    std::string idx = std::to_string(s.step_index);
    std::string content = s.content.empty() ? s.reasoning_content : s.content;
    std::string tl;
    for (const auto& c : s.tool_calls) {
      std::string target = discovery::call_path(c);
      if (!target.empty()) target = discovery::relative_to(target, root);
      else target = discovery::call_command(c);
      tl += "<span class=\"tool\">" + esc(c.tool_name) + (target.empty() ? "" : " " + esc(clip(target, 60))) + "</span>";
    }
    int64_t tin = s.token_usage ? s.token_usage->input_tokens + s.token_usage->cache_read_tokens : 0;
    int64_t tout = s.token_usage ? s.token_usage->output_tokens : 0;
    h += "<tr id=\"step-" + idx + "\"><td class=\"num\">" + idx + "</td><td>" + esc(s.role) + (s.call_type == "main" ? "" : " (" + esc(s.call_type) + ")") +
         "</td><td class=\"muted\">" + esc(short_time(s.timestamp)) + "</td><td class=\"content\">" + esc(clip(content, 400)) + "</td><td>" + tl +
         "</td><td class=\"num\">" + (s.token_usage ? thousands(tin) : "") + "</td><td class=\"num\">" + (s.token_usage ? thousands(tout) : "") +
         "</td><td><a href=\"/trace/" + url_enc(*id) + "?step=" + idx + "#context\">context</a></td></tr>";
  }
  h += "</tbody></table>";
  return Response{200, "text/html; charset=utf-8", layout(title.empty() ? *id : title, "traces", "trace", site.token, h)};
}

}  // namespace ot::web
