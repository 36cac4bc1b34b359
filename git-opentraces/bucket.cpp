// `git opentraces bucket`: the private store — status, list, verify, repair,
// export/import (docs/bucket.md). Engine: engine/bucket/.
#include <algorithm>
#include <cstdio>

#include "engine/bucket/bucket.h"
#include "engine/sync/bucket_remote.h"
#include "engine/bucket/spool.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

std::unique_ptr<bucket::Bucket> open_bucket() { return cli::unwrap(bucket::open_and_drain()); }

std::string human_bytes(int64_t n) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

std::string short_id(const std::string& id) { return id.size() > 12 ? id.substr(0, 12) : id; }

std::string clip(std::string s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n - 1;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return s.substr(0, cut) + "…";
}

size_t count_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  size_t n = 0;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) ++n;
  return n;
}

// The sync state from the last fetch: status never touches the network.
json remote_summary(bucket::Bucket& b) {
  auto s = sync::status(b, /*offline=*/true);
  if (!s.ok()) return {{"state", "error"}, {"error", s.error().message}};
  return s->to_json();
}

void run_status() {
  auto b = open_bucket();
  json s = cli::unwrap(b->status());
  auto pending = bucket::spool_pending();
  size_t spool_pending = pending.ok() ? pending->size() : 0;
  size_t quarantined = count_dir(spool_dir() / "quarantine");
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.health.v1");
    for (auto& [k, v] : s.items()) doc[k] = v;
    doc["spool"] = {{"root", spool_dir().string()}, {"pending", spool_pending}, {"quarantined", quarantined}};
    doc["digest"] = s["bucket_digest"];
    doc["remote"] = remote_summary(*b);
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold("Bucket") + "  " + s["root"].get<std::string>());
  char line[256];
  std::snprintf(line, sizeof line, "  traces       %lld in %lld project%s · %lld generations · %lld objects (%s)",
                (long long)s["trace_count"], (long long)s["project_count"], s["project_count"] == 1 ? "" : "s",
                (long long)s["generation_count"], (long long)s["object_count"], human_bytes(s["object_bytes"]).c_str());
  cli::say(line);
  std::snprintf(line, sizeof line, "  events       %lld · %lld traces seen by hooks or records", (long long)s["event_count"],
                (long long)s["active_trace_count"]);
  cli::say(line);
  std::snprintf(line, sizeof line, "  security     %lld scanned · %lld unscanned · %lld syncable", (long long)s["scanned_count"],
                (long long)s["unscanned_count"], (long long)s["syncable_count"]);
  cli::say(line);
  cli::say("  last ingest  " + (s["last_ingest_at"].is_string() ? s["last_ingest_at"].get<std::string>() : std::string("never")));
  std::snprintf(line, sizeof line, "  spool        %zu pending · %zu quarantined", spool_pending, quarantined);
  cli::say(quarantined ? cli::yellow(line) : std::string(line));
  cli::say("  digest       " + cli::dim(s["bucket_digest"].get<std::string>()));
  json remote = remote_summary(*b);
  if (remote["state"] != "unconfigured")
    cli::say("  remote       " + remote["state"].get<std::string>() + " · " +
             (remote["repo_id"].is_string() ? remote["repo_id"].get<std::string>() : std::string("?")) +
             cli::dim("  (as of the last fetch; `bucket remote status` checks now)"));
  if (s["trace_count"] == 0) cli::say("\nNo traces yet: `git opentraces capture ingest SESSION.jsonl` stores one.");
}

std::string sync_state(const json& row) {
  if (!row.value("scanned", false)) return "unknown";
  return row.value("syncable", false) ? "cleared" : "not_cleared";
}

