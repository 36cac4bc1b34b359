// Dataset remotes: Hub dataset repos bound to a local dataset (manifest `remotes`,
// `active_remote`; reference 7.4 `dataset remote`). The manifest is changed only through
// engine/dataset/rows.h (Dataset::save_manifest under the dataset lock).
#pragma once

#include <string>
#include <vector>

#include "engine/hub/client.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::hub {

inline constexpr const char* kDefaultRemoteName = "origin";

struct Remote {
  std::string name;        // local name ("origin")
  std::string repo_id;     // owner/name
  std::string url;         // <endpoint>/datasets/owner/name
  std::string visibility;  // private | public
  bool active = false;
};

std::vector<Remote> remotes_of(const json& manifest);

// A client for the current token; AUTH_REQUIRED (exit 3) when there is none.
Result<std::unique_ptr<Client>> authenticated_client();

struct CreateRemoteResult {
  Remote remote;
  std::string verb;  // created | connected
};
// Creates the Hub repo (exist-ok) and binds it as `remote_name`. `repo` may omit the owner
// (the token's user is used). visibility "" = the manifest/config default (private).
Result<CreateRemoteResult> create_remote(const std::string& dataset, const std::string& repo,
                                         const std::string& remote_name, const std::string& visibility);
// The remote named `remote_name`, or the active one when empty. REMOTE_NOT_FOUND (exit 3).
Result<Remote> find_remote(const std::string& dataset, const std::string& remote_name);
Result<Remote> set_visibility(const std::string& dataset, const std::string& remote_name, bool is_private);
// Unbinds the remote; with delete_repo also deletes the Hub repo.
Result<Remote> remove_remote(const std::string& dataset, const std::string& remote_name, bool delete_repo);

}  // namespace ot::hub
