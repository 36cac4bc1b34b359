// `git opentraces capsule create|preview|get|import|share|issue|replay|test|verdict|watch`: one agent
// episode as a privacy-bounded, reproducible package (docs/capsule.md). Engine: engine/capsule/.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "engine/bucket/bucket.h"
#include "engine/capsule/create.h"
#include "engine/capsule/import.h"
#include "engine/capsule/issue.h"
#include "engine/capsule/manifest.h"
#include "engine/capsule/repo_pin.h"
#include "engine/capsule/runner.h"
#include "engine/capsule/share.h"
#include "engine/capsule/verdict.h"
#include "engine/util/process.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

namespace fs = std::filesystem;

struct CreateArgs {
  std::string ref, out, pin = "HEAD", repo_dir = ".", repo_url, test_command, expect_error;
  bool bundle = false, include_prompts = false;
};

capsule::CreateOptions create_options(const CreateArgs& a) {
  capsule::CreateOptions o;
  o.ref = a.ref;
  o.out = a.out;
  o.pin = a.pin;
  o.repo_dir = a.repo_dir;
  o.repo_url = a.repo_url;
  o.test_command = a.test_command;
  o.expect_error = a.expect_error;
  o.bundle = a.bundle;
  o.include_prompts = a.include_prompts;
  return o;
}

void add_create_flags(CLI::App* c, CreateArgs& a, bool with_out) {
  c->add_option("ref", a.ref, "trace address: <trace>, <trace>:N or <trace>:A-B (ids or unique prefixes)")->required();
  if (with_out) c->add_option("--out", a.out, "parent directory (default <repo>/.opentraces/capsules); the capsule is <out>/<capsule_id>");
  c->add_flag("--bundle", a.bundle, "add bundle.tar.gz: `git archive` of the pinned commit");
  c->add_flag("--include-prompts", a.include_prompts, "keep system prompts, reasoning and system steps (left out by default)");
  c->add_option("--test-command", a.test_command, "shell command that fails before the fix (for `capsule test`)");
  c->add_option("--expect-error", a.expect_error, "text the failing command prints (the failure `capsule test` looks for)");
  c->add_option("--pin", a.pin, "commit the capsule is pinned to (default HEAD)");
  c->add_option("--repo-dir", a.repo_dir, "repository the trace worked on (default: the current directory)");
  c->add_option("--repo-url", a.repo_url, "repository URL to record (default: origin's URL)");
}

void say_redaction(const json& red) {
  std::fprintf(stderr, "redaction floor %s: %d value(s) redacted, %d home path(s) scrubbed, %d field(s) excluded\n",
               red.value("floor_satisfied", false) ? "satisfied" : "NOT satisfied", red.value("redactions_applied", 0),
               red.value("home_paths_scrubbed", 0), red.value("fields_excluded", 0));
}

void run_create(const CreateArgs& a) {
  auto b = cli::unwrap(bucket::open_and_drain());
  auto r = cli::unwrap(capsule::create_capsule(*b, create_options(a), true));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.capsule.create.v1");
    doc["capsule_id"] = r.doc["capsule_id"];
    doc["path"] = r.dir.string();
    doc["trace_id"] = r.doc["trace"]["trace_id"];
    doc["files"] = r.files;
    doc["inventory"] = r.inventory;
    doc["redaction"] = r.doc["redaction"];
    doc["mini_bucket_digest"] = r.doc["mini_bucket_digest"];
    cli::emit_json(doc);
    return;
  }
  cli::say(r.dir.string());
  std::fprintf(stderr, "capsule %s: %d step(s) of trace %s, %d trail anchor(s)\n", r.doc.value("capsule_id", "").c_str(),
               r.inventory.value("steps", 0), r.doc["trace"].value("trace_id", "").c_str(), r.inventory.value("trail_anchors", 0));
  say_redaction(r.doc["redaction"]);
  std::fprintf(stderr, "mini-bucket digest %s\n", r.doc.value("mini_bucket_digest", "").c_str());
}