void run_list(const bucket::ListOptions& opts, const std::string& since, bool count_only) {
  bucket::ListOptions o = opts;
  if (!since.empty()) o.since_ms = cli::unwrap(parse_since(since));
  auto b = open_bucket();
  auto page = cli::unwrap(b->list(o));
  json s = cli::unwrap(b->status());
  int64_t unknown = s["unscanned_count"];
  if (count_only) {
    if (cli::globals().json) {
      auto doc = cli::envelope("opentraces.bucket.list.v1");
      doc["count"] = page.total;
      doc["total"] = s["trace_count"];
      doc["unknown_status_count"] = unknown;
      cli::emit_json(doc);
    } else {
      cli::say(std::to_string(page.total));
    }
    return;
  }
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.list.v1");
    json rows = json::array();
    for (const auto& r : page.rows) {
      rows.push_back({{"trace_id", r["trace_id"]},
                      {"project_slug", r["project_slug"]},
                      {"title", clip(r.value("title", ""), 80)},
                      {"written_at", r["written_at"]},
                      {"lifecycle", r.value("lifecycle", "provisional")},
                      {"sync_state", sync_state(r)},
                      {"security_stale", r.value("scanned", false) ? json(r.value("security_stale", false)) : json("unknown")},
                      {"agent_name", r.value("agent_name", "")},
                      {"agent_model", r.value("agent_model", "")},
                      {"generation", r.value("generation", 1)},
                      {"step_count", r.value("step_count", 0)},
                      {"patch_count", r.value("patch_count", 0)},
                      {"timestamp_start", r.value("timestamp_start", json())}});
    }
    doc["rows"] = rows;
    doc["cursor"] = page.next_cursor.empty() ? json() : json(page.next_cursor);
    doc["total"] = page.total;
    doc["unknown_status_count"] = unknown;
    cli::emit_json(doc);
    return;
  }
  if (page.rows.empty()) {
    cli::say(page.total ? "No more traces." : "No traces match.");
    return;
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-12s  %-20s  %-11s  %-22s  %5s  %s", "TRACE", "WRITTEN", "AGENT", "PROJECT", "STEPS", "TITLE");
  cli::say(cli::bold(line));
  for (const auto& r : page.rows) {
    std::string written = r.value("written_at", "").substr(0, 19);
    std::snprintf(line, sizeof line, "%-12s  %-20s  %-11s  %-22s  %5d  %s", short_id(r.value("trace_id", "")).c_str(),
                  written.c_str(), clip(r.value("agent_name", ""), 11).c_str(), clip(r.value("project_slug", ""), 22).c_str(),
                  r.value("step_count", 0), clip(r.value("title", ""), 60).c_str());
    cli::say(line);
  }
  std::string footer = std::to_string(page.rows.size()) + " of " + std::to_string(page.total) + " trace(s)";
  if (!page.next_cursor.empty()) footer += " · next page: --cursor " + page.next_cursor;
  cli::say(cli::dim(footer));
}

void run_verify(bool full, int sample) {
  bucket::VerifyOptions o;
  o.full = full;
  o.sample = sample;
  bucket::VerifyReport rep;
  {
    auto b = open_bucket();
    rep = cli::unwrap(b->verify(o));
  }  // the bucket is closed before any exit
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.verify.v1", rep.ok ? "ok" : "error");
    doc["ok"] = rep.ok;
    doc["sampled"] = !full;
    doc["errors"] = rep.errors;
    doc["verify"] = {{"mode", full ? "full" : "sample"}, {"objects_checked", rep.objects_checked},
                     {"traces_checked", rep.traces_checked}, {"error_count", rep.errors.size()}};
    if (!rep.ok)
      doc["error"] = {{"code", "VERIFY_FAILED"}, {"kind", "bucket verify"},
                      {"message", std::to_string(rep.errors.size()) + " problem(s) found"},
                      {"hint", "run `git opentraces bucket repair`"}, {"retryable", false}};
    cli::emit_json(doc);
  } else {
    std::string what = std::to_string(rep.traces_checked) + " trace(s), " + std::to_string(rep.objects_checked) +
                       " object(s) checked (" + (full ? "full" : "sample") + ")";
    if (rep.ok) {
      cli::say(cli::green("ok") + "  " + what);
    } else {
      cli::say(cli::red("FAIL") + "  " + what + ", " + std::to_string(rep.errors.size()) + " problem(s):");
      for (const auto& e : rep.errors)
        cli::say("  " + e.value("code", "") + (e.contains("trace_id") ? "  trace " + e.value("trace_id", "") : "") + "  " +
                 e.value("message", ""));
      cli::say("Run `git opentraces bucket repair` to rebuild indexes and counters (damaged objects are dropped).");
    }
  }
  if (!rep.ok) std::exit(to_int(ExitCode::kResource));
}

