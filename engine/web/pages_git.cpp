// Pages that read the repository serve started in: the commit/trace graph (SVG from
// the same data as `trail graph`) and blame of a file (the engine of `git opentraces
// blame`) with a trace gutter linking to the trace pages.
#include <algorithm>
#include <map>
#include <set>

#include "engine/trails/file_blame.h"
#include "engine/trails/graph.h"
#include "engine/util/time.h"
#include "engine/web/html.h"
#include "engine/web/pages.h"
#include "notes/handle.h"

namespace ot::web {
namespace {

std::string get(const Params& p, const std::string& k) {
  auto it = p.find(k);
  return it == p.end() ? std::string() : it->second;
}

std::string agent_class(const std::string& agent) {
  if (agent == "claude-code" || agent == "codex" || agent == "pi") return agent;
  return "other";
}

int int_param(const Params& p, const std::string& k, int dflt, int lo, int hi) {
  std::string v = get(p, k);
  if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) return dflt;
  return std::clamp(std::stoi(v), lo, hi);
}

Result<std::vector<trails::GraphCommit>> graph_data(const Site& site, const Params& p, trails::GraphOptions& o) {
  auto repo = git::Repo::open(site.cwd);
  if (!repo.ok()) return repo.error();
  o.limit = int_param(p, "limit", 30, 1, 500);
  o.trace = get(p, "trace");
  return trails::build_graph(*repo, o);
}

// One row per commit (newest first), one lane per trace (in order of first
// appearance); a trace's dot on a commit's row means the commit carries its lines.
std::string graph_svg(const std::vector<trails::GraphCommit>& commits) {
  std::vector<std::string> lanes;
  std::map<std::string, std::string> agent_of;
  std::map<std::string, std::pair<size_t, size_t>> span;  // trace → first/last row
  for (size_t row = 0; row < commits.size(); ++row)
    for (const auto& t : commits[row].traces) {
      if (!span.count(t.trace_id)) {
        lanes.push_back(t.trace_id);
        span[t.trace_id] = {row, row};
        agent_of[t.trace_id] = t.agent;
      }
      span[t.trace_id].second = row;
    }
  const int kRow = 34, kTop = 24, kSpineX = 18, kLane0 = 54, kLaneW = 26;
  int text_x = kLane0 + static_cast<int>(lanes.size()) * kLaneW + 10;
  int height = kTop + static_cast<int>(commits.size()) * kRow;
  int width = text_x + 640;
  auto y_of = [&](size_t row) { return kTop + static_cast<int>(row) * kRow; };
  auto x_of = [&](const std::string& id) {
    return kLane0 + static_cast<int>(std::find(lanes.begin(), lanes.end(), id) - lanes.begin()) * kLaneW;
  };
  std::string s = "<svg class=\"graph\" id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                  std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
                  "\" role=\"img\" aria-label=\"commits and the traces whose lines they carry\">";
  if (commits.size() > 1)
    s += "<line class=\"spine\" x1=\"" + std::to_string(kSpineX) + "\" y1=\"" + std::to_string(y_of(0)) + "\" x2=\"" + std::to_string(kSpineX) +
         "\" y2=\"" + std::to_string(y_of(commits.size() - 1)) + "\"/>";
  for (const auto& id : lanes) {
    auto [a, b] = span[id];
    if (a != b)
      s += "<line class=\"lane " + agent_class(agent_of[id]) + "\" x1=\"" + std::to_string(x_of(id)) + "\" y1=\"" + std::to_string(y_of(a)) +
           "\" x2=\"" + std::to_string(x_of(id)) + "\" y2=\"" + std::to_string(y_of(b)) + "\"/>";
  }
  for (size_t row = 0; row < commits.size(); ++row) {
    const auto& c = commits[row];
    std::string y = std::to_string(y_of(row));
    for (const auto& t : c.traces)
      s += "<line class=\"link " + agent_class(t.agent) + "\" x1=\"" + std::to_string(kSpineX) + "\" y1=\"" + y + "\" x2=\"" +
           std::to_string(x_of(t.trace_id)) + "\" y2=\"" + y + "\"/>";
    s += "<circle class=\"commit\" cx=\"" + std::to_string(kSpineX) + "\" cy=\"" + y + "\" r=\"5\"><title>" + esc(c.commit.sha) + "</title></circle>";
    for (const auto& t : c.traces)
      s += "<a href=\"/trace/" + url_enc(t.trace_id) + "\"><circle class=\"trace " + agent_class(t.agent) + "\" cx=\"" +
           std::to_string(x_of(t.trace_id)) + "\" cy=\"" + y + "\" r=\"6\"><title>" + esc(t.agent + " " + t.trace_id + ": " + std::to_string(t.lines) +
           " line(s)") + "</title></circle></a>";
    s += "<text class=\"sha\" x=\"" + std::to_string(text_x) + "\" y=\"" + std::to_string(y_of(row) + 4) + "\">" + esc(c.commit.sha.substr(0, 8)) +
         "</text><text x=\"" + std::to_string(text_x + 70) + "\" y=\"" + std::to_string(y_of(row) + 4) + "\">" + esc(clip(c.commit.subject, 80)) + "</text>";
  }
  return s + "</svg>";
}

std::string no_repo(const Error& e) {
  return "<p class=\"error\">" + esc(e.message) + "</p><p class=\"muted\">Start <code>git opentraces serve</code> inside a checkout to see its graph and blame.</p>";
}

}  // namespace