void run_preview(const CreateArgs& a) {
  auto b = cli::unwrap(bucket::open_and_drain());
  auto r = cli::unwrap(capsule::create_capsule(*b, create_options(a), false));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.capsule.preview.v1");
    doc["capsule_id"] = r.doc["capsule_id"];
    doc["writes_anything"] = false;
    doc["trace_id"] = r.doc["trace"]["trace_id"];
    doc["redaction"] = r.doc["redaction"];
    doc["privacy_scope"] = r.doc["privacy_scope"];
    doc["carried_inventory"] = r.inventory;
    doc["destinations"] = json::array({r.dir.string()});
    cli::emit_json(doc);
    return;
  }
  const json& red = r.doc["redaction"];
  cli::say(cli::bold("capsule " + r.doc.value("capsule_id", "")) + " (preview: nothing written) of trace " +
           r.doc["trace"].value("trace_id", ""));
  cli::say("  would write: " + r.dir.string());
  cli::say("  carries: " + std::to_string(r.inventory.value("steps", 0)) + " step(s), " +
           std::to_string(r.inventory.value("trail_anchors", 0)) + " trail anchor(s), " +
           std::to_string(r.inventory.value("context_layers", 0)) + " context node(s), test " +
           (r.inventory.value("has_test", false) ? "yes" : "no") + ", bundle " + (r.inventory.value("has_bundle", false) ? "yes" : "no"));
  cli::say("  redactions: " + std::to_string(red.value("redactions_applied", 0)) + " (floor " +
           (red.value("floor_satisfied", false) ? "satisfied" : "NOT satisfied") + ")");
  for (const auto& [path, n] : red["by_field_path"].items()) cli::say("    " + path + ": " + std::to_string(n.get<int>()));
  for (const auto& p : red["excluded_field_paths"]) cli::say("  excluded: " + p.get<std::string>());
  cli::say("  home paths scrubbed: " + std::to_string(red.value("home_paths_scrubbed", 0)));
}

// A capsule reference (directory, capsule.json, hub:...) or, for share/issue, a trace
// address: then the capsule is created first (default location) and used.
capsule::Capsule capsule_or_create(const std::string& ref, bool allow_trace) {
  std::error_code ec;
  if (!allow_trace || ref.rfind("hub:", 0) == 0 || ref.rfind("hf://", 0) == 0 || fs::exists(ref, ec))
    return cli::unwrap(capsule::load_capsule(ref));
  auto b = cli::unwrap(bucket::open_and_drain());
  CreateArgs a;
  a.ref = ref;
  auto r = cli::unwrap(capsule::create_capsule(*b, create_options(a), true));
  b.reset();
  if (!cli::globals().json) std::fprintf(stderr, "created capsule %s\n", r.dir.string().c_str());
  return cli::unwrap(capsule::load_capsule(r.dir.string()));
}

void run_get(const std::string& ref, bool summary) {
  auto c = cli::unwrap(capsule::load_capsule(ref));
  if (summary && !cli::globals().json) {
    std::fputs(capsule::render_markdown(c.doc).c_str(), stdout);
    return;
  }
  auto doc = cli::envelope(capsule::kSchema);
  for (auto& [k, v] : c.doc.items())
    if (k != "schema_version") doc[k] = v;
  cli::emit_json(doc);
}

void run_import(const std::string& ref) {
  auto c = cli::unwrap(capsule::load_capsule(ref));
  auto b = cli::unwrap(bucket::open_and_drain());
  auto r = cli::unwrap(capsule::import_capsule(*b, c));
  b.reset();
  bool conflict = r.status == "conflict";
  if (cli::globals().json) {
    auto doc = cli::envelope(capsule::kImportSchema, conflict ? "conflict" : "ok");
    json payload = r.to_json();
    for (auto& [k, v] : payload.items()) doc[k] = v;
    cli::emit_json(doc);
  } else if (conflict) {
    for (const auto& x : r.conflicts) std::fprintf(stderr, "conflict: %s\n", x.value("detail", "").c_str());
  } else {
    cli::say((r.status == "imported" ? cli::green("imported") : std::string("unchanged")) + " capsule " + r.capsule_id +
             " as trace " + r.trace_id + " (" + std::to_string(r.trail_anchor_count) + " trail anchor(s) in capsule.json)");
    cli::say("  git opentraces trace get " + r.trace_id);
  }
  if (conflict) {
    std::fflush(stdout);
    std::exit(to_int(ExitCode::kOffline));
  }
}

bool consent(const std::string& question) {
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::string line;
  std::getline(std::cin, line);
  return line == "y" || line == "Y" || line == "yes";
}

struct ShareArgs {
  std::string ref, repo;
  bool publish = false, is_public = false, yes = false;
};

