#include "engine/hub/remotes.h"

#include "engine/dataset/rows.h"
#include "engine/hub/auth.h"
#include "engine/project/config.h"

namespace ot::hub {

namespace {

Error remote_error(std::string code, std::string message, std::string hint, ExitCode exit = ExitCode::kResource) {
  return make_error(exit, std::move(code), "dataset remote", std::move(message), std::move(hint));
}

// Applies `edit` to the manifest under the dataset lock and saves it.
template <typename Edit>
Status edit_manifest(const std::string& dataset, Edit edit) {
  auto dir = dataset::dataset_dir(dataset);
  if (!dir.ok()) return dir.error();
  auto lock = dataset::DatasetLock::acquire(*dir, "dataset remote");
  if (!lock.ok()) return lock.error();
  auto ds = dataset::Dataset::open(dataset);
  if (!ds.ok()) return ds.error();
  json m = ds->manifest();
  if (!m.contains("remotes") || !m["remotes"].is_object()) m["remotes"] = json::object();
  OT_TRY_STATUS(edit(m));
  return ds->save_manifest(m);
}

}  // namespace

std::vector<Remote> remotes_of(const json& manifest) {
  std::vector<Remote> out;
  const json remotes = manifest.value("remotes", json::object());
  const json active = manifest.value("active_remote", json());
  for (auto it = remotes.begin(); it != remotes.end(); ++it) {
    Remote r;
    r.name = it.key();
    r.url = it.value().value("url", "");
    r.repo_id = it.value().value("repo_id", "");
    if (r.repo_id.empty()) {  // older entries carry only the URL
      auto pos = r.url.find("/datasets/");
      if (pos != std::string::npos) r.repo_id = r.url.substr(pos + 10);
    }
    r.visibility = it.value().value("visibility", "private");
    r.active = active.is_string() && active.get<std::string>() == r.name;
    out.push_back(r);
  }
  return out;
}

Result<std::unique_ptr<Client>> authenticated_client() {
  auto token = resolve_token();
  if (!token) {
    return remote_error("AUTH_REQUIRED", "no Hugging Face token (HF_TOKEN, HUGGINGFACE_TOKEN, credentials or HF cache)",
                        "run `git opentraces auth login` (or set HF_TOKEN)");
  }
  return std::make_unique<Client>(options_from_env(token->token));
}

Result<CreateRemoteResult> create_remote(const std::string& dataset, const std::string& repo,
                                         const std::string& remote_name, const std::string& visibility) {
  auto ds = dataset::Dataset::open(dataset);
  if (!ds.ok()) return ds.error();
  if (remote_name.empty() || remote_name.find_first_of("/ \t:") != std::string::npos) {
    return remote_error("INVALID_REMOTE_NAME", "`" + remote_name + "` is not a usable remote name",
                        "use a short word such as origin", ExitCode::kUsage);
  }
  auto client = authenticated_client();
  if (!client.ok()) return client.error();
  std::string full = repo;
  if (full.find('/') == std::string::npos) {  // normalise with the token's user (reference 7.4)
    auto who = (*client)->whoami();
    if (!who.ok()) return who.error();
    full = who->name + "/" + repo;
  }
  auto id = parse_repo_id(full);
  if (!id.ok()) return id.error();
  if (id->type != "dataset") {
    return remote_error("INVALID_REPO_ID", "dataset remotes are dataset repos, not " + id->type + "s",
                        "use owner/name", ExitCode::kUsage);
  }
  std::string vis = visibility;
  if (vis.empty()) {
    auto config = project::load_config();
    vis = config.ok() ? config->value("dataset_visibility", "private") : "private";
    if (vis != "public") vis = "private";
  }
  auto created = (*client)->create_repo(*id, vis == "private", /*exist_ok=*/true);
  if (!created.ok()) return created.error();
  if (!created->created) {  // bound to an existing repo: report its real visibility
    auto info = (*client)->repo_info(*id);
    if (!info.ok()) return info.error();
    vis = info->is_private ? "private" : "public";
  }
  CreateRemoteResult out;
  out.verb = created->created ? "created" : "connected";
  out.remote = Remote{remote_name, id->id, (*client)->options().endpoint + "/datasets/" + id->id, vis, false};
  OT_TRY_STATUS(edit_manifest(dataset, [&](json& m) -> Status {
    m["remotes"][remote_name] = {{"url", out.remote.url}, {"repo_id", out.remote.repo_id}, {"visibility", vis}};
    if (!m.value("active_remote", json()).is_string()) m["active_remote"] = remote_name;
    out.remote.active = m["active_remote"] == remote_name;
    return ok_status();
  }));
  return out;
}

Result<Remote> find_remote(const std::string& dataset, const std::string& remote_name) {
  auto ds = dataset::Dataset::open(dataset);
  if (!ds.ok()) return ds.error();
  auto remotes = remotes_of(ds->manifest());
  for (const auto& r : remotes) {
    if (remote_name.empty() ? r.active : r.name == remote_name) return r;
  }
  if (remote_name.empty()) {
    return remote_error("REMOTE_NOT_CONFIGURED", "dataset " + dataset + " has no active remote",
                        "run `git opentraces dataset remote create " + dataset + " OWNER/REPO --private`");
  }
  return remote_error("REMOTE_NOT_FOUND", "dataset " + dataset + " has no remote named " + remote_name,
                      "see `git opentraces dataset remote list " + dataset + "`");
}

Result<Remote> set_visibility(const std::string& dataset, const std::string& remote_name, bool is_private) {
  auto remote = find_remote(dataset, remote_name);
  if (!remote.ok()) return remote.error();
  auto client = authenticated_client();
  if (!client.ok()) return client.error();
  auto id = parse_repo_id(remote->repo_id);
  if (!id.ok()) return id.error();
  OT_TRY_STATUS((*client)->set_private(*id, is_private));
  remote->visibility = is_private ? "private" : "public";
  OT_TRY_STATUS(edit_manifest(dataset, [&](json& m) -> Status {
    if (m["remotes"].contains(remote->name)) m["remotes"][remote->name]["visibility"] = remote->visibility;
    return ok_status();
  }));
  return *remote;
}

Result<Remote> remove_remote(const std::string& dataset, const std::string& remote_name, bool delete_repo) {
  auto remote = find_remote(dataset, remote_name);
  if (!remote.ok()) return remote.error();
  if (delete_repo) {
    auto client = authenticated_client();
    if (!client.ok()) return client.error();
    auto id = parse_repo_id(remote->repo_id);
    if (!id.ok()) return id.error();
    auto st = (*client)->delete_repo(*id);
    if (!st.ok() && st.error().code != "HUB_NOT_FOUND") return st.error();
  }
  OT_TRY_STATUS(edit_manifest(dataset, [&](json& m) -> Status {
    m["remotes"].erase(remote->name);
    if (m.value("active_remote", json()) == remote->name) {
      m["active_remote"] = m["remotes"].empty() ? json() : json(m["remotes"].begin().key());
    }
    return ok_status();
  }));
  return *remote;
}

}  // namespace ot::hub