Response graph_page(const Site& site, const Params& p) {
  trails::GraphOptions o;
  auto commits = graph_data(site, p, o);
  std::string h = "<h1>Commit / trace graph</h1>";
  if (!commits.ok()) {
    if (commits.error().code == "NOT_A_GIT_REPO")
      return Response{200, "text/html; charset=utf-8", layout("Graph", "graph", "graph", site.token, h + no_repo(commits.error()))};
    return error_page(site, commits.error(), "graph");
  }
  h += "<p class=\"muted\">The last " + std::to_string(commits->size()) + " commit(s) of " + esc(o.until) +
       (o.trace.empty() ? "" : " carrying trace " + esc(o.trace)) + ", with the traces whose lines they carry (from the Trace Trails notes).</p>";
  if (commits->empty()) h += "<p>No commits.</p>";
  else h += graph_svg(*commits);
  h += "<table class=\"commits\"><thead><tr><th>Commit</th><th>Subject</th><th>Time</th><th>Traces</th></tr></thead><tbody>";
  for (const auto& c : *commits) {
    std::string ts;
    for (const auto& t : c.traces) {
      ts += "<div><a href=\"/trace/" + url_enc(t.trace_id) + "\" class=\"mono\">" + esc(t.trace_id.substr(0, 8)) + "</a> " + esc(t.agent) + " · " +
            std::to_string(t.lines) + " line(s)";
      for (const auto& f : t.files) ts += " <a href=\"/blame?path=" + url_enc(f) + "\">" + esc(f) + "</a>";
      ts += "</div>";
    }
    h += "<tr><td class=\"mono\">" + esc(c.commit.sha.substr(0, 8)) + "</td><td>" + esc(c.commit.subject) + "</td><td class=\"muted\">" +
         esc(short_time(iso_from_ms(c.commit.time_ms))) + "</td><td>" + (ts.empty() ? "<span class=\"muted\">no agent lines</span>" : ts) + "</td></tr>";
  }
  h += "</tbody></table>";
  return Response{200, "text/html; charset=utf-8", layout("Graph", "graph", "graph", site.token, h)};
}

Response api_graph(const Site& site, const Params& p) {
  trails::GraphOptions o;
  auto commits = graph_data(site, p, o);
  if (!commits.ok()) return api_error(commits.error());
  ordered_json doc;
  doc["status"] = "ok";
  doc["schema_version"] = "opentraces.trail.graph.v1";
  doc["mode"] = o.trace.empty() ? "commit" : "trace";
  doc["pivot_trace_id"] = o.trace.empty() ? json(nullptr) : json(o.trace);
  json cs = json::array();
  for (const auto& c : *commits) {
    json ts = json::array();
    for (const auto& t : c.traces)
      ts.push_back({{"trace_id", t.trace_id}, {"agent", t.agent}, {"line_count", t.lines}, {"files", t.files},
                    {"source", "trail_notes"}, {"evidence_tier", t.best_tier}});
    cs.push_back({{"sha", c.commit.sha}, {"short_sha", c.commit.sha.substr(0, 8)}, {"subject", c.commit.subject},
                  {"timestamp", iso_from_ms(c.commit.time_ms)}, {"parents", c.commit.parents}, {"traces", ts}});
  }
  doc["commits"] = cs;
  return json_response(doc);
}

