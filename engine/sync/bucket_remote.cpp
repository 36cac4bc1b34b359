#include "engine/sync/bucket_remote.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

#include "engine/project/config.h"
#include "engine/security/gate.h"
#include "engine/security/policy.h"
#include "engine/util/fs.h"
#include "engine/util/paths.h"
#include "engine/util/time.h"
#include "engine/sync/transport.h"
#include "notes/bucket_transport.h"

namespace ot::sync {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxPushAttempts = 8;
constexpr std::string_view kSyncStateSchema = "opentraces.bucket.sync_state.v1";

fs::path sync_state_path() { return ot_home() / "sync_state.json"; }

Error unconfigured() {
  return make_error(ExitCode::kUsage, "REMOTE_UNCONFIGURED", "bucket remote", "no bucket remote is connected",
                    "connect one: `git opentraces bucket remote connect git:origin` (or git:<url>)");
}

// The last sync, or an empty object.
json load_sync_state() {
  auto bytes = read_file(sync_state_path());
  if (!bytes.ok()) return json::object();
  auto j = parse_json(*bytes, sync_state_path().string());
  return j.ok() && j->is_object() ? std::move(j).value() : json::object();
}

Status save_sync_state(const RemoteConfig& r, const std::string& digest, const std::string& remote_digest,
                       const std::string& direction, const std::string& commit) {
  json s = {{"schema_version", kSyncStateSchema}, {"provider", r.provider},  {"target", r.url},
            {"digest", digest},                   {"remote_digest", remote_digest},
            {"direction", direction},             {"commit", commit},      {"at", utc_now_iso()}};
  return write_file_atomic(sync_state_path(), pretty_json(s), 0600);
}

// The last sync's digest counts only when it was with the remote now configured.
std::string last_sync_digest(const RemoteConfig& r, const json& s) {
  if (s.value("provider", "") != r.provider || s.value("target", "") != r.url) return "";
  return s.value("digest", "");
}

Result<std::unique_ptr<Transport>> transport_for(const RemoteConfig& r) {
  if (!r.enabled) return unconfigured();
  return open_transport(r);
}

// The portable manifest at `commit` (its bucket_digest names the remote's content).
Result<json> remote_manifest_at(Transport& t, const std::string& commit) {
  auto m = t.read_file(commit, "manifest.json");
  if (!m.ok()) return m.error();
  if (!*m)
    return make_error(ExitCode::kResource, "REMOTE_CORRUPT", "bucket remote",
                      "the remote bucket commit " + commit.substr(0, 12) + " has no manifest.json",
                      "the remote holds something other than a portable bucket; check what was pushed there");
  return parse_json(**m, "remote manifest.json");
}

// The configured remote, opened and fetched: what push, pull and --remote start from.
struct Fetched {
  RemoteConfig remote;
  std::unique_ptr<Transport> store;
  Transport::Head head;
  json manifest = json::object();  // the remote's portable manifest ({} when it has no bucket)
  std::string digest() const { return manifest.value("bucket_digest", ""); }
};

Result<Fetched> open_and_fetch(const std::function<void(const std::string&)>& say) {
  auto r = load_remote();
  if (!r.ok()) return r.error();
  auto t = transport_for(*r);
  if (!t.ok()) return t.error();
  Fetched f{*r, std::move(t).value(), {}, json::object()};
  if (say) say("fetching the remote bucket from " + f.store->describe());
  auto head = f.store->fetch();
  if (!head.ok()) return head.error();
  f.head = *head;
  if (f.head.has_bucket) {
    auto m = remote_manifest_at(*f.store, f.head.id);
    if (!m.ok()) return m.error();
    f.manifest = std::move(m).value();
  }
  return f;
}

Error remote_missing(const Fetched& f, const std::string& kind) {
  return make_error(ExitCode::kResource, "REMOTE_MISSING", kind, f.store->describe() + " holds no bucket yet",
                    "push one first: `git opentraces bucket push`");
}

// Imports the remote tree at `head` into `b` (a union: nothing in `b` is removed).
Result<bucket::ImportReport> merge_remote(Transport& store, const std::string& head, bucket::Bucket& b,
                                          const fs::path& scratch, int* files_downloaded) {
  auto tree = store.materialize(head, scratch, files_downloaded);
  if (!tree.ok()) return tree.error();
  return b.import_from(*tree);
}

std::string local_digest(bucket::Bucket& b) {
  auto s = b.status();
  return s.ok() ? s->value("bucket_digest", "") : "";
}

// A per-process scratch directory, removed on scope exit.
struct Scratch {
  fs::path dir;
  explicit Scratch(const std::string& what) {
    dir = ot_home() / "tmp" / (what + "-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// One trace the gate kept back: it refuses the push.
struct Withheld {
  std::string trace_id, reason, detail;
};

// manifest rows by trace id.
std::map<std::string, json> rows_by_trace(const json& manifest) {
  std::map<std::string, json> out;
  for (const auto& r : manifest.value("traces", json::array())) out[r.value("trace_id", "")] = r;
  return out;
}

Result<json> read_manifest(const fs::path& dir) {
  auto bytes = read_file(dir / "manifest.json");
  if (!bytes.ok()) return bytes.error();
  return parse_json(*bytes, (dir / "manifest.json").string());
}

// The gate over the traces this push would add or change on the remote (what the
// remote already holds byte for byte was cleared by whoever pushed it).
Result<std::vector<Withheld>> gate_changes(bucket::Bucket& b, const json& local, const json& remote) {
  auto policy = security::load_policy();
  if (!policy.ok()) return policy.error();
  auto remote_rows = rows_by_trace(remote);
  std::vector<Withheld> out;
  for (const auto& row : local.value("traces", json::array())) {
    std::string tid = row.value("trace_id", "");
    auto it = remote_rows.find(tid);
    if (it != remote_rows.end() && it->second.value("digest", "") == row.value("digest", "")) continue;
    auto pointer = b.row(tid);
    if (!pointer.ok()) {
      out.push_back({tid, std::string(security::kReasonUnscanned),
                     "only hook events so far, no session record that a scan could clear"});
      continue;
    }
    auto c = security::clear_for_egress(*pointer, *policy);
    if (!c.cleared) out.push_back({tid, c.reason, c.detail});
  }
  return out;
}

Error withheld_error(const std::vector<Withheld>& w) {
  std::string list;
  for (size_t i = 0; i < w.size() && i < 5; i++) list += "\n  " + w[i].trace_id + " (" + w[i].reason + "): " + w[i].detail;
  if (w.size() > 5) list += "\n  ... and " + std::to_string(w.size() - 5) + " more";
  return make_error(ExitCode::kWithheld, "NOT_CLEARED_FOR_EGRESS", "bucket push",
                    std::to_string(w.size()) + " trace(s) are not cleared to leave this machine; nothing was pushed:" + list,
                    "run `git opentraces bucket security run --all`, then push again "
                    "(`git opentraces bucket list --unsynced` lists them)");
}

// Test-only: OPENTRACES_TEST_PUSH_DELAY_MS holds the first push back so that a test can
// make two pushers race deterministically (both fetch the same remote state).
void test_pause_before_push() {
  const char* ms = std::getenv("OPENTRACES_TEST_PUSH_DELAY_MS");
  if (ms && *ms) std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(ms)));
}

}  // namespace

Result<RemoteConfig> load_remote() {
  auto cfg = project::load_config();
  if (!cfg.ok()) return cfg.error();
  const json r = (*cfg)["bucket"]["remote"];
  RemoteConfig out;
  out.enabled = r.value("enabled", false) && !r.value("url", "").empty();
  out.provider = r.value("provider", "");
  out.url = r.value("url", "");
  out.sync_policy = r.value("sync_policy", "manual");
  return out;
}

std::string classify(const std::string& local, const std::string& remote, const std::string& last_sync,
                     bool remote_missing) {
  if (remote_missing) return "missing";
  if (local == remote) return "current";
  if (last_sync.empty()) return "different";
  if (remote == last_sync) return "local_ahead";
  if (local == last_sync) return "remote_ahead";
  return "diverged";
}

Result<ConnectReport> connect(std::string_view spec, const fs::path& cwd) {
  RemoteConfig r;
  std::string s(spec);
  if (s.rfind("hf:", 0) == 0 && s.size() > 3) {
    r = {true, "huggingface", s.substr(3), "manual"};
    if (r.url.rfind("datasets/", 0) == 0) r.url = r.url.substr(9);
    OT_TRY_STATUS(create_hf_remote(r.url));  // private, exist-ok
  } else if (s.rfind("git:", 0) == 0 && s.size() > 4) {
    auto url = git::resolve_git_remote(s.substr(4), cwd);
    if (!url.ok()) return url.error();
    r = {true, "git", *url, "manual"};
  } else {
    return make_error(ExitCode::kUsage, "UNSUPPORTED_REMOTE", "bucket remote connect",
                      "`" + s + "` is not a bucket remote: expected git:<remote name or URL> or hf:<owner>/<repo>",
                      "e.g. `git opentraces bucket remote connect git:origin`");
  }
  auto t = open_transport(r);
  if (!t.ok()) return t.error();
  auto head = (*t)->fetch();  // proves the remote is readable; no bucket there yet is fine
  if (!head.ok()) return head.error();
  auto prev = load_remote();
  if (prev.ok() && prev->enabled) r.sync_policy = prev->sync_policy;
  auto saved = project::update_config([&](json& c) {
    json& rem = c["bucket"]["remote"];
    rem["enabled"] = true;
    rem["provider"] = r.provider;
    rem["url"] = r.url;
    rem["sync_policy"] = r.sync_policy;
    return ok_status();
  });
  if (!saved.ok()) return saved.error();
  return ConnectReport{r, head->has_bucket ? "connected" : "missing"};
}

Status disconnect() {
  auto saved = project::update_config([&](json& c) {
    json& rem = c["bucket"]["remote"];
    rem["enabled"] = false;
    rem["url"] = "";
    return ok_status();
  });
  if (!saved.ok()) return saved.error();
  std::error_code ec;
  fs::remove(sync_state_path(), ec);
  return ok_status();
}

json SyncStatus::to_json() const {
  json j = {{"provider", provider.empty() ? json() : json(provider)},
            {"state", state},
            {"repo_id", url.empty() ? json() : json(url)},
            {"local_digest", local_digest},
            {"remote_digest", remote_digest.empty() ? json() : json(remote_digest)},
            {"last_sync_digest", last_sync_digest.empty() ? json() : json(last_sync_digest)},
            {"remote_head", remote_head.empty() ? json() : json(remote_head)},
            {"last_sync_at", last_sync_at.empty() ? json() : json(last_sync_at)},
            {"last_direction", last_direction.empty() ? json() : json(last_direction)},
            {"offline", offline}};
  if (error) j["error"] = *error;
  return j;
}

Result<SyncStatus> status(bucket::Bucket& b, bool offline) {
  auto r = load_remote();
  if (!r.ok()) return r.error();
  SyncStatus s;
  s.local_digest = local_digest(b);
  s.offline = offline;
  if (!r->enabled) {
    s.state = "unconfigured";
    return s;
  }
  s.provider = r->provider;
  s.url = r->url;
  json last = load_sync_state();
  s.last_sync_digest = last_sync_digest(*r, last);
  if (!s.last_sync_digest.empty()) {
    s.last_sync_at = last.value("at", "");
    s.last_direction = last.value("direction", "");
  }
  auto fail = [&](const Error& e) {
    s.state = "error";
    s.error = e.message;
    return s;
  };
  auto t = transport_for(*r);
  if (!t.ok()) return fail(t.error());
  Transport::Head head;
  if (offline) {
    head = (*t)->cached_head();
  } else {
    auto h = (*t)->fetch();
    if (!h.ok()) return fail(h.error());
    head = *h;
  }
  if (head.has_bucket) {
    s.remote_head = head.id;
    auto m = remote_manifest_at(**t, head.id);
    if (!m.ok()) return fail(m.error());
    s.remote_digest = m->value("bucket_digest", "");
  }
  s.state = classify(s.local_digest, s.remote_digest, s.last_sync_digest, !head.has_bucket);
  return s;
}

json PushReport::to_json() const {
  return {{"provider", provider}, {"state", state},           {"repo_id", url},
          {"commit", commit},     {"digest", digest},         {"files_uploaded", files_uploaded},
          {"traces", traces},     {"attempts", attempts},     {"merged_generations", merged_generations}};
}

json PullReport::to_json() const {
  return {{"provider", provider},          {"state", state},   {"repo_id", url},
          {"commit", commit},              {"digest", digest}, {"remote_digest", remote_digest},
          {"traces", traces},              {"generations_added", generations_added},
          {"events_added", events_added},  {"files_downloaded", files_downloaded}};
}

Result<PushReport> push(bucket::Bucket& b, const PushOptions& o) {
  auto say = [&](const std::string& line) {
    if (o.progress) o.progress(line);
  };
  auto fetched = open_and_fetch(o.progress);
  if (!fetched.ok()) return fetched.error();
  Fetched& f = *fetched;
  PushReport rep;
  rep.provider = f.remote.provider;
  rep.url = f.remote.url;
  json sync_state = load_sync_state();
  std::string last = last_sync_digest(f.remote, sync_state);
  std::string last_commit = last.empty() ? "" : sync_state.value("commit", "");
  std::string state = classify(local_digest(b), f.digest(), last, !f.head.has_bucket);
  if ((state == "remote_ahead" || state == "diverged") && !o.force)
    return make_error(ExitCode::kResource, "REMOTE_AHEAD", "bucket push",
                      "the remote bucket has traces this one lacks (state " + state + ")",
                      "run `git opentraces bucket pull` first, or `bucket push --force` to merge and push in one go");

  for (int attempt = 1; attempt <= kMaxPushAttempts; attempt++) {
    rep.attempts = attempt;
    Scratch scratch("push");
    // The remote's content joins the local bucket first: the pushed tree is the union.
    // Skipped when the remote is still the commit of our last sync: we hold all of it.
    if (f.head.has_bucket && f.head.id != last_commit) {
      say("merging the remote bucket (" + f.head.id.substr(0, 12) + ") into the local one");
      auto imp = merge_remote(*f.store, f.head.id, b, scratch.dir / "remote", nullptr);
      if (!imp.ok()) return imp.error();
      rep.merged_generations += static_cast<int>(imp->generations_added);
    }
    say("writing the portable bucket");
    auto exp = b.export_to(scratch.dir / "local");
    if (!exp.ok()) return exp.error();
    auto manifest = read_manifest(scratch.dir / "local");
    if (!manifest.ok()) return manifest.error();
    say("checking the security gate");
    auto withheld = gate_changes(b, *manifest, f.manifest);
    if (!withheld.ok()) return withheld.error();
    if (!withheld->empty()) return withheld_error(*withheld);

    rep.digest = exp->bucket_digest;
    rep.traces = static_cast<int>(exp->traces);
    if (attempt == 1) test_pause_before_push();
    say("sending what changed");
    auto sent = f.store->publish(scratch.dir / "local", f.head.id,
                                     "opentraces bucket: " + std::to_string(exp->traces) + " trace(s)\n\nbucket_digest " +
                                         exp->bucket_digest + "\n");
    if (!sent.ok()) return sent.error();
    if (!sent->rejected) {
      rep.commit = sent->head;
      rep.state = sent->changed ? "pushed" : "current";
      rep.files_uploaded = sent->changed ? sent->files : 0;
      OT_TRY_STATUS(save_sync_state(f.remote, rep.digest, rep.digest, "push", rep.commit));
      return rep;
    }
    say("the remote moved meanwhile; fetching and merging again");
    auto again = open_and_fetch(nullptr);
    if (!again.ok()) return again.error();
    f = std::move(again).value();
  }
  return make_error(ExitCode::kResource, "PUSH_CONTENDED", "bucket push",
                    "the remote kept moving: " + std::to_string(kMaxPushAttempts) + " attempts lost the race",
                    "run `git opentraces bucket push` again", true);
}

Result<PullReport> pull(bucket::Bucket& b, const std::function<void(const std::string&)>& progress) {
  auto fetched = open_and_fetch(progress);
  if (!fetched.ok()) return fetched.error();
  Fetched& f = *fetched;
  if (!f.head.has_bucket) return remote_missing(f, "bucket pull");
  PullReport rep;
  rep.provider = f.remote.provider;
  rep.url = f.remote.url;
  rep.commit = f.head.id;
  rep.remote_digest = f.digest();
  if (local_digest(b) == rep.remote_digest) {
    rep.state = "current";
  } else {
    Scratch scratch("pull");
    if (progress) progress("reading the remote bucket (" + f.head.id.substr(0, 12) + ")");
    auto imp = merge_remote(*f.store, f.head.id, b, scratch.dir / "remote", &rep.files_downloaded);
    if (!imp.ok()) return imp.error();
    rep.state = "pulled";
    rep.traces = static_cast<int>(imp->traces);
    rep.generations_added = static_cast<int>(imp->generations_added);
    rep.events_added = static_cast<int>(imp->events_added);
  }
  rep.digest = local_digest(b);
  // The last sync is the remote state now merged: local extras still show as local_ahead.
  OT_TRY_STATUS(save_sync_state(f.remote, rep.remote_digest, rep.remote_digest, "pull", f.head.id));
  return rep;
}

Result<fs::path> refresh_remote_view(const std::function<void(const std::string&)>& progress) {
  auto fetched = open_and_fetch(progress);
  if (!fetched.ok()) return fetched.error();
  Fetched& f = *fetched;
  if (!f.head.has_bucket) return remote_missing(f, "--remote");
  fs::path view_home = ot_home() / "remotes" / "view";
  OT_TRY_STATUS(ensure_dir(view_home, 0700));
  auto view = bucket::Bucket::open(view_home / "bucket");
  if (!view.ok()) return view.error();
  if (local_digest(**view) != f.digest()) {
    Scratch scratch("view");
    if (progress) progress("reading the remote bucket (" + f.head.id.substr(0, 12) + ")");
    auto imp = merge_remote(*f.store, f.head.id, **view, scratch.dir / "remote", nullptr);
    if (!imp.ok()) return imp.error();
  }
  return view_home;
}

}  // namespace ot::sync
