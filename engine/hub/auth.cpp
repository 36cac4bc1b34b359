#include "engine/hub/auth.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "engine/util/fs.h"
#include "engine/util/json.h"
#include "engine/util/log.h"
#include "engine/util/paths.h"
#include "engine/util/time.h"

namespace ot::hub {

namespace {

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  auto end = s.find_last_not_of(ws);
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

Error auth_error(std::string code, std::string message, std::string hint, bool retryable = false) {
  return make_error(ExitCode::kResource, std::move(code), "auth", std::move(message), std::move(hint), retryable);
}

}  // namespace

std::filesystem::path hf_cache_token_path() {
  if (const char* p = std::getenv("HF_TOKEN_PATH"); p && *p) return p;
  if (const char* h = std::getenv("HF_HOME"); h && *h) return std::filesystem::path(h) / "token";
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x) / "huggingface" / "token";
  return user_home() / ".cache" / "huggingface" / "token";
}

std::optional<std::string> read_token_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  auto text = read_file(path);
  if (!text.ok()) return std::nullopt;
  std::string token;
  if (auto j = json::parse(*text, nullptr, false); !j.is_discarded() && j.is_object()) {
    token = j.value("token", j.value("hf_token", ""));
  } else {
    token = trim(text->substr(0, text->find('\n')));
  }
  if (token.rfind("hf_", 0) != 0) {
    log().warn("auth: {} does not hold an hf_ token; ignored", path.string());
    return std::nullopt;
  }
  return token;
}

std::optional<TokenInfo> resolve_token() {
  for (const char* var : {"HF_TOKEN", "HUGGINGFACE_TOKEN"}) {
    if (const char* v = std::getenv(var); v && *trim(v).c_str()) return TokenInfo{trim(v), var, ""};
  }
  if (auto t = read_token_file(credentials_path())) return TokenInfo{*t, "credentials", credentials_path().string()};
  if (auto t = read_token_file(hf_cache_token_path())) return TokenInfo{*t, "hf_cache", hf_cache_token_path().string()};
  return std::nullopt;
}

Result<std::string> check_token_shape(std::string token) {
  token = trim(std::move(token));
  if (token.rfind("hf_", 0) != 0 || token.size() < 8 || token.find_first_of(" \t\r\n") != std::string::npos) {
    return auth_error("INVALID_TOKEN", "that is not a Hugging Face access token (they start with `hf_`)",
                      "create one at https://huggingface.co/settings/tokens (write access), then run "
                      "`git opentraces auth login --token` and paste it on stdin");
  }
  return token;
}

Status save_credentials(const Credentials& c) {
  OT_TRY_STATUS(ensure_dir(ot_home(), 0700));
  ordered_json doc;
  doc["version"] = 1;
  doc["token"] = c.token;
  doc["username"] = c.username;
  doc["method"] = c.method;
  if (!c.refresh_token.empty()) doc["refresh_token"] = c.refresh_token;
  doc["saved_at"] = utc_now_iso();
  OT_TRY_STATUS(write_file_atomic(credentials_path(), pretty_json(doc), 0600));
  ::chmod(credentials_path().c_str(), 0600);  // whatever the umask said
  log().info("auth: credentials saved for {} ({})", c.username, c.method);
  return ok_status();
}

Result<bool> remove_credentials() {
  std::error_code ec;
  bool existed = std::filesystem::remove(credentials_path(), ec);
  if (ec) {
    return auth_error("CREDENTIALS_REMOVE_FAILED", "cannot remove " + credentials_path().string() + ": " + ec.message(),
                      "remove the file by hand");
  }
  if (existed) log().info("auth: credentials removed");
  return existed;
}

std::string oauth_client_id() {
  if (const char* v = std::getenv("OT_HF_OAUTH_CLIENT_ID"); v && *v) return v;
  return "git-opentraces";
}

Result<DeviceResult> device_login(Client& client, const DeviceFlow& flow) {
  auto code = client.device_start(flow.client_id, flow.scopes);
  if (!code.ok()) return code.error();
  if (flow.show) flow.show(*code);
  DeviceResult out;
  long interval = code->interval_s;
  const long limit_s = std::min(flow.timeout_s, code->expires_in_s);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_s);
  for (;;) {
    if (std::chrono::steady_clock::now() + std::chrono::seconds(interval) > deadline) {
      return auth_error("AUTH_TIMEOUT", "the device login was not approved within " + std::to_string(limit_s) + " s",
                        "run `git opentraces auth login` again and approve the code, or use "
                        "`git opentraces auth login --token` with a token from https://huggingface.co/settings/tokens",
                        true);
    }
    std::this_thread::sleep_for(std::chrono::seconds(interval));
    auto answer = client.device_poll(flow.client_id, code->device_code);
    ++out.polls;
    if (!answer.ok()) return answer.error();
    const json& j = *answer;
    if (j.contains("access_token")) {
      out.access_token = j.value("access_token", "");
      out.refresh_token = j.value("refresh_token", "");
      return out;
    }
    std::string err = j.value("error", "");
    if (err == "authorization_pending") continue;
    if (err == "slow_down") {
      interval += 5;  // RFC 8628 section 3.5
      continue;
    }
    if (err == "expired_token") {
      return auth_error("AUTH_EXPIRED", "the device code expired before it was approved",
                        "run `git opentraces auth login` again");
    }
    if (err == "access_denied") {
      return auth_error("AUTH_DENIED", "the device login was refused on the Hub", "run `git opentraces auth login` again");
    }
    return auth_error("AUTH_FAILED", "the Hub refused the device login: " + err + " " + j.value("error_description", ""),
                      "use `git opentraces auth login --token` instead");
  }
}

}  // namespace ot::hub
