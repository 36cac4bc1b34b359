// `git opentraces trail pr render|create|update`: PR bodies from trace evidence.
// The body is built by engine/trails/pr_*.cpp; this file resolves the repository and
// the bucket, caches renders by scope digest, and drives the `gh` CLI.
#include <filesystem>
#include <iostream>

#include "engine/bucket/bucket.h"
#include "engine/trails/pr_body.h"
#include "engine/util/fs.h"
#include "engine/util/paths.h"
#include "engine/util/process.h"
#include "git-opentraces/cli.h"
#include "notes/repo.h"

namespace ot::cmd {
git::Repo open_work_repo(const std::string& needs);  // git-opentraces/trail.cpp
namespace {

namespace fs = std::filesystem;

struct PrFlags {
  std::string base, head = "HEAD", output, title;
  bool force = false, draft = false, no_update = false;
  int number = 0;
};


// Traces from this machine's bucket, when it exists and can be opened; the body is
// still rendered from the notes alone otherwise (and says so).
struct BucketTraces {
  std::unique_ptr<bucket::Bucket> b;
  std::string problem;
  BucketTraces() {
    std::error_code ec;
    if (!fs::exists(bucket_dir(), ec)) return;
    bucket::OpenOptions oo;
    oo.create_if_missing = false;
    auto opened = bucket::open_and_drain(bucket_dir(), spool_dir(), oo);
    if (opened.ok()) b = std::move(*opened);
    else problem = opened.error().message;
  }
  std::optional<schema::TraceRecord> load(const std::string& trace_id) {
    if (!b) return std::nullopt;
    auto j = b->get_record(trace_id);
    if (!j.ok()) return std::nullopt;
    auto r = schema::record_from_json(*j);
    if (!r.ok()) return std::nullopt;
    return std::move(*r);
  }
};

struct Rendered {
  trails::PrEvidence evidence;
  trails::PrBody body;
  bool cache_hit = false;
};

Rendered render(const PrFlags& f) {
  git::Repo repo = open_work_repo("PR bodies need");
  BucketTraces traces;
  trails::PrScopeOptions so;
  so.base = f.base;
  so.head = f.head;
  Rendered out;
  out.evidence = cli::unwrap(trails::gather_pr_evidence(repo, so, [&](const std::string& t) { return traces.load(t); }));
  if (!traces.problem.empty())
    out.evidence.limitations.push_back("the bucket could not be opened (" + traces.problem + ")");
  const fs::path cache = ot_home() / "cache" / "pr" / (out.evidence.scope_digest.substr(7) + ".md");
  if (!f.force) {
    auto cached = read_file(cache);
    if (cached.ok()) {
      out.body.markdown = *cached;
      out.body.truncated = cached->find("GitHub limits a PR body") != std::string::npos;
      out.cache_hit = true;
      return out;
    }
  }
  out.body = trails::render_pr_markdown(out.evidence);
  std::error_code ec;
  fs::create_directories(cache.parent_path(), ec);
  (void)write_file_atomic(cache, out.body.markdown, 0600);  // a cache: failing to write it is harmless
  return out;
}

void run_render(const PrFlags& f) {
  Rendered r = render(f);
  if (!f.output.empty()) cli::unwrap(write_file_atomic(f.output, r.body.markdown, 0644));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trail.pr_render.v1");
    json ev = trails::pr_evidence_to_json(r.evidence);
    for (auto it = ev.begin(); it != ev.end(); ++it) doc[it.key()] = ordered_json(it.value());
    doc["title"] = trails::default_pr_title(r.evidence);
    doc["chars"] = r.body.markdown.size();
    doc["truncated"] = r.body.truncated;
    doc["cache_hit"] = r.cache_hit;
    doc["output"] = f.output.empty() ? ordered_json(nullptr) : ordered_json(f.output);
    doc["markdown"] = r.body.markdown;
    cli::emit_json(doc);
    return;
  }
  if (f.output.empty()) {
    std::cout << r.body.markdown;
  } else {
    std::cerr << "wrote " << f.output << ": " << r.body.markdown.size() << " chars, " << r.evidence.intents.size()
              << " intents, " << r.evidence.sessions.size() << " sessions" << (r.cache_hit ? ", cached" : "")
              << (r.body.truncated ? ", truncated to GitHub's limit" : "") << ", scope " << r.evidence.scope_digest
              << "\n";
  }
}

// ---- gh -------------------------------------------------------------------------------

void require_gh() {
  if (!program_on_path("gh"))
    cli::fail(ExitCode::kUsage, "GH_MISSING", "trail", "the GitHub CLI `gh` is not installed (not on PATH)",
              "install it (Debian: apt-get install gh), run `gh auth login`, then try again; "
              "or use `git opentraces trail pr render -o body.md` and paste the body");
}

ProcessResult gh(const std::vector<std::string>& args, const std::string& input = {}) {
  std::vector<std::string> argv = {"gh"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions o;
  o.stdin_data = input;
  o.timeout_ms = 120000;
  auto r = cli::unwrap(run_process(argv, o));
  if (r.exit_code != 0 || r.timed_out) {
    std::string tail = r.err.size() > 400 ? r.err.substr(r.err.size() - 400) : r.err;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
    cli::fail(ExitCode::kResource, "GH_FAILED", "trail",
              "`gh " + args[0] + " " + (args.size() > 1 ? args[1] : "") + "` failed" +
                  (r.timed_out ? " (timed out)" : " with exit " + std::to_string(r.exit_code)) +
                  (tail.empty() ? "" : ": " + tail),
              "check `gh auth status` and that the branch is pushed");
  }
  return r;
}

// The open PR whose head is `branch`: {number, url}, or nullopt.
std::optional<std::pair<int, std::string>> find_pr(const std::string& branch) {
  auto r = gh({"pr", "list", "--head", branch, "--state", "open", "--json", "number,url", "--limit", "1"});
  json list = json::parse(r.out, nullptr, false);
  if (!list.is_array() || list.empty() || !list[0].is_object()) return std::nullopt;
  return std::make_pair(list[0].value("number", 0), list[0].value("url", ""));
}

int number_from_url(const std::string& url) {
  size_t slash = url.find_last_of('/');
  try {
    return slash == std::string::npos ? 0 : std::stoi(url.substr(slash + 1));
  } catch (...) {
    return 0;
  }
}

void report_pr(const char* action, int number, const std::string& url, const Rendered& r) {
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.trail.pr.v1");
    doc["action"] = action;
    doc["number"] = number;
    doc["url"] = url;
    doc["scope_digest"] = r.evidence.scope_digest;
    doc["chars"] = r.body.markdown.size();
    doc["truncated"] = r.body.truncated;
    cli::emit_json(doc);
    return;
  }
  cli::say(std::string(action == std::string("created") ? "Created" : "Updated") + " PR #" + std::to_string(number) +
           ": " + url);
}

std::string branch_or_fail(const Rendered& r) {
  if (r.evidence.branch.empty())
    cli::fail(ExitCode::kUsage, "NOT_A_BRANCH", "trail",
              "--head " + r.evidence.head_ref + " is not a branch (a PR needs a branch to merge)",
              "check out the feature branch, or pass --head <branch>");
  return r.evidence.branch;
}

void run_create(const PrFlags& f) {
  require_gh();
  Rendered r = render(f);
  std::string branch = branch_or_fail(r);
  if (auto existing = find_pr(branch)) {
    if (f.no_update)
      cli::fail(ExitCode::kUsage, "PR_EXISTS", "trail",
                "PR #" + std::to_string(existing->first) + " already exists for " + branch + ": " + existing->second,
                "run `git opentraces trail pr update`, or drop --no-update-if-exists");
    gh({"pr", "edit", std::to_string(existing->first), "--body-file", "-"}, r.body.markdown);
    report_pr("updated", existing->first, existing->second, r);
    return;
  }
  std::string title = f.title.empty() ? trails::default_pr_title(r.evidence) : f.title;
  std::vector<std::string> args = {"pr", "create", "--base", r.evidence.base_ref, "--head", branch,
                                   "--title", title, "--body-file", "-"};
  if (f.draft) args.push_back("--draft");
  auto res = gh(args, r.body.markdown);
  std::string url = res.out;
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  if (size_t nl = url.find_last_of('\n'); nl != std::string::npos) url = url.substr(nl + 1);
  report_pr("created", number_from_url(url), url, r);
}

void run_update(const PrFlags& f) {
  require_gh();
  Rendered r = render(f);
  int number = f.number;
  std::string url;
  if (number <= 0) {
    std::string branch = branch_or_fail(r);
    auto existing = find_pr(branch);
    if (!existing)
      cli::fail(ExitCode::kUsage, "PR_NOT_FOUND", "trail", "no open PR has " + branch + " as its head branch",
                "create one with `git opentraces trail pr create`, or pass -n <number>");
    number = existing->first;
    url = existing->second;
  }
  gh({"pr", "edit", std::to_string(number), "--body-file", "-"}, r.body.markdown);
  report_pr("updated", number, url, r);
}

void add_scope_flags(CLI::App* c, PrFlags& f) {
  c->add_option("--base", f.base, "Branch the PR targets (default: the remote's default branch, else main/master)");
  c->add_option("--head", f.head, "Branch or commit with the changes (default HEAD)");
  c->add_flag("--force-rebuild", f.force, "Ignore the cached body for this scope and render again");
}

}  // namespace

