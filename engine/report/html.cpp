#include "engine/report/html.h"

#include <cstdio>
#include <sstream>

namespace ot::report {
namespace {

std::string esc(const ordered_json& v) {
  if (v.is_null()) return "—";
  if (v.is_string()) return html_escape(v.get<std::string>());
  return html_escape(v.dump());
}

// Appends rather than inserts: GCC 12 -O2 warns (-Werror=restrict) on string::insert here.
std::string thousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out = v < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}
std::string count(const ordered_json& v) { return v.is_number() ? thousands(v.get<int64_t>()) : "—"; }
std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
std::string pct(const ordered_json& v) { return v.is_number() ? fixed(v.get<double>() * 100.0, 1) + "%" : "—"; }
std::string usd(const ordered_json& v) { return v.is_number() ? "$" + fixed(v.get<double>(), 4) : "—"; }
int64_t n(const ordered_json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_number() ? j[k].get<int64_t>() : 0;
}

const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;color:#1d232a;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #d8dee4;padding-bottom:.25rem}
.meta{color:#57606a}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.kpi{display:flex;gap:1rem;flex-wrap:wrap;margin:.5rem 0}.kpi div{background:#f6f8fa;border-radius:6px;padding:.5rem .75rem}
.kpi b{display:block;font-size:1.3rem}.legend span{margin-right:1rem}.sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px;border-radius:2px}
.empty{color:#57606a;font-style:italic}code{font-size:.9em}footer{margin-top:2rem;color:#57606a;font-size:.9em}
)";

const char* kColors[] = {"#1f6feb", "#8250df", "#bf8700", "#6e7781"};

void share_section(std::ostringstream& h, const ordered_json& s) {
  h << "<section id=\"share\"><h2>Agent share of added lines</h2>";
  if (!s.is_object()) {
    h << "<p class=\"empty\">No commits in the window.</p></section>";
    return;
  }
  const auto& a = s["added"];
  int64_t total = n(a, "total");
  h << "<div class=\"kpi\"><div><b>" << pct(s["agent_share"]) << "</b>agent share</div><div><b>"
    << count(a["total"]) << "</b>added lines</div><div><b>" << count(s["commits"]) << "</b>commits ("
    << count(s["commits_with_notes"]) << " with notes)</div><div><b>" << count(s["agent_lines"]["accepted"])
    << "</b>agent lines still there</div></div>";
  const char* parts[] = {"agent", "human_modified", "human", "unknown"};
  const char* labels[] = {"agent", "human-modified", "human", "unknown"};
  h << "<svg width=\"600\" height=\"28\" viewBox=\"0 0 600 28\" role=\"img\" aria-label=\"added lines by author\">";
  double x = 0;
  for (int i = 0; i < 4; ++i) {
    double w = total > 0 ? 600.0 * double(n(a, parts[i])) / double(total) : 0;
    if (w > 0)
      h << "<rect x=\"" << fixed(x, 2) << "\" y=\"0\" width=\"" << fixed(w, 2) << "\" height=\"28\" fill=\""
        << kColors[i] << "\"><title>" << labels[i] << ": " << thousands(n(a, parts[i])) << "</title></rect>";
    x += w;
  }
  if (total == 0) h << "<rect x=\"0\" y=\"0\" width=\"600\" height=\"28\" fill=\"#eaeef2\"/>";
  h << "</svg><p class=\"legend\">";
  for (int i = 0; i < 4; ++i)
    h << "<span><i class=\"sw\" style=\"background:" << kColors[i] << "\"></i>" << labels[i] << " "
      << thousands(n(a, parts[i])) << "</span>";
  h << "</p><p class=\"meta\">Range <code>" << esc(s["range"]) << "</code>; deleted lines "
    << count(s["deleted"]["total"]) << " (" << count(s["deleted"]["agent"]) << " by agents).</p>";
  if (!s["agents"].empty()) {
    h << "<table><thead><tr><th>agent</th><th>model</th><th class=\"n\">added</th><th class=\"n\">share</th>"
         "<th class=\"n\">accepted</th><th class=\"n\">overwritten</th></tr></thead><tbody>";
    for (const auto& r : s["agents"])
      h << "<tr><td>" << esc(r["agent"]) << "</td><td>" << esc(r["model"]) << "</td><td class=\"n\">"
        << count(r["added"]) << "</td><td class=\"n\">" << pct(r["share"]) << "</td><td class=\"n\">"
        << count(r["accepted"]) << "</td><td class=\"n\">" << count(r["overwritten"]) << "</td></tr>";
    h << "</tbody></table>";
  }
  h << "</section>";
}

void tokens_section(std::ostringstream& h, const ordered_json& t, const ordered_json& pricing) {
  h << "<section id=\"tokens\"><h2>Tokens and cost estimate</h2>";
  const auto& tot = t["total"];
  h << "<div class=\"kpi\"><div><b>" << count(tot["traces"]) << "</b>traces</div><div><b>" << count(tot["total_tokens"])
    << "</b>tokens</div><div><b>" << usd(tot["estimated_cost_usd"]) << "</b>estimated cost</div></div>";
  if (t["by_agent_model"].empty()) {
    h << "<p class=\"empty\">No traces in the window.</p></section>";
    return;
  }
  int64_t max_total = 1;
  for (const auto& r : t["by_agent_model"]) max_total = std::max(max_total, n(r, "total_tokens"));
  h << "<table><thead><tr><th>agent</th><th>model</th><th class=\"n\">traces</th><th class=\"n\">input</th>"
       "<th class=\"n\">output</th><th class=\"n\">cache read</th><th class=\"n\">cache write</th>"
       "<th class=\"n\">cost (USD)</th><th></th></tr></thead><tbody>";
  for (const auto& r : t["by_agent_model"]) {
    double w = 120.0 * double(n(r, "total_tokens")) / double(max_total);
    h << "<tr><td>" << esc(r["agent"]) << "</td><td>" << esc(r["model"]) << "</td><td class=\"n\">" << count(r["traces"])
      << "</td><td class=\"n\">" << count(r["input_tokens"]) << "</td><td class=\"n\">" << count(r["output_tokens"])
      << "</td><td class=\"n\">" << count(r["cache_read_tokens"]) << "</td><td class=\"n\">"
      << count(r["cache_write_tokens"]) << "</td><td class=\"n\">" << usd(r["estimated_cost_usd"])
      << (n(r, "unpriced_traces") ? " <span class=\"meta\">(" + thousands(n(r, "unpriced_traces")) + " unpriced)</span>" : "")
      << "</td><td><svg width=\"120\" height=\"10\" viewBox=\"0 0 120 10\"><rect width=\"" << fixed(w, 2)
      << "\" height=\"10\" fill=\"#1f6feb\"/></svg></td></tr>";
  }
  h << "</tbody></table><p class=\"meta\">Cost is an estimate: " << esc(pricing["source"]) << ".";
  for (const auto& p : pricing["models"]) {
    h << " <code>" << esc(p["model"]) << "</code>: ";
    if (p["usd_per_million"].is_object())
      h << "$" << fixed(p["usd_per_million"]["input"].get<double>(), 2) << " in / $"
        << fixed(p["usd_per_million"]["output"].get<double>(), 2) << " out per 1M (prefix <code>"
        << esc(p["table_prefix"]) << "</code>);";
    else
      h << "not in the table;";
  }
  h << "</p></section>";
}

void survival_section(std::ostringstream& h, const ordered_json& s) {
  h << "<section id=\"survival\"><h2>Survival of agent lines</h2>";
  if (!s.is_object() || s["by_day"].empty()) {
    h << "<p class=\"empty\">No anchored agent edits in the window.</p></section>";
    return;
  }
  const auto& tot = s["total"];
  h << "<div class=\"kpi\"><div><b>" << pct(tot["retention"]) << "</b>of authored lines still at HEAD</div><div><b>"
    << count(tot["alive"]) << " / " << count(tot["patches"]) << "</b>patches alive</div></div>";
  const auto& days = s["by_day"];
  int cols = int(days.size());
  int bw = std::max(12, std::min(60, 560 / std::max(1, cols)));
  int width = 40 + cols * (bw + 6);
  h << "<svg width=\"" << width << "\" height=\"150\" viewBox=\"0 0 " << width
    << " 150\" role=\"img\" aria-label=\"retention by day\"><line x1=\"36\" y1=\"10\" x2=\"36\" y2=\"120\" "
       "stroke=\"#d8dee4\"/><text x=\"0\" y=\"14\" font-size=\"10\">100%</text><text x=\"10\" y=\"122\" "
       "font-size=\"10\">0%</text>";
  int i = 0;
  for (const auto& d : days) {
    double r = d["retention"].get<double>();
    double bh = 110.0 * r;
    int x = 40 + i * (bw + 6);
    h << "<rect x=\"" << x << "\" y=\"" << fixed(120.0 - bh, 2) << "\" width=\"" << bw << "\" height=\"" << fixed(bh, 2)
      << "\" fill=\"#2da44e\"><title>" << esc(d["day"]) << ": " << pct(d["retention"]) << " of "
      << count(d["authored_lines"]) << " lines</title></rect><text x=\"" << x << "\" y=\"136\" font-size=\"9\">"
      << esc(d["day"]).substr(5) << "</text>";
    ++i;
  }
  h << "</svg><table><thead><tr><th>landed</th><th class=\"n\">patches</th><th class=\"n\">alive</th>"
       "<th class=\"n\">authored lines</th><th class=\"n\">preserved</th><th class=\"n\">retention</th></tr></thead><tbody>";
  for (const auto& d : days)
    h << "<tr><td>" << esc(d["day"]) << "</td><td class=\"n\">" << count(d["patches"]) << "</td><td class=\"n\">"
      << count(d["alive"]) << "</td><td class=\"n\">" << count(d["authored_lines"]) << "</td><td class=\"n\">"
      << count(d["preserved_lines"]) << "</td><td class=\"n\">" << pct(d["retention"]) << "</td></tr>";
  h << "</tbody></table><p class=\"meta\">States at HEAD:";
  for (const auto& [k, v] : s["states"].items()) h << " " << html_escape(k) << " " << count(v) << ";";
  h << "</p></section>";
}

void skills_section(std::ostringstream& h, const ordered_json& s) {
  h << "<section id=\"skills\"><h2>Top skills</h2>";
  if (s["top"].empty()) {
    h << "<p class=\"empty\">No skill used in the window.</p></section>";
    return;
  }
  h << "<table><thead><tr><th>skill</th><th class=\"n\">invocations</th><th class=\"n\">traces</th><th>last used</th>"
       "</tr></thead><tbody>";
  for (const auto& k : s["top"])
    h << "<tr><td>" << esc(k["skill"]) << "</td><td class=\"n\">" << count(k["invocations"]) << "</td><td class=\"n\">"
      << count(k["traces"]) << "</td><td>" << esc(k["last_used"]) << "</td></tr>";
  h << "</tbody></table></section>";
}

void waste_section(std::ostringstream& h, const ordered_json& w) {
  h << "<section id=\"waste\"><h2>Context waste signals</h2>";
  h << "<div class=\"kpi\"><div><b>" << count(w["findings"]) << "</b>findings</div><div><b>"
    << count(w["traces_with_findings"]) << "</b>traces affected</div>";
  for (const auto& [k, v] : w["by_pattern"].items())
    h << "<div><b>" << count(v) << "</b>" << html_escape(k) << "</div>";
  h << "</div>";
  if (w["top_traces"].empty()) {
    h << "<p class=\"empty\">No waste signal in the window.</p></section>";
    return;
  }
  h << "<table><thead><tr><th>trace</th><th>title</th><th>agent</th><th class=\"n\">findings</th><th>patterns</th>"
       "</tr></thead><tbody>";
  for (const auto& t : w["top_traces"]) {
    std::string patterns;
    for (const auto& [k, v] : t["patterns"].items()) patterns += k + " " + std::to_string(v.get<int>()) + "; ";
    h << "<tr><td><code>" << esc(t["trace_id"]).substr(0, 12) << "</code></td><td>" << esc(t["title"]) << "</td><td>"
      << esc(t["agent"]) << "</td><td class=\"n\">" << count(t["findings"]) << "</td><td>" << html_escape(patterns)
      << "</td></tr>";
  }
  h << "</tbody></table></section>";
}

// "session start" or "session start (2 by write time: no start recorded)".
std::string counted_by(const ordered_json& window) {
  const auto& c = window.contains("traces_counted_by") ? window["traces_counted_by"] : ordered_json();
  int64_t by_write = c.is_object() && c["written_at"].is_number() ? c["written_at"].get<int64_t>() : 0;
  std::string s = "session start";
  if (by_write) s += " (" + std::to_string(by_write) + " by write time: no start recorded)";
  return s;
}

}  // namespace

