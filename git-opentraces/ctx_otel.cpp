// `git opentraces ctx otel <trace>`: the OTLP evidence of a trace (capture method otel,
// from `capture-otlp flush`) — one line per model request with its token counts beside
// the session file's for the step it matches. Mechanism in engine/otlp/flush.
#include <cstdio>

#include "engine/bucket/bucket.h"
#include "engine/otlp/flush.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

std::string tokens_line(const json& t) {
  if (!t.is_object()) return "-";
  char buf[160];
  std::snprintf(buf, sizeof buf, "%6lld in %7lld cache-r %6lld cache-w %5lld out",
                static_cast<long long>(t.value("input", 0)), static_cast<long long>(t.value("cache_read", 0)),
                static_cast<long long>(t.value("cache_creation", 0)), static_cast<long long>(t.value("output", 0)));
  return buf;
}

void render(const json& v) {
  std::string trace = v.value("trace_id", "");
  if (v.value("request_count", 0) == 0) {
    cli::say(cli::bold(trace) + "  no OTLP evidence (otel_not_captured)");
    cli::say("  next → git opentraces capture-otlp flush --session <session id> --trace " + trace);
    return;
  }
  cli::say(cli::bold(trace) + "  otel: " + std::to_string(v.value("request_count", 0)) + " model requests, " +
           std::to_string(v.value("matched_count", 0)) + " matched to steps of the session file (" +
           std::to_string(v.value("transcript_agent_steps", 0)) + " agent steps with usage)");
  for (const auto& r : v["requests"]) {
    std::string step = r["step_index"].is_number() ? "step " + std::to_string(r["step_index"].get<int>()) : "no step";
    std::string tools;
    for (const auto& t : r.value("tools", json::array()))
      tools += (tools.empty() ? " → " : ", ") + (t["tool_name"].is_string() ? t["tool_name"].get<std::string>() : "?");
    char cost[32] = "";
    if (r["cost_usd"].is_number()) std::snprintf(cost, sizeof cost, " $%.4f", r["cost_usd"].get<double>());
    std::string dur = r["duration_ms"].is_number() ? " " + std::to_string(r["duration_ms"].get<int64_t>()) + " ms" : "";
    cli::say("  " + r.value("request_id", std::string()) + "  " + step + cost + dur + tools);
    cli::say("    otel       " + tokens_line(r["otel"]));
    if (r["transcript"].is_object())
      cli::say("    transcript " + tokens_line(r["transcript"]) +
               (r.value("agrees", false) ? cli::green("  same") : cli::yellow("  output differs")));
  }
  const json& t = v["totals"];
  cli::say("  total otel       " + tokens_line(t["otel"]));
  cli::say("  total transcript " + tokens_line(t["transcript"]));
  std::string lim;
  for (const auto& l : v["limitations"]) lim += (lim.empty() ? "" : ", ") + l.get<std::string>();
  if (!lim.empty()) cli::say(cli::dim("  limitations: " + lim));
}

}  // namespace

void register_ctx_otel(CLI::App& ctx_group) {
  auto ref = std::make_shared<std::string>();
  CLI::App* c = cli::add_command(ctx_group, "otel",
                                 "OTLP evidence of a trace: each model request's tokens beside the session file's step",
                                 "  git opentraces ctx otel <trace>\n"
                                 "  git opentraces ctx otel <trace> --json | jq '.requests[] | {step_index, otel, transcript}'\n"
                                 "\nFill it with `git opentraces capture-otlp flush --session <id>` (docs/otlp.md).");
  c->add_option("trace", *ref, "Trace id or unique prefix")->required();
  c->callback([ref] {
    auto b = cli::unwrap(bucket::open_and_drain());
    json v = cli::unwrap(otlp::otel_view(*b, *ref));
    if (!cli::globals().json) return render(v);
    auto doc = cli::envelope("opentraces.ctx.otel.v1");
    for (const auto& [k, x] : v.items()) doc[k] = x;
    cli::emit_json(doc);
  });
}

}  // namespace ot::cmd