void run_share(const ShareArgs& a) {
  auto c = capsule_or_create(a.ref, true);
  auto b = cli::unwrap(bucket::open_and_drain());
  auto plan = cli::unwrap(capsule::plan_share(c, *b, a.repo, a.publish));
  b.reset();
  if (!a.publish) {
    if (cli::globals().json) {
      auto doc = cli::envelope(capsule::kShareSchema);
      doc["capsule_id"] = c.doc["capsule_id"];
      doc["published"] = false;
      json payload = plan.to_json();
      for (auto& [k, v] : payload.items()) doc[k] = v;
      cli::emit_json(doc);
    } else {
      cli::say(plan.url);
      std::string state = plan.cleared ? "cleared"
                                       : "NOT cleared (" + plan.clearance.value("reason", std::string()) + "): --publish would be refused";
      std::fprintf(stderr, "dry run: %zu file(s) would go to %s; source trace %s; pass --publish to upload\n", plan.files.size(),
                   plan.repo.c_str(), state.c_str());
    }
    return;
  }
  if (plan.withheld) cli::fail(*plan.withheld);
  if (!a.yes) {
    cli::require_interactive("capsule share", "pass --yes to upload without asking");
    json red = c.doc.value("redaction", json::object());
    if (!consent("Upload capsule " + c.doc.value("capsule_id", "") + " (" + std::to_string(plan.files.size()) + " files, " +
                 std::to_string(red.value("redactions_applied", 0)) + " redactions) to the Hub dataset " + plan.repo + "?"))
      cli::fail(ExitCode::kDeclined, "DECLINED", "capsule share", "nothing was uploaded");
  }
  auto up = cli::unwrap(capsule::upload_share(plan, !a.is_public));
  if (cli::globals().json) {
    auto doc = cli::envelope(capsule::kShareSchema);
    doc["capsule_id"] = c.doc["capsule_id"];
    doc["published"] = true;
    json payload = plan.to_json();
    for (auto& [k, v] : payload.items()) doc[k] = v;
    doc["commit"] = up["commit"];
    doc["files_uploaded"] = up["files_uploaded"];
    cli::emit_json(doc);
  } else {
    cli::say(plan.url);
    std::fprintf(stderr, "uploaded %d file(s) to %s (commit %s)\n", up.value("files_uploaded", 0), plan.repo.c_str(),
                 up.value("commit", "").c_str());
  }
}

struct IssueArgs {
  std::string ref, issue_repo, title;
  bool publish = false, yes = false;
};

void run_issue(const IssueArgs& a) {
  auto c = capsule_or_create(a.ref, true);
  std::string title = capsule::issue_title(c.doc, a.title);
  std::string body = capsule::issue_body(c.doc);
  std::string cid = c.doc.value("capsule_id", "");
  auto repo = capsule::issue_repo(c.doc, a.issue_repo);
  json published = nullptr;
  if (a.publish) {
    if (!program_on_path("gh")) {  // before anything else: the one tool --publish needs
      auto none = capsule::publish_issue(repo.ok() ? *repo : "", cid, title, body);
      if (!none.ok()) cli::fail(none.error());
    }
    std::string r = cli::unwrap(std::move(repo));
    auto b = cli::unwrap(bucket::open_and_drain());
    auto plan = cli::unwrap(capsule::plan_share(c, *b, "-/-", false));
    b.reset();
    if (plan.withheld) cli::fail(*plan.withheld);
    if (!a.yes) {
      cli::require_interactive("capsule issue", "pass --yes to file the issue without asking");
      if (!consent("File capsule " + cid + " as an issue on " + r + "?"))
        cli::fail(ExitCode::kDeclined, "DECLINED", "capsule issue", "no issue was filed");
    }
    published = cli::unwrap(capsule::publish_issue(r, cid, title, body));
  }
  if (cli::globals().json) {
    auto doc = cli::envelope(capsule::kIssueSchema);
    doc["capsule_id"] = cid;
    doc["repo"] = repo.ok() ? json(*repo) : json();
    doc["title"] = title;
    doc["marker"] = capsule::issue_marker(cid);
    doc["body"] = body;
    doc["published"] = !published.is_null();
    doc["issue"] = published;
    cli::emit_json(doc);
  } else if (published.is_null()) {
    std::fputs(body.c_str(), stdout);
    std::fprintf(stderr, "title: %s\n(dry run: pass --publish to file it through gh)\n", title.c_str());
  } else {
    cli::say(published.value("url", ""));
    std::fprintf(stderr, "%s issue #%d\n", published.value("action", "").c_str(), published.value("number", 0));
  }
}

