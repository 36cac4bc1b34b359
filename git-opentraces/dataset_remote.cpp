// `git opentraces dataset remote create|list|visibility|remove` and `dataset publish`:
// Hugging Face dataset remotes and publishing (docs/publish.md).
#include "engine/dataset/rows.h"
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

  // Publishing lands with the security gate (engine/security) on main.
  cli::add_planned(dataset_group, "publish", "dataset publish", "issue #11");
}

}  // namespace ot::cmd
