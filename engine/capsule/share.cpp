// Sharing a capsule on the Hub (share.h).
#include "engine/capsule/share.h"

#include <algorithm>

#include "engine/hub/remotes.h"
#include "engine/project/config.h"
#include "engine/security/gate.h"
#include "engine/util/fs.h"

namespace ot::capsule {

namespace fs = std::filesystem;

json SharePlan::to_json() const {
  json f = json::array();
  for (const auto& [remote, local] : files) f.push_back(remote);
  return {{"repo", repo}, {"url", url}, {"files", f}, {"clearance", clearance}};
}

Result<SharePlan> plan_share(const Capsule& c, bucket::Bucket& b, const std::string& repo, bool resolve_user) {
  if (c.dir.empty())
    return make_error(ExitCode::kResource, "CAPSULE_FILES_MISSING", "capsule share", c.source + " is a capsule on the Hub already",
                      "share a capsule directory written by `git opentraces capsule create`");
  SharePlan p;
  p.repo = repo;
  if (p.repo.empty()) {
    auto cfg = project::load_config();
    if (cfg.ok() && cfg->value("capsule_repo", "") != "") p.repo = cfg->value("capsule_repo", "");
  }
  if (p.repo.empty()) {
    std::string user = "<you>";
    if (resolve_user) {
      auto client = hub::authenticated_client();
      if (!client.ok()) return client.error();
      auto who = (*client)->whoami();
      if (!who.ok()) return who.error();
      user = who->name;
    }
    p.repo = user + "/opentraces-capsules";
  }
  if (resolve_user || p.repo.find('<') == std::string::npos) {
    auto id = hub::parse_repo_id(p.repo);
    if (!id.ok()) return id.error();
    p.repo = id->id;
  }
  std::string cid = c.doc.value("capsule_id", "");
  p.prefix = "capsules/" + cid;
  p.url = hub::options_from_env("").endpoint + "/datasets/" + p.repo + "/tree/main/" + p.prefix;

  // Files: the capsule's own and every file of its mini-bucket, in a stable order.
  std::error_code ec;
  for (const char* name : {"capsule.json", "capsule.md", "bundle.tar.gz"})
    if (fs::exists(c.dir / name, ec)) p.files.emplace_back(p.prefix + "/" + name, c.dir / name);
  if (c.has_mini_bucket()) {
    std::vector<std::pair<std::string, fs::path>> mb;
    for (auto it = fs::recursive_directory_iterator(c.mini_bucket_dir(), ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file()) continue;
      mb.emplace_back(p.prefix + "/mini-bucket/" + fs::relative(it->path(), c.mini_bucket_dir()).generic_string(), it->path());
    }
    std::sort(mb.begin(), mb.end());
    p.files.insert(p.files.end(), mb.begin(), mb.end());
  }

  // The gate: the source trace as this bucket holds it; a capsule of a trace this bucket
  // does not hold is judged by its own record (unscanned unless it says otherwise).
  auto policy = security::load_policy();
  if (!policy.ok()) return policy.error();
  std::string tid = c.doc["trace"].value("trace_id", "");
  auto row = b.row(tid);
  security::Clearance cl =
      row.ok() ? security::clear_for_egress(*row, *policy) : security::clear_for_egress(c.doc["slice"]["record"], *policy);
  p.cleared = cl.cleared;
  p.clearance = cl.to_json();
  if (!cl.cleared) p.withheld = security::withheld_error(cl, tid);
  return p;
}

Result<json> upload_share(const SharePlan& plan, bool is_private) {
  auto repo = hub::parse_repo_id(plan.repo);
  if (!repo.ok()) return repo.error();
  auto client = hub::authenticated_client();
  if (!client.ok()) return client.error();
  auto created = (*client)->create_repo(*repo, is_private, true);
  if (!created.ok()) return created.error();
  hub::CommitSpec spec;
  spec.summary = "opentraces capsule " + plan.prefix.substr(plan.prefix.find('/') + 1);
  spec.description = "Shared with `git opentraces capsule share`.";
  for (const auto& [remote, local] : plan.files) {
    auto bytes = read_file(local);
    if (!bytes.ok()) return bytes.error();
    spec.files.push_back({remote, std::move(bytes).value()});
  }
  for (int attempt = 1;; ++attempt) {
    auto info = (*client)->repo_info(*repo);
    if (!info.ok()) return info.error();
    spec.parent = info->sha;
    auto done = (*client)->commit(*repo, spec);
    if (done.ok())
      return json{{"commit", done->oid}, {"url", plan.url}, {"files_uploaded", spec.files.size()}, {"attempts", attempt}};
    if (done.error().code != "HUB_HEAD_MOVED" || attempt >= 3) return done.error();
  }
}

}  // namespace ot::capsule