void run_replay(const std::string& ref, const std::string& against) {
  auto c = cli::unwrap(capsule::load_capsule(ref));
  json p = capsule::replay_packet(c, against);
  if (cli::globals().json) {
    auto doc = cli::envelope(capsule::kReplaySchema);
    for (auto& [k, v] : p.items()) doc[k] = v;
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold("replay " + p.value("capsule_id", "")) + ": " + p.value("intent", ""));
  cli::say("  start from " + p.value("before_commit", ""));
  cli::say("  oracle (" + p["oracle"].value("strategy", "") + "): " + p["oracle"].value("question", ""));
  int i = 1;
  for (const auto& s : p["instructions"]) cli::say("  " + std::to_string(i++) + ". " + s.get<std::string>());
}

struct TestArgs {
  std::string ref, against = "HEAD", repo_dir = ".";
  int timeout = 180;
  bool inherit_env = false;
};

void run_test(const TestArgs& a) {
  auto c = cli::unwrap(capsule::load_capsule(a.ref));
  capsule::TestOptions o;
  o.against = a.against;
  o.repo_dir = a.repo_dir;
  o.timeout_s = a.timeout;
  o.inherit_env = a.inherit_env;
  auto r = cli::unwrap(capsule::test_capsule(c, o));
  if (cli::globals().json) {
    auto doc = cli::envelope(capsule::kTestSchema);
    for (auto& [k, v] : r.items()) doc[k] = v;
    cli::emit_json(doc);
    return;
  }
  for (const auto& run : r["runs"])
    cli::say("  " + run.value("label", "") + " " + run.value("commit", "").substr(0, 12) + ": exit " +
             std::to_string(run.value("exit_code", 0)) + (run.value("timed_out", false) ? " (timed out)" : "") + " in " +
             std::to_string(run.value("duration_ms", 0)) + " ms");
  std::string v = r.value("verdict", "");
  cli::say((v == "fixed" ? cli::green(v) : v == "reproduces" ? cli::red(v) : cli::yellow(v)) + ": " + r.value("reason", ""));
}

// The issue's repository when the reference does not name one: --repo, else the capsule's
// GitHub remote (--capsule), else origin of the repository around the working directory.
capsule::IssueRef issue_of(const std::string& ref, const std::string& repo, const json* capsule_doc) {
  std::string dflt = repo;
  if (dflt.empty() && capsule_doc) {
    auto r = capsule::issue_repo(*capsule_doc, "");
    if (r.ok()) dflt = *r;
  }
  if (dflt.empty()) {
    auto pin = capsule::pin_repo(fs::current_path());
    if (pin.ok()) dflt = capsule::github_repo_of(pin->remote_url);
  }
  return cli::unwrap(capsule::parse_issue_ref(ref, dflt));
}

struct VerdictArgs {
  std::string issue, state, repo, capsule_ref, ref = "HEAD", note;
  bool close = false;
};

void run_verdict(const VerdictArgs& a, bool ref_given) {
  if (a.close && a.state != "fixed")
    cli::fail(ExitCode::kUsage, "CONFLICTING_FLAGS", "capsule verdict", "--close closes the issue on a fixed verdict only, not " + a.state,
              "drop --close, or pass --state fixed");
  capsule::VerdictInput v;
  v.state = a.state;
  v.note = a.note;
  std::optional<capsule::Capsule> cap;
  if (!a.capsule_ref.empty()) {
    cap = cli::unwrap(capsule::load_capsule(a.capsule_ref));
    v.capsule_id = cap->doc.value("capsule_id", "");
  }
  // The commit the verdict was reached at: --ref in this repository (HEAD by default;
  // outside a repository only an explicit --ref is an error).
  auto pin = capsule::pin_repo(fs::current_path(), a.ref);
  if (pin.ok()) {
    v.ref_name = a.ref;
    v.ref_commit = pin->commit;
  } else if (ref_given || pin.error().code != "NOT_A_GIT_REPO") {
    cli::fail(pin.error());
  }
  capsule::IssueRef issue = issue_of(a.issue, a.repo, cap ? &cap->doc : nullptr);
  std::string body = capsule::verdict_comment(v);
  json posted = cli::unwrap(capsule::post_verdict(issue, body, a.close));
  if (cli::globals().json) {
    auto doc = cli::envelope(capsule::kVerdictSchema);
    doc["repo"] = issue.repo;
    doc["number"] = issue.number;
    doc["verdict"] = v.state;
    doc["capsule_id"] = v.capsule_id.empty() ? json() : json(v.capsule_id);
    doc["ref"] = v.ref_commit.empty() ? json() : json(v.ref_commit);
    doc["marker"] = capsule::verdict_marker(v);
    doc["comment_url"] = posted["comment_url"];
    doc["closed"] = posted["closed"];
    cli::emit_json(doc);
    return;
  }
  cli::say(posted.value("comment_url", ""));
  std::fprintf(stderr, "verdict %s posted on %s#%d%s\n", v.state.c_str(), issue.repo.c_str(), issue.number,
               posted.value("closed", false) ? "; issue closed" : "");
}