void register_trail_pr(CLI::App& trail_group) {
  CLI::App* group = cli::add_command(
      trail_group, "pr", "PR bodies from trace evidence: why each change exists and which agent wrote it",
      "  git opentraces trail pr render                     Markdown body for HEAD against the default branch\n"
      "  git opentraces trail pr render --base main -o body.md\n"
      "  git opentraces trail pr create --draft              open the PR with gh (updates it if it exists)\n"
      "  git opentraces trail pr update                      refresh the body of this branch's PR\n"
      "Exit codes: 0 ok; 2 bad scope / gh missing / no PR; 3 gh failed.");
  group->require_subcommand(1);
  static PrFlags render_flags, create_flags, update_flags;

  CLI::App* r = cli::add_command(*group, "render", "Render the PR body (Markdown) for a branch",
                                 "  git opentraces trail pr render\n"
                                 "  git opentraces trail pr render --base release/2.0 --head feature/x -o body.md\n"
                                 "  git opentraces trail pr render --json | jq .summary\n");
  add_scope_flags(r, render_flags);
  r->add_option("-o,--output", render_flags.output, "Write the body to this file (a short note goes to stderr)");
  r->callback([] { run_render(render_flags); });

  CLI::App* c = cli::add_command(*group, "create", "Open a PR for the branch with `gh` (or update the open one)",
                                 "  git opentraces trail pr create\n"
                                 "  git opentraces trail pr create --title \"Add divide\" --draft\n");
  add_scope_flags(c, create_flags);
  c->add_option("--title", create_flags.title, "PR title (default: the latest non-merge commit's subject)");
  c->add_flag("--draft", create_flags.draft, "Open as a draft");
  c->add_flag("--no-update-if-exists", create_flags.no_update, "Fail (exit 2) instead of updating an open PR");
  c->callback([] { run_create(create_flags); });

  CLI::App* u = cli::add_command(*group, "update", "Replace the body of the branch's open PR with a fresh render",
                                 "  git opentraces trail pr update\n"
                                 "  git opentraces trail pr update -n 42\n");
  add_scope_flags(u, update_flags);
  u->add_option("-n,--number", update_flags.number, "PR number (default: the open PR whose head is this branch)");
  u->callback([] { run_update(update_flags); });
}

}  // namespace ot::cmd
