// bucket remote connect|status|disconnect, bucket push, bucket pull: the team bucket
// remote (engine/sync/bucket_remote.h). Progress goes to stderr; results to stdout.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "engine/bucket/bucket.h"
#include "engine/sync/bucket_remote.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {
namespace {

constexpr const char* kRemoteSchema = "opentraces.bucket.remote.v1";

void progress_line(const std::string& line) {
  if (!cli::globals().json || !cli::globals().stdout_tty) std::cerr << "bucket: " << line << "\n";
}

// The envelope of `schema` with the payload's fields after status and schema_version.
void emit_payload(std::string_view schema, const json& payload) {
  auto doc = cli::envelope(schema);
  for (auto& [k, v] : payload.items()) doc[k] = v;
  cli::emit_json(doc);
}

std::string short_digest(const std::string& d) { return d.size() > 19 ? d.substr(0, 19) : d; }

// One line per state, saying what to do next.
std::string advice(const std::string& state) {
  if (state == "unconfigured") return "connect one: `git opentraces bucket remote connect git:origin`";
  if (state == "missing") return "the remote holds no bucket yet: `git opentraces bucket push`";
  if (state == "current") return "nothing to do";
  if (state == "local_ahead") return "`git opentraces bucket push` sends the new traces";
  if (state == "remote_ahead") return "`git opentraces bucket pull` brings the remote's traces";
  if (state == "diverged") return "`git opentraces bucket pull`, then `git opentraces bucket push`";
  if (state == "different") return "`git opentraces bucket pull` merges the remote in; then push";
  return "see the error above; `git opentraces doctor` checks the setup";
}

void print_status(const sync::SyncStatus& s) {
  cli::say(cli::bold("Bucket remote") + "  " + (s.url.empty() ? std::string("(none)") : s.provider + " " + s.url));
  std::string state = s.state == "current" ? cli::green(s.state) : (s.state == "error" ? cli::red(s.state) : cli::yellow(s.state));
  cli::say("  state        " + state + (s.offline ? cli::dim("  (as of the last fetch)") : ""));
  if (s.error) cli::say("  error        " + *s.error);
  cli::say("  local        " + cli::dim(short_digest(s.local_digest)));
  if (!s.remote_digest.empty()) cli::say("  remote       " + cli::dim(short_digest(s.remote_digest)) + "  " + s.remote_head.substr(0, 12));
  if (!s.last_sync_at.empty()) cli::say("  last sync    " + s.last_direction + " at " + s.last_sync_at);
  cli::say("  next         " + advice(s.state));
}

void run_connect(const std::string& spec) {
  auto rep = cli::unwrap(sync::connect(spec, std::filesystem::current_path()));
  if (cli::globals().json) {
    auto doc = cli::envelope(kRemoteSchema);
    doc["action"] = "connect";
    doc["provider"] = rep.remote.provider;
    doc["repo_id"] = rep.remote.url;
    doc["sync_policy"] = rep.remote.sync_policy;
    doc["remote_has_bucket"] = rep.state != "missing";
    cli::emit_json(doc);
    return;
  }
  cli::say("connected the bucket to " + rep.remote.provider + " " + rep.remote.url);
  cli::say(rep.state == "missing" ? "The remote holds no bucket yet: `git opentraces bucket push` sends yours."
                                  : "The remote already holds a bucket: `git opentraces bucket pull` merges it into yours.");
}

void run_remote_status(bool offline) {
  auto b = cli::unwrap(bucket::open_and_drain());
  auto s = cli::unwrap(sync::status(*b, offline));
  if (cli::globals().json) {
    json payload = s.to_json();
    payload["advice"] = advice(s.state);
    emit_payload(kRemoteSchema, payload);
    return;
  }
  print_status(s);
}

void run_disconnect() {
  cli::unwrap(sync::disconnect());
  if (cli::globals().json) {
    auto doc = cli::envelope(kRemoteSchema);
    doc["action"] = "disconnect";
    doc["state"] = "unconfigured";
    cli::emit_json(doc);
    return;
  }
  cli::say("disconnected; the remote itself is untouched.");
}

void run_push(bool force) {
  auto b = cli::unwrap(bucket::open_and_drain());
  sync::PushOptions o;
  o.force = force;
  o.progress = progress_line;
  auto rep = cli::unwrap(sync::push(*b, o));
  if (cli::globals().json) {
    emit_payload("opentraces.bucket.push.v1", rep.to_json());
    return;
  }
  if (rep.state == "current")
    cli::say("the remote already holds this bucket (" + std::to_string(rep.traces) + " traces); nothing pushed");
  else
    cli::say("pushed " + std::to_string(rep.traces) + " trace(s) to " + rep.url + ": " + std::to_string(rep.files_uploaded) +
             " file(s) changed, commit " + rep.commit.substr(0, 12) +
             (rep.merged_generations ? ", after merging " + std::to_string(rep.merged_generations) + " generation(s) from the remote" : ""));
}

void run_pull() {
  auto b = cli::unwrap(bucket::open_and_drain());
  auto rep = cli::unwrap(sync::pull(*b, progress_line));
  if (cli::globals().json) {
    emit_payload("opentraces.bucket.pull.v1", rep.to_json());
    return;
  }
  if (rep.state == "current")
    cli::say("already current with " + rep.url);
  else
    cli::say("pulled from " + rep.url + ": " + std::to_string(rep.generations_added) + " new generation(s), " +
             std::to_string(rep.events_added) + " new event(s) merged");
}

}  // namespace

