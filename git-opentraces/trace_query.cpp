// `git opentraces trace query|index`: full-text and faceted search over the bucket
// (docs/discovery.md). Engine: engine/discovery/query.h, index_admin.h.
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "engine/bucket/bucket.h"
#include "engine/discovery/index_admin.h"
#include "engine/discovery/query.h"
#include "engine/project/project.h"
#include "engine/project/worktree.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

namespace fs = std::filesystem;

// Test-only: OPENTRACES_NOW (ISO time or epoch ms) fixes "now" for --since durations.
int64_t query_now() {
  const char* env = std::getenv("OPENTRACES_NOW");
  if (!env || !*env) return now_ms();
  std::string v(env);
  if (v.find_first_not_of("0123456789") == std::string::npos && v.size() >= 10) return std::stoll(v);
  if (auto ms = ms_from_iso(v)) return *ms;
  return now_ms();
}

std::string clip(std::string s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n - 1;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

struct QueryFlags {
  discovery::QueryOptions o;
  std::string since, files;
  bool cwd = false, committed = false, uncommitted = false, success = false, no_success = false;
  bool latest = false, superseded = false;
};

// --files as stored: relative to the work tree of the current directory when absolute.
std::string repo_relative(const std::string& path) {
  fs::path p(path);
  if (!p.is_absolute()) return path;
  std::error_code ec;
  auto tree = project::find_work_tree(fs::current_path(ec));
  if (!tree) return path;
  auto rel = p.lexically_normal().lexically_relative(tree->root.lexically_normal());
  if (rel.empty() || rel.native().rfind("..", 0) == 0) return path;
  return rel.string();
}

void run_query(QueryFlags f) {
  auto& o = f.o;
  if (f.committed && f.uncommitted)
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "trace query", "--committed and --uncommitted exclude each other", "give one");
  if (f.success && f.no_success)
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "trace query", "--success and --no-success exclude each other", "give one");
  if (f.latest && f.superseded)
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "trace query", "--latest-generation and --include-superseded exclude each other",
              "give one");
  if (f.cwd && o.project)
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "trace query", "--cwd and --project exclude each other",
              "--cwd means the project of the current directory; or name one with --project");
  if (f.committed || f.uncommitted) o.committed = f.committed;
  if (f.success || f.no_success) o.success = f.success;
  o.include_superseded = f.superseded;
  if (!f.since.empty()) o.since_ms = cli::unwrap(parse_since(f.since, query_now()));
  if (!f.files.empty()) o.files = repo_relative(f.files);
  if (f.cwd) {
    std::error_code ec;
    auto proj = cli::unwrap(project::find_project(fs::current_path(ec)));
    if (!proj)
      cli::fail(ExitCode::kResource, "PROJECT_NOT_ENROLLED", "trace query", "--cwd: the current directory is not in an enrolled project",
                "run `git opentraces init` here, or name a project with --project");
    o.project = proj->slug;
  }

  auto b = cli::unwrap(bucket::open_and_drain());
  ordered_json payload = cli::unwrap(discovery::run_query(*b, o));
  if (cli::globals().json) {
    auto doc = cli::envelope(discovery::kQuerySchema);
    for (auto& [k, v] : payload.items()) doc[k] = v;
    cli::emit_json(doc);
    return;
  }
  const auto& cands = payload["candidates"];
  if (cands.empty()) {
    cli::say(payload["total"] == 0 ? "No traces match." : "No more traces.");
  }
  for (const auto& c : cands) {
    std::string id = c["trace_id"].get<std::string>();
    std::string title = c["title"].get<std::string>();
    std::string line = id + "  " + clip(title.empty() ? "(untitled)" : title, 80);
    if (payload["sort"] == "relevance") line += "  " + cli::dim("score " + c["score"].dump());
    cli::say(line);
    cli::say(cli::dim("    " + c["match_explanation"].get<std::string>()));
  }
  std::string footer = std::to_string(cands.size()) + " of " + payload["total"].dump() + " trace(s), sorted by " +
                       payload["sort"].get<std::string>();
  if (payload["has_more"].get<bool>()) footer += " · next page: --page-token " + payload["next_page_token"].get<std::string>();
  cli::say(cli::dim(footer));
  if (payload["freshness"]["stale"].get<bool>())
    cli::say(cli::yellow("index: " + payload["freshness"]["stale_reason"].get<std::string>() +
                         " — run `git opentraces trace index rebuild`"));
}