void run_repair() {
  auto rep = cli::unwrap(bucket::repair_bucket(bucket_dir()));
  auto b = open_bucket();  // drains the spool into the rebuilt bucket
  json s = cli::unwrap(b->status());
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.repair.v1");
    json body = rep.to_json();
    for (auto& [k, v] : body.items()) doc[k] = v;
    doc["bucket_digest"] = s["bucket_digest"];
    cli::emit_json(doc);
    return;
  }
  if (rep.storage_repaired) cli::say(cli::yellow("LevelDB storage salvaged") + " (leveldb::RepairDB)");
  cli::say("rebuilt " + std::to_string(rep.traces_rebuilt) + " trace(s) from " + std::to_string(rep.objects_checked) +
           " object(s); " + std::to_string(rep.index_keys_written) + " index entries written");
  if (rep.objects_dropped) cli::say(cli::yellow(std::to_string(rep.objects_dropped) + " damaged object(s) dropped"));
  for (const auto& t : rep.lost_traces)
    cli::say(cli::yellow("lost") + " " + t + ": no undamaged generation left; capture its session again");
  cli::say("digest " + s["bucket_digest"].get<std::string>());
}

void run_export(const std::string& dir) {
  auto b = open_bucket();
  auto rep = cli::unwrap(b->export_to(dir));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.export.v1");
    doc["dir"] = rep.dir.string();
    doc["traces"] = rep.traces;
    doc["objects"] = rep.objects;
    doc["events"] = rep.events;
    doc["bucket_digest"] = rep.bucket_digest;
    cli::emit_json(doc);
    return;
  }
  cli::say("exported " + std::to_string(rep.traces) + " trace(s), " + std::to_string(rep.objects) + " object(s), " +
           std::to_string(rep.events) + " event(s) to " + rep.dir.string());
  cli::say("digest " + rep.bucket_digest);
}

void run_import(const std::string& dir) {
  auto b = open_bucket();
  auto rep = cli::unwrap(b->import_from(dir));
  json s = cli::unwrap(b->status());
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.bucket.import.v1");
    doc["dir"] = rep.dir.string();
    doc["traces"] = rep.traces;
    doc["objects"] = rep.objects;
    doc["generations_added"] = rep.generations_added;
    doc["events_added"] = rep.events_added;
    doc["import_digest"] = rep.bucket_digest;
    doc["bucket_digest"] = s["bucket_digest"];
    cli::emit_json(doc);
    return;
  }
  cli::say("imported " + std::to_string(rep.traces) + " trace(s) from " + rep.dir.string() + ": " +
           std::to_string(rep.generations_added) + " new generation(s), " + std::to_string(rep.events_added) + " new event(s)");
  cli::say("digest " + s["bucket_digest"].get<std::string>());
}

}  // namespace

