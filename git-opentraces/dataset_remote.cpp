// `git opentraces dataset remote create|list|visibility|remove` and `dataset publish`:
// Hugging Face dataset remotes and publishing (docs/publish.md).
#include <iostream>

#include "engine/dataset/rows.h"
#include "engine/hub/publish.h"
#include "engine/hub/remotes.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {
namespace {

constexpr const char* kRemoteSchema = "opentraces.dataset.remote.v1";

ordered_json remote_json(const hub::Remote& r) {
  return ordered_json{{"name", r.name}, {"repo_id", r.repo_id}, {"url", r.url}, {"visibility", r.visibility},
                      {"active", r.active}};
}

void run_create(const std::string& dataset, const std::string& repo, const std::string& name, bool priv, bool pub) {
  std::string vis = priv ? "private" : pub ? "public" : "";
  auto res = cli::unwrap(hub::create_remote(dataset, repo, name, vis));
  if (cli::globals().json) {
    auto doc = cli::envelope(kRemoteSchema);
    doc["dataset"] = dataset;
    doc["verb"] = res.verb;
    doc["remote"] = remote_json(res.remote);
    doc["next_command"] = "git opentraces dataset publish " + dataset;
    cli::emit_json(doc);
    return;
  }
  cli::say(std::string(res.verb == "created" ? "Created" : "Connected") + " " + res.remote.visibility + " dataset " +
           cli::bold(res.remote.repo_id) + " as remote " + res.remote.name + " of " + dataset +
           (res.remote.active ? " (active)" : ""));
  if (!vis.empty() && vis != res.remote.visibility) {
    cli::say(cli::yellow("note: ") + "the repo already existed as " + res.remote.visibility +
             "; change it with `git opentraces dataset remote visibility " + dataset + " " + res.remote.name + " --" + vis + "`");
  }
  cli::say("Next: git opentraces dataset publish " + dataset);
}

void run_list(const std::string& dataset, bool verbose) {
  auto ds = cli::unwrap(dataset::Dataset::open(dataset));
  auto remotes = hub::remotes_of(ds.manifest());
  ordered_json out = ordered_json::object();
  std::unique_ptr<hub::Client> client;
  if (verbose && !remotes.empty()) client = cli::unwrap(hub::authenticated_client());
  for (const auto& r : remotes) {
    ordered_json j{{"url", r.url}, {"repo_id", r.repo_id}, {"visibility", r.visibility}, {"active", r.active}};
    if (client) {
      auto id = hub::parse_repo_id(r.repo_id);
      auto info = id.ok() ? client->repo_info(*id) : Result<hub::RepoInfo>(id.error());
      j["hub"] = info.ok() ? ordered_json{{"exists", true}, {"private", info->is_private}, {"head", info->sha}}
                           : ordered_json{{"exists", false}, {"error", info.error().code}};
    }
    out[r.name] = j;
  }
  if (cli::globals().json) {
    auto doc = cli::envelope(kRemoteSchema);
    doc["dataset"] = dataset;
    doc["remotes"] = out;
    cli::emit_json(doc);
    return;
  }
  if (remotes.empty()) {
    cli::say("No remotes. Add one: git opentraces dataset remote create " + dataset + " OWNER/REPO --private");
    return;
  }
  for (const auto& r : remotes) {
    std::string line = (r.active ? "* " : "  ") + r.name + "  " + r.repo_id + "  " + r.visibility;
    if (verbose) {
      const auto& h = out[r.name]["hub"];
      line += h["exists"].get<bool>() ? "  head " + h["head"].get<std::string>().substr(0, 12)
                                      : "  (" + h["error"].get<std::string>() + ")";
    }
    cli::say(line);
  }
}

void run_visibility(const std::string& dataset, const std::string& name, bool priv, bool pub) {
  if (priv == pub) {
    cli::fail(ExitCode::kUsage, "USAGE", "dataset remote visibility", "give exactly one of --private or --public",
              "e.g. git opentraces dataset remote visibility " + dataset + " --private");
  }
  auto r = cli::unwrap(hub::set_visibility(dataset, name, priv));
  if (cli::globals().json) {
    auto doc = cli::envelope(kRemoteSchema);
    doc["dataset"] = dataset;
    doc["remote"] = remote_json(r);
    cli::emit_json(doc);
    return;
  }
  cli::say(r.repo_id + " is now " + r.visibility);
}

void run_remove(const std::string& dataset, const std::string& name, bool delete_remote, bool yes) {
  if (delete_remote && !yes) {
    cli::fail(ExitCode::kUsage, "CONFIRMATION_REQUIRED", "dataset remote remove",
              "--delete-remote deletes the repo on the Hub with everything in it",
              "add --yes to confirm");
  }
  auto r = cli::unwrap(hub::remove_remote(dataset, name, delete_remote));
  if (cli::globals().json) {
    auto doc = cli::envelope(kRemoteSchema);
    doc["dataset"] = dataset;
    doc["removed"] = remote_json(r);
    doc["deleted_remote_repo"] = delete_remote;
    cli::emit_json(doc);
    return;
  }
  cli::say("Removed remote " + r.name + " (" + r.repo_id + ") from " + dataset +
           (delete_remote ? "; the Hub repo was deleted" : "; the Hub repo was kept"));
}

void run_publish(hub::PublishOptions o) {
  if (!cli::globals().json) o.progress = [](const std::string& stage) { std::cerr << "publish: " << stage << "\n"; };
  auto out = cli::unwrap(hub::publish(o));
  const auto& p = out.publish;
  if (cli::globals().json) {
    std::string status = out.exit == ExitCode::kOk ? "ok" : out.exit == ExitCode::kWithheld ? "withheld" : "blocked";
    auto doc = cli::envelope(hub::kPublishSchema, status);
    if (out.error) {
      doc["error"] = ordered_json{{"code", out.error->code}, {"kind", out.error->kind}, {"message", out.error->message},
                                  {"hint", out.error->hint}, {"retryable", out.error->retryable}};
    }
    doc["publish"] = p;
    cli::emit_json(doc);
  } else {
    std::string line = out.message + ": rows=" + std::to_string(p.value("new_row_count", 0)) +
                       " needs_review=" + std::to_string(p.value("needs_review_count", 0)) +
                       " blocked=" + std::to_string(p.value("blocked_count", 0));
    if (p.contains("filter")) line += " filter_dropped=" + std::to_string(p["filter"].value("rows_dropped_total", 0));
    cli::say(line);
    if (p.value("uploaded", false)) cli::say("  " + p.value("repo_id", std::string()) + " @ " + p.value("remote_head_after", std::string()));
    if (p.contains("staged_files")) {  // traces datasets: the session files that went with the rows
      int sessions = 0;
      for (const auto& f : p["staged_files"])
        if (f.get<std::string>().rfind("sessions/", 0) == 0) ++sessions;
      if (sessions) cli::say("  " + std::to_string(sessions) + " session file(s) " + (p.value("uploaded", false) ? "uploaded" : "staged"));
    }
    if (p.contains("overridden")) {
      cli::say(cli::yellow("  published despite the security gate (--allow-findings):"));
      for (const auto& r : p["overridden"]) {
        cli::say("    " + r.value("row_id", std::string()) + "  trace " + r.value("trace_id", std::string()) + "  " +
                 r.value("reason", std::string()));
        for (const auto& f : r["open_findings"])
          cli::say("      open finding: " + f.value("type", std::string("?")) + " at " + f.value("path", std::string()));
      }
    }
    if (out.error) {
      std::cerr << "error: " << out.error->message << "\n";
      if (p.contains("partition")) {
        for (const auto& r : p["partition"]["refused"]) {
          std::cerr << "  " << r.value("row_id", std::string()) << "  trace " << r.value("trace_id", std::string()) << "  "
                    << r.value("reason", std::string()) << "\n";
        }
      }
      if (p.contains("blocked_rows")) {
        for (const auto& r : p["blocked_rows"]) std::cerr << "  " << r.value("row_id", std::string()) << "  " << r["reasons"].dump() << "\n";
      }
      std::cerr << "hint: " << out.error->hint << "\n";
    }
  }
  if (out.exit != ExitCode::kOk) {
    std::fflush(stdout);
    std::exit(to_int(out.exit));  // blocked (8) / withheld (9) carry a payload, not the plain error envelope
  }
}

}  // namespace