void say_status(const ordered_json& s) {
  cli::say(cli::bold("Search index") + "  " + s["state"].get<std::string>());
  cli::say("  traces      " + s["indexed_traces"].dump() + " indexed of " + s["bucket_traces"].dump() + " in the bucket");
  cli::say("  version     " + s["index_version"].dump() + " (this build: " + s["expected_version"].dump() + ")");
  cli::say("  size        ~" + std::to_string(s["approx_bytes"].get<uint64_t>() / 1024) + " KB on disk");
  cli::say("  postings    " + s["loose_traces"].dump() + " trace(s) loose, " + s["gone_traces"].dump() +
           " void marker(s); segments numbered below " + s["next_segment"].dump());
  if (s["stale_reason"].is_string())
    cli::say(cli::yellow("  " + s["stale_reason"].get<std::string>() + " — run `git opentraces trace index rebuild`"));
}

void run_index_status() {
  auto b = cli::unwrap(bucket::open_and_drain());
  ordered_json s = cli::unwrap(discovery::index_status(*b));
  if (cli::globals().json) {
    auto doc = cli::envelope(discovery::kIndexSchema);
    doc["action"] = "status";
    doc["index"] = s;
    cli::emit_json(doc);
    return;
  }
  say_status(s);
}

void run_index_rebuild() {
  auto b = cli::unwrap(bucket::open_and_drain());
  ordered_json r = cli::unwrap(discovery::index_rebuild(*b));
  if (cli::globals().json) {
    auto doc = cli::envelope(discovery::kIndexSchema);
    doc["action"] = "rebuild";
    for (auto& [k, v] : r.items()) doc[k] = v;
    cli::emit_json(doc);
    return;
  }
  cli::say("Rebuilt the derived indexes of " + r["rebuilt"]["traces_rebuilt"].dump() + " trace(s) in " + r["elapsed_ms"].dump() +
           " ms");
  if (r["rebuilt"]["traces_lost"].get<int64_t>() > 0)
    cli::say(cli::yellow(r["rebuilt"]["traces_lost"].dump() + " trace(s) had no readable record (see `git opentraces bucket verify`)"));
  say_status(r["index"]);
}

void run_index_pack(bool full) {
  auto b = cli::unwrap(bucket::open_and_drain());
  ordered_json r = cli::unwrap(discovery::index_pack(*b, full));
  if (cli::globals().json) {
    auto doc = cli::envelope(discovery::kIndexSchema);
    doc["action"] = "pack";
    for (auto& [k, v] : r.items()) doc[k] = v;
    cli::emit_json(doc);
    return;
  }
  const auto& p = r["packed"];
  cli::say("Packed " + p["loose_postings"].dump() + " loose posting(s) of " + p["traces_packed"].dump() + " trace(s) into " +
           p["terms"].dump() + " term segment(s)" + (full ? " (full: every term in one segment)" : "") + " in " +
           p["elapsed_ms"].dump() + " ms");
  if (p["void_dropped"].get<int64_t>() > 0) cli::say("  dropped " + p["void_dropped"].dump() + " void entrie(s)");
  say_status(r["index"]);
}

}  // namespace