void register_remote_reads(CLI::App& root) {
  auto add = [](CLI::App* cmd) {
    if (!cmd) return;
    // Runs while the flags are processed, before the command's own callback opens a bucket.
    cmd->add_flag_callback(
        "--remote",
        [] {
          auto view = cli::unwrap(sync::refresh_remote_view(progress_line));
          ::setenv("OPENTRACES_HOME", view.c_str(), 1);
        },
        "Read the team bucket remote (bucket remote connect) instead of the local bucket");
  };
  auto find = [](CLI::App* parent, const char* name) -> CLI::App* {
    try {
      return parent ? parent->get_subcommand(name) : nullptr;
    } catch (const CLI::OptionNotFound&) {
      return nullptr;
    }
  };
  CLI::App* trace = find(&root, "trace");
  add(find(trace, "query"));
  add(find(trace, "get"));
  add(find(&root, "ctx"));
}

void register_bucket_remote(CLI::App& group) {
  CLI::App* remote = cli::add_command(group, "remote", "Connect the bucket to a team remote (git remote or private Hub dataset)",
                                      "  git opentraces bucket remote connect git:origin\n"
                                      "  git opentraces bucket remote status\n");
  remote->require_subcommand(1);
  auto spec = std::make_shared<std::string>();
  CLI::App* connect = cli::add_command(*remote, "connect", "Record the remote the bucket is pushed to and pulled from",
                                       "  git opentraces bucket remote connect git:origin\n"
                                       "  git opentraces bucket remote connect git:file:///srv/git/team-traces.git\n"
                                       "  git opentraces bucket remote connect hf:acme/agent-traces\n"
                                       "On git the bucket is kept on refs/opentraces/bucket (no branch is touched); an hf:\n"
                                       "dataset repo is created private when missing (needs `auth login` or HF_TOKEN).\n");
  connect->add_option("remote", *spec, "git:<remote name or URL> | hf:<owner>/<repo>")->required();
  connect->callback([spec] { run_connect(*spec); });
  auto offline = std::make_shared<bool>(false);
  CLI::App* st = cli::add_command(*remote, "status", "Compare the local bucket with the remote (fetches)",
                                  "  git opentraces bucket remote status\n"
                                  "  git opentraces bucket remote status --offline --json\n"
                                  "States: unconfigured missing current local_ahead remote_ahead diverged different error.\n");
  st->add_flag("--offline", *offline, "Use the remote state of the last fetch; no network");
  st->callback([offline] { run_remote_status(*offline); });
  cli::add_command(*remote, "disconnect", "Forget the remote (the remote itself is untouched)",
                   "  git opentraces bucket remote disconnect\n")
      ->callback([] { run_disconnect(); });

  auto force = std::make_shared<bool>(false);
  CLI::App* push = cli::add_command(group, "push", "Push the bucket to its remote (security-cleared traces only)",
                                    "  git opentraces bucket push\n  git opentraces bucket push --json\n"
                                    "Exit 9 when a trace is not cleared (run `bucket security run --all`); exit 3 when the\n"
                                    "remote is ahead (pull first, or --force to merge and push in one go).\n");
  push->add_flag("--force", *force, "Merge the remote's traces in and push even when it is ahead or diverged");
  push->callback([force] { run_push(*force); });
  auto eager = std::make_shared<bool>(false);
  auto pforce = std::make_shared<bool>(false);
  CLI::App* pull = cli::add_command(group, "pull", "Merge the remote bucket into the local one",
                                    "  git opentraces bucket pull\n"
                                    "A pull is a union: it never removes or replaces local traces.\n");
  pull->add_flag("--eager", *eager, "Fetch everything now (a git remote always does)");
  pull->add_flag("--force", *pforce, "Accepted for compatibility: a union pull needs no force");
  pull->callback([] { run_pull(); });
}

}  // namespace ot::cmd
