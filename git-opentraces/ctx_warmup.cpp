// `git opentraces ctx warmup [--budget-tokens N] [--more]`: recent work in this repo, for
// a new agent session, redacted and cut to a token budget. Mechanism in engine/ctx/warmup.
#include <filesystem>
#include <iostream>

#include "engine/bucket/bucket.h"
#include "engine/ctx/warmup.h"
#include "engine/project/project.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"
#include "notes/handle.h"

namespace ot::cmd {
namespace {

namespace fs = std::filesystem;

struct WarmupFlags {
  int64_t budget = 2000;
  bool more = false, all_projects = false;
  std::string page_token, since, project;
};

void run(const WarmupFlags& f) {
  ctx::WarmupOptions o;
  o.budget_tokens = f.budget;
  if (!f.since.empty()) o.since_ms = cli::unwrap(parse_since(f.since));
  if (f.more && !f.page_token.empty())
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "ctx warmup", "--more and --page-token exclude each other",
              "--more continues after the last call; --page-token continues after a given token");
  if (!f.project.empty() && f.all_projects)
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "ctx warmup", "--project and --all-projects exclude each other");
  // Scope: the given project; else this repo's project (enrolled) or the traces whose
  // working directory is inside this repo; --all-projects: every trace.
  auto repo = git::Repo::open(fs::current_path());
  if (repo.ok() && !repo->bare()) o.repository = fs::path(repo->workdir()).lexically_normal().string();
  while (o.repository.size() > 1 && o.repository.back() == '/') o.repository.pop_back();
  if (!f.project.empty()) {
    o.project = f.project;
  } else if (!f.all_projects && !o.repository.empty()) {
    auto p = project::find_project(o.repository);
    if (p.ok() && *p) o.project = (*p)->slug;
    else o.cwd_prefix = o.repository;
  }
  std::string key = ctx::warmup_scope_key(o);
  if (f.more) o.after = ctx::load_warmup_cursor(key).value_or("");
  else o.after = f.page_token;

  auto bucket = cli::unwrap(bucket::open_and_drain());
  auto payload = cli::unwrap(ctx::warmup(*bucket, o));
  std::string next = payload["saved_page_token"].get<std::string>();
  payload.erase("saved_page_token");
  cli::unwrap(ctx::save_warmup_cursor(key, next));
  if (cli::globals().json) {
    auto doc = cli::envelope(ctx::kWarmupSchema);
    for (auto& [k, v] : payload.items()) doc[k] = v;
    cli::emit_json(doc);
    return;
  }
  std::cout << payload["text"].get<std::string>() << std::flush;
}

}  // namespace

void register_ctx_warmup(CLI::App& ctx_group) {
  auto f = std::make_shared<WarmupFlags>();
  CLI::App* c = cli::add_command(
      ctx_group, "warmup", "A compact, redacted summary of this repo's recent agent work, for a new session",
      "  git opentraces ctx warmup                          newest traces, ~2000 tokens\n"
      "  git opentraces ctx warmup --more                   the next (older) page after the last call\n"
      "  git opentraces ctx warmup --budget-tokens 800 --json   opentraces.ctx.warmup.v1\n"
      "\nDocs: docs/ctx.md#ctx-warmup");
  c->add_option("--budget-tokens", f->budget, "Token budget of the text (estimate: UTF-8 bytes / 4); default 2000");
  c->add_flag("--more", f->more, "Continue after the last trace the previous call showed (older history)");
  c->add_option("--page-token", f->page_token, "Continue after this page token (next_page_token of a --json call)");
  c->add_option("--since", f->since, "Only traces written since: 7d, 12h or an ISO date");
  c->add_option("--project", f->project, "Traces of this bucket project slug");
  c->add_flag("--all-projects", f->all_projects, "Every trace in the bucket, not only this repo's");
  c->callback([f] { run(*f); });
}

}  // namespace ot::cmd