std::string render_html(const ordered_json& r) {
  std::ostringstream h;
  h << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<link rel=\"icon\" href=\"data:,\">"
       "<title>git opentraces report — "
    << esc(r["window"]["since"]) << "</title><style>" << kStyle << "</style></head><body>\n";
  h << "<header><h1>Agent work report</h1><p class=\"meta\">" << esc(r["window"]["from"]) << " → "
    << esc(r["window"]["to"]) << " (since " << esc(r["window"]["since"]) << ")";
  if (r["scope"]["repository"].is_string()) h << " · repository <code>" << esc(r["scope"]["repository"]) << "</code>";
  h << " · project " << (r["scope"]["project"].is_string() ? esc(r["scope"]["project"]) : "all");
  h << " · traces placed by " << counted_by(r["window"]) << "</p></header>\n";
  share_section(h, r["share"]);
  tokens_section(h, r["tokens"], r["pricing"]);
  survival_section(h, r["survival"]);
  skills_section(h, r["skills"]);
  waste_section(h, r["waste"]);
  h << "\n<footer><p>Generated " << esc(r["generated_at"]) << " by <code>git opentraces report</code> ("
    << esc(r["schema_version"]) << ").</p>";
  if (!r["limitations"].empty()) {
    h << "<ul>";
    for (const auto& l : r["limitations"]) h << "<li>" << esc(l) << "</li>";
    h << "</ul>";
  }
  h << "</footer></body></html>\n";
  return h.str();
}

}  // namespace ot::report