struct WatchArgs {
  std::string issue, repo;
  int timeout = 0, interval = 30;
};

void run_watch(const WatchArgs& a) {
  if (a.timeout < 0 || a.interval < 1)
    cli::fail(ExitCode::kUsage, "INVALID_VALUE", "capsule watch", "--timeout must be 0 or more and --interval at least 1 second",
              "for example --timeout 600 --interval 30");
  capsule::IssueRef issue = issue_of(a.issue, a.repo, nullptr);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::seconds(a.timeout);
  json st;
  int checks = 0;
  for (;;) {
    st = cli::unwrap(capsule::issue_status(issue));
    ++checks;
    if (st.value("unblocked", false) || std::chrono::steady_clock::now() + std::chrono::seconds(a.interval) > deadline) break;
    std::this_thread::sleep_for(std::chrono::seconds(a.interval));
  }
  auto waited = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  if (cli::globals().json) {
    auto doc = cli::envelope(capsule::kWatchSchema);
    for (auto& [k, v] : st.items()) doc[k] = v;
    doc["checks"] = checks;
    doc["waited_s"] = waited;
    cli::emit_json(doc);
    return;
  }
  cli::say(st.value("unblocked", false) ? "UNBLOCKED" : "PENDING");
  std::string verdict = st["verdict"].is_string() ? st["verdict"].get<std::string>() : "none";
  std::fprintf(stderr, "%s#%d: %s, newest verdict %s (%d check(s), %lld s)\n", issue.repo.c_str(), issue.number,
               st.value("state", "").c_str(), verdict.c_str(), checks, static_cast<long long>(waited));
}

}  // namespace