void register_trace_query(CLI::App& trace_group) {
  auto f = std::make_shared<QueryFlags>();
  CLI::App* q = cli::add_command(
      trace_group, "query", "Search traces: full text (BM25F) over prompts, answers, tool inputs, paths, commits; facets and time",
      "  git opentraces trace query divide zero\n"
      "  git opentraces trace query --since 7d --agent codex\n"
      "  git opentraces trace query calc --files src/calc.py --file-op edit --committed\n"
      "  git opentraces trace query parser --sort recency --limit 5 --json\n");
  q->add_option("terms", f->o.terms, "Words to find; every word must occur in the trace");
  q->add_option("--since", f->since, "Traces that started at or after: 7d, 12h, 30m, or an ISO date/time (inclusive)");
  auto opt = [f](std::optional<std::string> discovery::QueryOptions::*field) {
    return [f, field](const std::string& v) { f->o.*field = v; };
  };
  q->add_option_function<std::string>("--project", opt(&discovery::QueryOptions::project), "Only this project slug");
  q->add_flag("--cwd", f->cwd, "Only the project of the current directory");
  q->add_option_function<std::string>("--agent", opt(&discovery::QueryOptions::agent), "Only this agent (claude-code, codex, pi)");
  q->add_option_function<std::string>("--model", opt(&discovery::QueryOptions::model), "Only traces that used this model");
  q->add_option_function<std::string>("--tool", opt(&discovery::QueryOptions::tool), "Only traces that called this tool");
  q->add_option_function<std::string>("--skill", opt(&discovery::QueryOptions::skill), "Only traces that used this skill");
  q->add_option("--files", f->files, "Only traces that touched this file, or a file under this directory (repo-relative)");
  q->add_option_function<std::string>("--file-op", opt(&discovery::QueryOptions::file_op), "With --files (or alone): edit or read");
  q->add_flag("--committed", f->committed, "Only traces whose work was committed");
  q->add_flag("--uncommitted", f->uncommitted, "Only traces with no commit");
  q->add_flag("--success", f->success, "Only traces whose outcome is known successful");
  q->add_flag("--no-success", f->no_success, "Only traces whose outcome is known failed");
  q->add_option("--signal", f->o.signals, "Run-intel signal kind (not indexed yet: answers exit 10)")->allow_extra_args(false);
  q->add_option("--sort", f->o.sort, "relevance (default with words) | time (oldest first) | recency (newest first)");
  q->add_option("--limit", f->o.limit, "Candidates per page (1..1000, default 20)");
  q->add_option("--page-token", f->o.page_token, "Continue with the next page of the same query");
  q->add_flag("--latest-generation", f->latest, "Latest trace per session only (the default)");
  q->add_flag("--include-superseded", f->superseded, "Also traces superseded by a later trace of the same session");
  q->callback([f] { run_query(*f); });

  CLI::App* idx = cli::add_command(trace_group, "index", "The search index: status, pack its postings, or rebuild it from the stored records",
                                   "  git opentraces trace index status\n"
                                   "  git opentraces trace index pack\n"
                                   "  git opentraces trace index rebuild --json\n");
  idx->require_subcommand(1);
  CLI::App* status = cli::add_command(*idx, "status", "Indexed traces against the bucket, index version, size",
                                      "  git opentraces trace index status --json\n");
  status->callback([] { run_index_status(); });
  CLI::App* rebuild = cli::add_command(*idx, "rebuild",
                                       "Rebuild every derived index from the stored objects (what `bucket repair` does)",
                                       "  git opentraces trace index rebuild\n");
  rebuild->callback([] { run_index_rebuild(); });
  auto full = std::make_shared<bool>(false);
  CLI::App* pack = cli::add_command(*idx, "pack",
                                    "Move loose postings into per-term segments (ingest does it when enough are loose)",
                                    "  git opentraces trace index pack\n"
                                    "  git opentraces trace index pack --full --json   # one segment per term, void entries dropped\n");
  pack->add_flag("--full", *full, "Rewrite every term into one segment and clear the void markers");
  pack->callback([full] { run_index_pack(*full); });
}

}  // namespace ot::cmd