void register_bucket(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "bucket", "The private bucket: status, list, verify, repair, export/import",
                                     "  git opentraces bucket status\n"
                                     "  git opentraces bucket list --since 7d\n"
                                     "  git opentraces bucket verify --full\n");
  group->require_subcommand(1);

  CLI::App* status = cli::add_command(*group, "status", "Counts, security state, last ingest and digest (O(1))",
                                      "  git opentraces bucket status\n  git opentraces bucket status --json\n");
  status->callback([] { run_status(); });

  auto lo = std::make_shared<bucket::ListOptions>();
  auto since = std::make_shared<std::string>();
  auto count = std::make_shared<bool>(false);
  auto opt = [](std::shared_ptr<bucket::ListOptions> o, std::optional<std::string> bucket::ListOptions::*field) {
    return [o, field](const std::string& v) { (*o).*field = v; };
  };
  CLI::App* list = cli::add_command(*group, "list", "List stored traces, oldest first, with filters and paging",
                                    "  git opentraces bucket list\n"
                                    "  git opentraces bucket list --agent codex --since 2d\n"
                                    "  git opentraces bucket list --file src/calc.py --json\n"
                                    "  git opentraces bucket list --unscanned --count\n");
  list->add_option_function<std::string>("--project", opt(lo, &bucket::ListOptions::project), "Only this project slug");
  list->add_option_function<std::string>("--agent", opt(lo, &bucket::ListOptions::agent), "Only this agent (claude-code, codex, pi)");
  list->add_option_function<std::string>("--model", opt(lo, &bucket::ListOptions::model), "Only traces that used this model");
  list->add_option_function<std::string>("--file", opt(lo, &bucket::ListOptions::file), "Only traces that patched this file");
  list->add_option_function<std::string>("--tool", opt(lo, &bucket::ListOptions::tool), "Only traces that called this tool");
  list->add_option_function<std::string>("--skill", opt(lo, &bucket::ListOptions::skill), "Only traces that used this skill");
  list->add_option_function<std::string>("--commit", opt(lo, &bucket::ListOptions::commit), "Only traces linked to this commit");
  list->add_option("--since", *since, "Written at or after: 7d, 12h, 30m, or an ISO date");
  list->add_flag("--unscanned", lo->unscanned, "Security status unknown");
  list->add_flag("--unsynced", lo->unsynced, "Not cleared for sync");
  list->add_flag("--unfiltered", lo->unfiltered, "Scanned but not cleared");
  list->add_flag("--security-stale", lo->security_stale, "Scanned with an older security version");
  list->add_option("--limit", lo->limit, "Rows per page (1..1000, default 50)");
  list->add_option("--cursor", lo->cursor, "Continue after a previous page");
  list->add_flag("--count", *count, "Print only how many traces match");
  list->callback([lo, since, count] { run_list(*lo, *since, *count); });

  auto full = std::make_shared<bool>(false);
  auto sample = std::make_shared<int>(100);
  CLI::App* verify = cli::add_command(*group, "verify", "Re-hash stored objects and check pointers, indexes and counters",
                                      "  git opentraces bucket verify\n  git opentraces bucket verify --full --json\n"
                                      "Exit 3 when a problem is found.\n");
  verify->add_flag("--full", *full, "Check every object, index entry and counter");
  verify->add_option("--sample", *sample, "Traces to check when not --full (default 100)")->check(CLI::Range(1, 1000000));
  verify->callback([full, sample] { run_verify(*full, *sample); });

  CLI::App* repair = cli::add_command(*group, "repair", "Salvage the database if needed, then rebuild pointers, indexes and counters",
                                      "  git opentraces bucket repair\n  git opentraces bucket repair --json\n");
  repair->callback([] { run_repair(); });

  auto dir = std::make_shared<std::string>();
  CLI::App* exp = cli::add_command(*group, "export", "Write the portable bucket (objects/, traces/, manifest.json) to DIR",
                                   "  git opentraces bucket export ~/backup/opentraces-2026-11-25\n"
                                   "Exit 4 when DIR exists and is not empty.\n");
  exp->add_option("dir", *dir, "New or empty directory")->required();
  exp->callback([dir] { run_export(*dir); });
  auto idir = std::make_shared<std::string>();
  CLI::App* imp = cli::add_command(*group, "import", "Read a portable bucket (from export, possibly another machine)",
                                   "  git opentraces bucket import ~/backup/opentraces-2026-11-25\n"
                                   "Exit 3 when the copy is damaged or its digest does not match.\n");
  imp->add_option("dir", *idir, "Directory written by `bucket export`")->required();
  imp->callback([idir] { run_import(*idir); });

  auto apply = std::make_shared<bool>(false);
  auto dry = std::make_shared<bool>(false);
  CLI::App* prune = cli::add_command(*group, "prune", "Find (and with --apply remove) objects no trace refers to",
                                     "  git opentraces bucket prune --dry-run\n  git opentraces bucket prune --apply\n");
  prune->add_flag("--dry-run", *dry, "Only report (the default)");
  prune->add_flag("--apply", *apply, "Remove what is found");
  prune->callback([apply, dry] {
    if (*apply && *dry) cli::fail(ExitCode::kUsage, "USAGE", "bucket prune", "--apply and --dry-run exclude each other");
    auto b = open_bucket();
    auto rep = cli::unwrap(b->prune(*apply));
    if (cli::globals().json) {
      auto doc = cli::envelope("opentraces.bucket.prune.v1");
      doc["would_delete"] = *apply ? json::array() : json(rep.objects);
      doc["deleted"] = *apply ? json(rep.objects) : json::array();
      doc["prune"] = rep.to_json();
      cli::emit_json(doc);
      return;
    }
    std::string what = std::to_string(rep.objects.size()) + " unreferenced object(s) (" + human_bytes(rep.bytes) + "), " +
                       std::to_string(rep.stale_markers) + " stale spool marker(s)";
    cli::say((*apply ? "removed " : "would remove ") + what);
    for (const auto& o : rep.objects) cli::say("  " + o);
    if (!*apply && (rep.objects.size() || rep.stale_markers)) cli::say("Run with --apply to remove them.");
  });
  register_bucket_security(*group);
  register_bucket_remote(*group);
  cli::add_planned(*group, "replay", "Re-apply trail events into a repository", "issue #4");
}

}  // namespace ot::cmd