void register_capsule(CLI::App& root) {
  CLI::App* g = cli::add_command(root, "capsule", "Share one agent episode as a redacted, reproducible package",
                                 "  git opentraces capsule create 7004:3-9 --test-command 'make test'\n"
                                 "  git opentraces capsule share .opentraces/capsules/cap_0123456789abcdef --publish --yes\n"
                                 "Exit codes: 0 ok; 1 declined; 2 bad input / precondition (no repo, no test command,\n"
                                 "newer capsule schema, INTERACTIVE_REQUIRED); 3 missing capsule, Hub or gh failure;\n"
                                 "4 import conflict; 6 trace or step not found; 9 share/issue withheld (trace not cleared).\n"
                                 "  git opentraces capsule verdict 42 --state fixed --capsule ./cap_0123456789abcdef --close");
  g->require_subcommand(1);

  auto ca = std::make_shared<CreateArgs>();
  CLI::App* c = cli::add_command(*g, "create", "Write a capsule: capsule.json, capsule.md, mini-bucket (and bundle)",
                                 "  git opentraces capsule create 7004\n"
                                 "  git opentraces capsule create 7004:3-9 --bundle --test-command 'sh test.sh' --expect-error 'FAIL'\n"
                                 "  git opentraces capsule create 7004:5 --out /tmp/capsules --json\n"
                                 "Prints the capsule's path; the redaction summary goes to stderr.\n"
                                 "Exit codes: 0 written; 2 bad address / not in a repository / bad --pin; 3 write failed; 6 trace or step not found.");
  add_create_flags(c, *ca, true);
  c->callback([ca] { run_create(*ca); });

  auto pa = std::make_shared<CreateArgs>();
  CLI::App* p = cli::add_command(*g, "preview", "Show what a capsule would carry and redact, writing nothing",
                                 "  git opentraces capsule preview 7004:3-9\n"
                                 "  git opentraces capsule preview 7004 --include-prompts --json\n"
                                 "Exit codes: 0; 2 bad address / not in a repository; 6 trace or step not found.");
  add_create_flags(p, *pa, false);
  p->callback([pa] { run_preview(*pa); });

  auto gref = std::make_shared<std::string>();
  auto summary = std::make_shared<bool>(false);
  CLI::App* gt = cli::add_command(*g, "get", "Read a capsule (directory, capsule.json or hub:owner/name/capsules/<id>); writes nothing",
                                  "  git opentraces capsule get .opentraces/capsules/cap_0123456789abcdef\n"
                                  "  git opentraces capsule get hub:alice/opentraces-capsules/capsules/cap_0123456789abcdef --summary\n"
                                  "Exit codes: 0; 2 not a capsule / newer schema; 3 not found or Hub failure.");
  gt->add_option("ref", *gref, "capsule directory, capsule.json, or hub:owner/name[/path]")->required();
  gt->add_flag("--summary", *summary, "print the Markdown summary instead of the JSON document");
  gt->callback([gref, summary] { run_get(*gref, *summary); });

  auto iref = std::make_shared<std::string>();
  CLI::App* im = cli::add_command(*g, "import", "Put a capsule's slice into the bucket under its trace id (idempotent)",
                                  "  git opentraces capsule import ./cap_0123456789abcdef\n"
                                  "  git opentraces capsule import hub:alice/opentraces-capsules/capsules/cap_0123456789abcdef --json\n"
                                  "Exit codes: 0 imported or unchanged; 2 not a capsule; 3 not found / digest mismatch;\n"
                                  "4 conflict: the bucket holds the trace from its own capture (nothing imported).");
  im->add_option("ref", *iref, "capsule directory, capsule.json, or hub:owner/name[/path]")->required();
  im->callback([iref] { run_import(*iref); });

  auto sa = std::make_shared<ShareArgs>();
  CLI::App* sh = cli::add_command(*g, "share", "Upload a capsule to a Hugging Face dataset repo (after the egress gate and consent)",
                                  "  git opentraces capsule share ./cap_0123456789abcdef              (dry run: prints the URL)\n"
                                  "  git opentraces capsule share ./cap_0123456789abcdef --publish --yes --repo alice/capsules\n"
                                  "  git opentraces capsule share 7004:3-9 --publish        (creates the capsule first; asks)\n"
                                  "Exit codes: 0; 1 declined; 2 INTERACTIVE_REQUIRED (no TTY: pass --yes); 3 Hub failure;\n"
                                  "9 withheld: the source trace is not cleared (run `git opentraces bucket security run`).");
  sh->add_option("ref", sa->ref, "capsule directory or capsule.json, or a trace address to capsule first")->required();
  sh->add_option("--repo", sa->repo, "dataset repo owner/name (default: config capsule_repo, else <you>/opentraces-capsules)");
  sh->add_flag("--publish", sa->publish, "upload (without it: print where it would go)");
  sh->add_flag("--public", sa->is_public, "create the dataset repo public (default private)");
  sh->add_flag("--yes", sa->yes, "do not ask for consent (required without a TTY)");
  sh->callback([sa] { run_share(*sa); });

  auto ia = std::make_shared<IssueArgs>();
  CLI::App* is = cli::add_command(*g, "issue", "Render a GitHub issue body for a capsule; --publish files or updates it through gh",
                                  "  git opentraces capsule issue ./cap_0123456789abcdef | cmark-gfm -e table\n"
                                  "  git opentraces capsule issue ./cap_0123456789abcdef --publish --yes --issue-repo acme/widget\n"
                                  "Exit codes: 0; 1 declined; 2 no GitHub repo / INTERACTIVE_REQUIRED; 3 gh missing or failing;\n"
                                  "9 withheld (the source trace is not cleared).");
  is->add_option("ref", ia->ref, "capsule directory or capsule.json, or a trace address to capsule first")->required();
  is->add_option("--issue-repo", ia->issue_repo, "GitHub owner/name (default: from the capsule's GitHub remote)");
  is->add_option("--title", ia->title, "issue title (default: [agent capsule] <title>, at most 90 characters)");
  is->add_flag("--publish", ia->publish, "file the issue, or update the one filed before (marker in the body)");
  is->add_flag("--yes", ia->yes, "do not ask for consent (required without a TTY)");
  is->callback([ia] { run_issue(*ia); });

  auto rref = std::make_shared<std::string>();
  auto ragainst = std::make_shared<std::string>("HEAD");
  CLI::App* rp = cli::add_command(*g, "replay", "Print the replay packet: intent, start commit, oracle, instructions",
                                  "  git opentraces capsule replay ./cap_0123456789abcdef\n"
                                  "  git opentraces capsule replay ./cap_0123456789abcdef --against main --json\n"
                                  "Exit codes: 0; 2 not a capsule; 3 not found.");
  rp->add_option("ref", *rref, "capsule directory, capsule.json, or hub:owner/name[/path]")->required();
  rp->add_option("--against", *ragainst, "the revision a replay is checked against (default HEAD)");
  rp->callback([rref, ragainst] { run_replay(*rref, *ragainst); });

  auto ta = std::make_shared<TestArgs>();
  CLI::App* t = cli::add_command(*g, "test", "Run the capsule's test command at the pinned commit and at --against; verdict",
                                 "  git opentraces capsule test ./cap_0123456789abcdef\n"
                                 "  git opentraces capsule test ./cap_0123456789abcdef --against main --timeout 60 --json\n"
                                 "Verdict: fixed (fails at the pin, passes at --against), reproduces (fails at both),\n"
                                 "inconclusive (passes at the pin, fails differently, or timed out).\n"
                                 "Exit codes: 0 a verdict; 2 no test command / not in a repository / pinned commit missing.");
  t->add_option("ref", ta->ref, "capsule directory, capsule.json, or hub:owner/name[/path]")->required();
  t->add_option("--against", ta->against, "revision to compare with (default HEAD)");
  t->add_option("--repo-dir", ta->repo_dir, "repository to make the worktrees from (default: the current directory)");
  t->add_option("--timeout", ta->timeout, "seconds per run (default 180)");
  t->add_flag("--inherit-env", ta->inherit_env, "run with this environment instead of a minimal one");
  t->callback([ta] { run_test(*ta); });

  auto va = std::make_shared<VerdictArgs>();
  CLI::App* vd = cli::add_command(*g, "verdict", "Post a capsule's verdict on its GitHub issue (a marked comment; --close on fixed)",
                                  "  git opentraces capsule verdict 42 --state fixed --capsule ./cap_0123456789abcdef --close\n"
                                  "  git opentraces capsule verdict acme/widget#42 --state reproduces --ref main --note 'still fails on 3.12'\n"
                                  "The repository: from the reference, --repo, the capsule's GitHub remote, or origin here.\n"
                                  "Exit codes: 0 posted; 2 bad issue / state / --ref, --close without fixed, no repository;\n"
                                  "3 gh missing or failing, capsule not found.");
  vd->add_option("issue", va->issue, "issue number, owner/name#N or the issue URL")->required();
  vd->add_option("--state", va->state, "fixed, reproduces or inconclusive")->required()->check(CLI::IsMember({"fixed", "reproduces", "inconclusive"}));
  vd->add_option("--repo", va->repo, "GitHub owner/name (default: the capsule's GitHub remote, else origin here)");
  vd->add_option("--capsule", va->capsule_ref, "the capsule the verdict is about (its id goes in the marker)");
  CLI::Option* vref = vd->add_option("--ref", va->ref, "commit the verdict was reached at (default HEAD, when inside a repository)");
  vd->add_option("--note", va->note, "text added to the comment");
  vd->add_flag("--close", va->close, "close the issue (with --state fixed only)");
  vd->callback([va, vref] { run_verdict(*va, vref->count() > 0); });

  auto wa = std::make_shared<WatchArgs>();
  CLI::App* w = cli::add_command(*g, "watch", "Read a capsule issue back until it is unblocked (newest verdict fixed, or closed)",
                                 "  git opentraces capsule watch 42                        one check; prints UNBLOCKED or PENDING\n"
                                 "  git opentraces capsule watch acme/widget#42 --timeout 600 --interval 30 --json\n"
                                 "Exit codes: 0 (UNBLOCKED or PENDING: read stdout or .unblocked); 2 bad issue / values, no repository;\n"
                                 "3 gh missing or failing.");
  w->add_option("issue", wa->issue, "issue number, owner/name#N or the issue URL")->required();
  w->add_option("--repo", wa->repo, "GitHub owner/name (default: origin here)");
  w->add_option("--timeout", wa->timeout, "seconds to keep checking (default 0: check once)");
  w->add_option("--interval", wa->interval, "seconds between checks (default 30)");
  w->callback([wa] { run_watch(*wa); });
}

}  // namespace ot::cmd