void register_dataset_remote(CLI::App& dataset_group) {
  auto* remote = cli::add_command(dataset_group, "remote", "Hugging Face dataset repos a dataset publishes to",
                                  "  git opentraces dataset remote create demo alice/agent-rows --private\n"
                                  "  git opentraces dataset remote list demo -v\n");
  remote->require_subcommand(1);

  struct CreateArgs { std::string dataset, repo, name = hub::kDefaultRemoteName; bool priv = false, pub = false; };
  auto ca = std::make_shared<CreateArgs>();
  auto* create = cli::add_command(*remote, "create", "Create (or connect to) a Hub dataset repo and bind it",
                                  "  git opentraces dataset remote create demo alice/agent-rows --private\n"
                                  "  git opentraces dataset remote create demo agent-rows      (owner = your user)\n"
                                  "\nIdempotent: an existing repo is connected, not recreated. The first remote "
                                  "becomes the active one.\nExit codes: 0, 2 usage, 3 dataset missing / Hub refused / not logged in.");
  create->add_option("dataset", ca->dataset, "Local dataset name")->required();
  create->add_option("repo", ca->repo, "Hub dataset repo: owner/name (or name)")->required();
  create->add_option("--name", ca->name, "Local name of the remote (default origin)");
  auto* fp = create->add_flag("--private", ca->priv, "Create the repo private (the default)");
  create->add_flag("--public", ca->pub, "Create the repo public")->excludes(fp);
  create->callback([ca] { run_create(ca->dataset, ca->repo, ca->name, ca->priv, ca->pub); });

  struct ListArgs { std::string dataset; bool verbose = false; };
  auto la = std::make_shared<ListArgs>();
  auto* list = cli::add_command(*remote, "list", "List a dataset's remotes (-v asks the Hub about each)",
                                "  git opentraces dataset remote list demo\n  git opentraces dataset remote list demo -v --json\n");
  list->add_option("dataset", la->dataset, "Local dataset name")->required();
  list->add_flag("-v,--verbose", la->verbose, "Ask the Hub whether each repo exists, its visibility and head");
  list->callback([la] { run_list(la->dataset, la->verbose); });

  struct VisArgs { std::string dataset, name; bool priv = false, pub = false; };
  auto va = std::make_shared<VisArgs>();
  auto* vis = cli::add_command(*remote, "visibility", "Make a remote's Hub repo private or public",
                               "  git opentraces dataset remote visibility demo --public\n"
                               "  git opentraces dataset remote visibility demo origin --private\n");
  vis->add_option("dataset", va->dataset, "Local dataset name")->required();
  vis->add_option("remote", va->name, "Remote name (default: the active remote)");
  vis->add_flag("--private", va->priv, "Make it private");
  vis->add_flag("--public", va->pub, "Make it public");
  vis->callback([va] { run_visibility(va->dataset, va->name, va->priv, va->pub); });

  struct RmArgs { std::string dataset, name; bool del = false, yes = false; };
  auto ra = std::make_shared<RmArgs>();
  auto* rm = cli::add_command(*remote, "remove", "Unbind a remote (the Hub repo is kept unless --delete-remote --yes)",
                              "  git opentraces dataset remote remove demo\n"
                              "  git opentraces dataset remote remove demo origin --delete-remote --yes\n");
  rm->add_option("dataset", ra->dataset, "Local dataset name")->required();
  rm->add_option("remote", ra->name, "Remote name (default: the active remote)");
  rm->add_flag("--delete-remote", ra->del, "Also delete the repo on the Hub");
  rm->add_flag("--yes", ra->yes, "Confirm --delete-remote");
  rm->callback([ra] { run_remove(ra->dataset, ra->name, ra->del, ra->yes); });

  auto po = std::make_shared<hub::PublishOptions>();
  auto min_ret = std::make_shared<double>(-1);
  auto* pub = cli::add_command(
      dataset_group, "publish", "Publish reviewed rows to the dataset's Hub remote (one new shard per publish)",
      "  git opentraces dataset publish demo\n"
      "  git opentraces dataset publish demo --check-only --json\n"
      "  git opentraces dataset publish demo --to alice/other-repo --min-retention 0.5 --exclude-state reverted\n"
      "\nExit codes: 0 published / nothing to publish / check passed, 2 usage, 3 Hub or dataset errors,\n"
      "8 rows with security findings at publication time, 9 a source trace not cleared for egress.");
  pub->add_option("dataset", po->dataset, "Local dataset name")->required();
  pub->add_option("--to", po->to, "Remote name or owner/name (default: the active remote)");
  pub->add_flag("--check-only", po->check_only, "Run every gate and stage the files, upload nothing");
  pub->add_option("--min-retention", *min_ret, "Drop rows whose mean retention_fraction is below this (0..1)")
      ->check(CLI::Range(0.0, 1.0));
  pub->add_option("--exclude-state", po->exclude_states, "Drop rows with a patch in this survival state (repeatable)");
  pub->callback([po, min_ret] {
    hub::PublishOptions o = *po;
    if (*min_ret >= 0) o.min_retention = *min_ret;
    run_publish(o);
  });
}

}  // namespace ot::cmd