Response blame_page(const Site& site, const Params& p) {
  std::string path = get(p, "path"), rev = get(p, "rev");
  if (rev.empty()) rev = "HEAD";
  std::string h = "<h1>Blame</h1><form class=\"search\" method=\"get\" action=\"/blame\"><input type=\"text\" id=\"path\" name=\"path\" "
                  "placeholder=\"repo-relative path, e.g. src/calc.py\" value=\"" + esc(path) + "\"><input type=\"text\" name=\"rev\" value=\"" +
                  esc(rev) + "\" aria-label=\"revision\"><button type=\"submit\">Blame</button></form>";
  auto page = [&](int status) { return Response{status, "text/html; charset=utf-8", layout(path.empty() ? "Blame" : "Blame " + path, "blame", "blame", site.token, h)}; };
  if (path.empty()) {
    h += "<p class=\"muted\">Name a file of the repository serve runs in. Files agents touched are linked from the graph and the trace pages.</p>";
    return page(200);
  }
  bool escapes = path[0] == '/';
  for (size_t a = 0; a <= path.size() && !escapes;) {
    size_t b = std::min(path.find('/', a), path.size());
    escapes = path.compare(a, b - a, "..") == 0;
    a = b + 1;
  }
  if (escapes) {
    h += "<p class=\"error\">The path must be relative to the repository root and stay inside it: " + esc(path) + "</p>";
    return page(400);
  }
  auto repo = git::Repo::open(site.cwd);
  if (!repo.ok()) {
    h += no_repo(repo.error());
    return page(200);
  }
  trails::FileBlameOptions o;
  o.rev = rev;
  auto fb = trails::blame_file(*repo, path, o);
  if (!fb.ok()) return error_page(site, fb.error(), "blame");

  h += "<p class=\"muted\">" + esc(fb->path) + " at " + esc(fb->rev_sha.substr(0, 12)) + ": ";
  bool first = true;
  for (const auto& [kind, n] : fb->kinds) {
    h += std::string(first ? "" : " · ") + std::to_string(n) + " " + esc(kind);
    first = false;
  }
  h += "</p>";
  if (!fb->traces.empty()) {
    h += "<p>Traces: ";
    for (const auto& t : fb->traces)
      h += "<a class=\"mono\" href=\"/trace/" + url_enc(t.trace_id) + "\">" + esc(t.trace_id.substr(0, 8)) + "</a> " + esc(t.agent) + " (" +
           std::to_string(t.lines) + " lines) ";
    h += "</p>";
  }
  h += "<table class=\"blame mono\"><tbody>";
  std::string prev;
  for (const auto& l : fb->lines) {
    const auto& w = l.who;
    std::string group = l.origin.commit_sha + "|" + w.kind + "|" + w.trace_id;
    bool starts = group != prev;
    prev = group;
    std::string gutter;
    if (starts) {
      gutter = esc(l.origin.commit_sha.substr(0, 8)) + " ";
      if (w.kind == "agent" && !w.trace_id.empty() && w.source == "opentraces")
        gutter += "<a class=\"gutter-trace\" href=\"/trace/" + url_enc(w.trace_id) + "\">" + esc(w.agent.empty() ? "agent" : w.agent) + " " +
                  esc(w.trace_id.substr(0, 8)) + "</a>";
      else if (w.kind == "agent")
        gutter += esc((w.agent.empty() ? std::string("agent") : w.agent) + (w.source == "git-ai" ? " (git-ai)" : ""));
      else gutter += esc(w.kind);
    }
    h += "<tr class=\"" + esc(w.kind) + (starts ? " first" : "") + "\"><td class=\"gutter\">" + gutter + "</td><td class=\"ln\">" +
         std::to_string(l.origin.line) + "</td><td>" + esc(l.origin.text) + "</td></tr>";
  }
  h += "</tbody></table>";
  return page(200);
}

}  // namespace ot::web
