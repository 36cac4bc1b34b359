// Hugging Face credentials (reference 2.6): where the token comes from, storing it
// (0600, never logged or printed), and the OAuth device flow.
//
// Precedence: $HF_TOKEN → $HUGGINGFACE_TOKEN → $OPENTRACES_HOME/credentials →
// the huggingface_hub cache token ($HF_TOKEN_PATH, else $HF_HOME/token, else
// ~/.cache/huggingface/token). Files count only when they hold an `hf_` token.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "engine/hub/client.h"
#include "engine/util/result.h"

namespace ot::hub {

struct TokenInfo {
  std::string token;
  std::string source;  // "HF_TOKEN" | "HUGGINGFACE_TOKEN" | "credentials" | "hf_cache"
  std::string path;    // the file, for file sources
};

std::optional<TokenInfo> resolve_token();
std::filesystem::path hf_cache_token_path();

// What `auth login` stores: JSON {version, token, username, method, refresh_token?, saved_at},
// written atomically with mode 0600 (the directory 0700).
struct Credentials {
  std::string token;
  std::string username;
  std::string method;         // "token" | "device"
  std::string refresh_token;  // device flow only
};
Status save_credentials(const Credentials& c);
// Reads the token from a credentials file (our JSON or a bare token line); nullopt when the
// file is missing, unreadable or does not hold an hf_ token.
std::optional<std::string> read_token_file(const std::filesystem::path& path);
// Removes $OPENTRACES_HOME/credentials; true when there was one.
Result<bool> remove_credentials();

// A token passed in by the user: trimmed; INVALID_TOKEN (exit 3) unless it starts with hf_.
Result<std::string> check_token_shape(std::string token);

// The device flow: asks the Hub for a code, calls `show` so the user can approve it, then
// polls at the Hub's interval (slow_down adds 5 s) until approved, refused, expired, or
// `timeout_s` passes (AUTH_TIMEOUT, retryable). Errors exit 3.
struct DeviceFlow {
  std::string client_id;
  std::string scopes = "openid profile write-repos manage-repos";
  long timeout_s = 900;
  std::function<void(const Client::DeviceCode&)> show;
};
struct DeviceResult {
  std::string access_token;
  std::string refresh_token;
  int polls = 0;
};
Result<DeviceResult> device_login(Client& client, const DeviceFlow& flow);

// The OAuth client id: $OT_HF_OAUTH_CLIENT_ID, else the project's registered app id.
std::string oauth_client_id();

}  // namespace ot::hub
