#include "engine/hub/client.h"

#include <nettle/base64.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <regex>
#include <thread>

#include "engine/util/hash.h"
#include "engine/util/log.h"

namespace ot::hub {

namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}
long env_long(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  return end && *end == '\0' && n >= 0 ? n : fallback;
}

std::string base64(std::string_view bytes) {
  std::string out(BASE64_ENCODE_RAW_LENGTH(bytes.size()), '\0');
  base64_encode_raw(out.data(), bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()));
  return out;
}

Error hub_error(std::string code, std::string kind, std::string message, std::string hint = {}, bool retryable = false) {
  return make_error(ExitCode::kResource, std::move(code), std::move(kind), std::move(message), std::move(hint), retryable);
}

Error bad_answer(const std::string& what, const std::string& detail) {
  return hub_error("HUB_BAD_ANSWER", "hub", what + ": unexpected answer from the Hub (" + detail + ")",
                   "check HF_ENDPOINT points at a Hugging Face Hub");
}

// Seconds to wait from Retry-After, or from `RateLimit: "api";r=0;t=55` when exhausted.
std::optional<long> retry_after_ms(const HttpResponse& r) {
  std::string ra = r.header("retry-after");
  if (!ra.empty() && std::all_of(ra.begin(), ra.end(), ::isdigit)) return std::stol(ra) * 1000;
  std::smatch m;
  std::string rl = r.header("ratelimit");
  static const std::regex re(R"(r=(\d+);\s*t=(\d+))");
  if (std::regex_search(rl, m, re) && m[1] == "0") return std::stol(m[2]) * 1000;
  return std::nullopt;
}

TreeEntry entry_from(const json& j) {
  TreeEntry e;
  e.type = j.value("type", "");
  e.path = j.value("path", "");
  e.size = j.value("size", 0LL);
  e.oid = j.value("oid", "");
  if (j.contains("lfs") && j["lfs"].is_object()) e.lfs_sha256 = j["lfs"].value("oid", "");
  return e;
}

}  // namespace

ClientOptions options_from_env(std::string token) {
  ClientOptions o;
  o.endpoint = env_or("HF_ENDPOINT", kDefaultEndpoint);
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  o.token = std::move(token);
  o.timeout_ms = env_long("OT_HUB_TIMEOUT_MS", o.timeout_ms);
  o.max_attempts = static_cast<int>(std::max(1L, env_long("OT_HUB_ATTEMPTS", o.max_attempts)));
  o.backoff_ms = env_long("OT_HUB_BACKOFF_MS", o.backoff_ms);
  o.lfs_threshold = static_cast<size_t>(env_long("OT_HUB_LFS_THRESHOLD", static_cast<long>(o.lfs_threshold)));
  return o;
}

std::string RepoId::api_prefix() const { return type + "s/" + id; }
std::string RepoId::url_prefix() const { return type == "model" ? id : type + "s/" + id; }

Result<RepoId> parse_repo_id(std::string_view text) {
  std::string s(text);
  if (s.rfind("hf://", 0) == 0) s = s.substr(5);
  RepoId r;
  for (const char* t : {"datasets/", "models/", "spaces/"}) {
    if (s.rfind(t, 0) == 0) {
      r.type = std::string(t, std::string_view(t).size() - 2);
      s = s.substr(std::string_view(t).size());
    }
  }
  static const std::regex name(R"(^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$)");
  if (!std::regex_match(s, name) || s.find("..") != std::string::npos) {
    return make_error(ExitCode::kUsage, "INVALID_REPO_ID", "hub", "`" + std::string(text) + "` is not a Hub repo id",
                      "use owner/name, e.g. alice/agent-traces (letters, digits, '-', '_', '.')");
  }
  r.id = s;
  return r;
}

Client::Client(ClientOptions options) : options_(std::move(options)), session_(std::make_unique<HttpSession>()) {}
Client::~Client() = default;

Error Client::http_error(const Call& c, const HttpResponse& r) const {
  std::string hub_message;
  if (auto j = json::parse(r.body, nullptr, false); !j.is_discarded() && j.is_object()) {
    hub_message = j.value("error", j.value("message", ""));
  } else if (r.body.size() < 300) {
    hub_message = r.body;
  }
  std::string what = c.method + " " + url_path_for_log(c.url) + " answered HTTP " + std::to_string(r.status);
  if (!hub_message.empty()) what += ": " + hub_message;
  std::string code_header = r.header("x-error-code");
  switch (r.status) {
    case 401:
      return hub_error("HUB_UNAUTHORIZED", code_header.empty() ? "hub" : code_header, what,
                       "the token is missing, invalid or expired: run `git opentraces auth login` or set HF_TOKEN");
    case 403:
      return hub_error("HUB_FORBIDDEN", "hub", what, "the token lacks write access to this namespace or repo");
    case 404:
      return hub_error("HUB_NOT_FOUND", code_header.empty() ? "NotFound" : code_header, what,
                       "check the repo id, and that your token can see it (private repos look missing to others)");
    case 409:
      return hub_error("HUB_CONFLICT", "hub", what, "another operation is in progress on the repo; retry");
    case 412:
      return hub_error("HUB_HEAD_MOVED", "hub", what, "the remote changed since it was read; retry", true);
    case 429:
      return hub_error("HUB_RATE_LIMITED", "hub", what, "the Hub is rate-limiting this token; wait and retry", true);
    default:
      if (r.status >= 500) {
        return hub_error("HUB_SERVER_ERROR", "hub", what, "the Hub failed; retry later", true);
      }
      return hub_error("HUB_REQUEST_FAILED", "hub", what);
  }
}

Result<HttpResponse> Client::exchange(const Call& c) {
  std::string url = c.url;
  const std::string hub_origin = url_origin(options_.endpoint);
  for (int hop = 0; hop < 6; ++hop) {
    HttpRequest req;
    req.method = c.method;
    req.url = url;
    req.headers = c.headers;
    req.body = c.body;
    req.timeout_ms = options_.timeout_ms;
    req.connect_timeout_ms = options_.connect_timeout_ms;
    req.fresh_connection = !c.retry_transport;
    // The token goes to the Hub's own origin only: never to a CDN or presigned storage URL.
    if (!options_.token.empty() && url_origin(url) == hub_origin) {
      req.headers.emplace_back("Authorization", "Bearer " + options_.token);
    }
    ++exchanges_;
    auto r = session_->send(req);
    if (!r.ok()) return r.error();
    long s = r->status;
    if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && !r->header("location").empty()) {
      url = resolve_location(url, r->header("location"));
      if (s == 303) return bad_answer(c.method + " " + url_path_for_log(c.url), "303 redirect");
      continue;
    }
    return r;
  }
  return bad_answer(c.method + " " + url_path_for_log(c.url), "too many redirects");
}

Result<HttpResponse> Client::call(const Call& c) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  long wait = options_.backoff_ms;
  for (int attempt = 1;; ++attempt) {
    auto r = exchange(c);
    std::string outcome;
    std::optional<long> hinted;
    if (!r.ok()) {
      outcome = r.error().code;
      if (!c.retry_transport || attempt >= options_.max_attempts) {
        log().warn("hub {} {}: {} (attempt {}, giving up)", c.method, url_path_for_log(c.url), outcome, attempt);
        return r.error();
      }
    } else {
      long s = r->status;
      bool good = std::find(c.ok_statuses.begin(), c.ok_statuses.end(), s) != c.ok_statuses.end();
      if (good) {
        log().info("hub {} {} -> {} (attempt {})", c.method, url_path_for_log(c.url), s, attempt);
        return r;
      }
      bool retryable = s == 429 || s >= 500 || (s == 409 && c.retry_409);
      if (s >= 500 && !c.retry_transport && s != 503) retryable = false;  // the call may have landed
      if (!retryable || attempt >= options_.max_attempts) {
        log().warn("hub {} {} -> {} (attempt {}, giving up)", c.method, url_path_for_log(c.url), s, attempt);
        return r;  // the caller turns it into an error (some statuses are answers, e.g. 409 on create)
      }
      outcome = "HTTP " + std::to_string(s);
      hinted = retry_after_ms(*r);
    }
    long jitter = wait > 1 ? static_cast<long>(rng() % static_cast<unsigned long>(wait / 2 + 1)) : 0;
    long sleep_ms = std::min(options_.max_backoff_ms, hinted ? *hinted : wait + jitter);
    log().info("hub {} {}: {}; retry {} of {} in {} ms", c.method, url_path_for_log(c.url), outcome, attempt,
               options_.max_attempts - 1, sleep_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    wait = std::min(options_.max_backoff_ms, wait * 2);
  }
}

Result<WhoAmI> Client::whoami() {
  Call c{"GET", options_.endpoint + "/api/whoami-v2"};
  auto r = call(c);
  if (!r.ok()) return r.error();
  if (r->status != 200) return http_error(c, *r);
  auto j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("name")) return bad_answer("whoami", "no name");
  WhoAmI w;
  w.name = j.value("name", "");
  w.type = j.value("type", "user");
  if (j.contains("auth") && j["auth"].contains("accessToken")) w.token_role = j["auth"]["accessToken"].value("role", "");
  for (const auto& o : j.value("orgs", json::array())) w.orgs.push_back(o.value("name", ""));
  return w;
}

Result<Client::Created> Client::create_repo(const RepoId& repo, bool is_private, bool exist_ok) {
  auto slash = repo.id.find('/');
  json body = {{"name", repo.id.substr(slash + 1)}, {"organization", repo.id.substr(0, slash)},
               {"type", repo.type}, {"visibility", is_private ? "private" : "public"}, {"private", is_private}};
  Call c{"POST", options_.endpoint + "/api/repos/create", {{"Content-Type", "application/json"}}, body.dump()};
  c.ok_statuses = {200, 201};
  auto r = call(c);
  if (!r.ok()) return r.error();
  Created out;
  out.url = options_.endpoint + "/" + repo.url_prefix();
  if (r->status == 409 && exist_ok) {
    // Exists: make sure we can see it (a 409 for a repo we cannot read is someone else's).
    auto info = repo_info(repo);
    if (!info.ok()) return info.error();
    return out;
  }
  if (r->status != 200 && r->status != 201) return http_error(c, *r);
  auto j = json::parse(r->body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("url")) out.url = j.value("url", out.url);
  out.created = true;
  return out;
}

Status Client::delete_repo(const RepoId& repo) {
  auto slash = repo.id.find('/');
  json body = {{"name", repo.id.substr(slash + 1)}, {"organization", repo.id.substr(0, slash)}, {"type", repo.type}};
  Call c{"DELETE", options_.endpoint + "/api/repos/delete", {{"Content-Type", "application/json"}}, body.dump()};
  auto r = call(c);
  if (!r.ok()) return r.error();
  if (r->status != 200) return http_error(c, *r);
  return ok_status();
}

Status Client::set_private(const RepoId& repo, bool is_private) {
  json body = {{"private", is_private}, {"visibility", is_private ? "private" : "public"}};
  Call c{"PUT", options_.endpoint + "/api/" + repo.api_prefix() + "/settings", {{"Content-Type", "application/json"}},
         body.dump()};
  auto r = call(c);
  if (!r.ok()) return r.error();
  if (r->status != 200) return http_error(c, *r);
  return ok_status();
}

Result<RepoInfo> Client::repo_info(const RepoId& repo, const std::string& revision) {
  Call c{"GET", options_.endpoint + "/api/" + repo.api_prefix() + "/revision/" + url_escape(revision)};
  auto r = call(c);
  if (!r.ok()) return r.error();
  if (r->status != 200) return http_error(c, *r);
  auto j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_answer("repo info", "not a JSON object");
  RepoInfo info;
  info.id = j.value("id", repo.id);
  info.sha = j.value("sha", "");
  info.is_private = j.value("private", false);
  return info;
}

Result<std::vector<TreeEntry>> Client::list_tree(const RepoId& repo, const std::string& revision, const std::string& path,
                                                 bool recursive) {
  std::vector<TreeEntry> out;
  std::string url = options_.endpoint + "/api/" + repo.api_prefix() + "/tree/" + url_escape(revision) +
                    (path.empty() ? "" : "/" + url_escape(path, true)) + "?recursive=" + (recursive ? "true" : "false") +
                    "&expand=false";
  static const std::regex next_re(R"(<([^>]+)>;\s*rel="next")");
  for (int page = 0; !url.empty() && page < 10000; ++page) {
    Call c{"GET", url, {{"Accept", "application/json"}}};
    auto r = call(c);
    if (!r.ok()) return r.error();
    if (r->status != 200) return http_error(c, *r);
    auto j = json::parse(r->body, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return bad_answer("tree", "not a JSON array");
    for (const auto& e : j) out.push_back(entry_from(e));
    std::smatch m;
    std::string link = r->header("link");
    url = std::regex_search(link, m, next_re) ? resolve_location(url, m[1].str()) : std::string();
  }
  return out;
}

Result<std::string> Client::download(const RepoId& repo, const std::string& path, const std::string& revision) {
  Call c{"GET", options_.endpoint + "/" + repo.url_prefix() + "/resolve/" + url_escape(revision) + "/" +
                    url_escape(path, true)};
  auto r = call(c);
  if (!r.ok()) return r.error();
  if (r->status != 200) return http_error(c, *r);
  return std::move(r->body);
}

Result<std::vector<std::string>> Client::preupload(const RepoId& repo, const std::string& branch,
                                                   const std::vector<CommitFile>& files) {
  std::vector<std::string> modes;
  for (size_t start = 0; start < files.size(); start += 100) {
    json body = {{"files", json::array()}};
    for (size_t i = start; i < std::min(files.size(), start + 100); ++i) {
      const auto& f = files[i];
      body["files"].push_back({{"path", f.path}, {"size", f.content.size()},
                               {"sample", base64(std::string_view(f.content).substr(0, 512))}});
    }
    Call c{"POST", options_.endpoint + "/api/" + repo.api_prefix() + "/preupload/" + url_escape(branch),
           {{"Content-Type", "application/json"}}, body.dump()};
    auto r = call(c);
    if (!r.ok()) return r.error();
    if (r->status != 200) return http_error(c, *r);
    auto j = json::parse(r->body, nullptr, false);
    if (j.is_discarded() || !j.contains("files") || !j["files"].is_array()) return bad_answer("preupload", "no files");
    std::map<std::string, std::string> by_path;
    for (const auto& f : j["files"]) by_path[f.value("path", "")] = f.value("uploadMode", "regular");
    for (size_t i = start; i < std::min(files.size(), start + 100); ++i) {
      std::string mode = by_path.count(files[i].path) ? by_path[files[i].path] : "regular";
      if (files[i].content.size() >= options_.lfs_threshold) mode = "lfs";
      modes.push_back(mode);
    }
  }
  return modes;
}

Status Client::lfs_upload(const RepoId& repo, const std::string& branch, const std::vector<const CommitFile*>& files) {
  json objects = json::array();
  std::map<std::string, const CommitFile*> by_oid;
  for (const auto* f : files) {
    std::string oid = sha256_hex(f->content);
    by_oid[oid] = f;
    objects.push_back({{"oid", oid}, {"size", f->content.size()}});
  }
  json body = {{"operation", "upload"}, {"transfers", {"basic", "multipart"}}, {"hash_algo", "sha_256"},
               {"ref", {{"name", branch}}}, {"objects", objects}};
  Call c{"POST", options_.endpoint + "/" + repo.url_prefix() + ".git/info/lfs/objects/batch",
         {{"Accept", "application/vnd.git-lfs+json"}, {"Content-Type", "application/vnd.git-lfs+json"}}, body.dump()};
  auto r = call(c);
  if (!r.ok()) return r.error();
  if (r->status != 200) return http_error(c, *r);
  auto j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.contains("objects")) return bad_answer("LFS batch", "no objects");
  std::string transfer = j.value("transfer", "basic");
  for (const auto& o : j["objects"]) {
    std::string oid = o.value("oid", "");
    auto it = by_oid.find(oid);
    if (it == by_oid.end()) return bad_answer("LFS batch", "an object we did not ask for");
    if (o.contains("error")) {
      return hub_error("HUB_LFS_REFUSED", "hub",
                       "LFS upload of " + it->second->path + " refused: " + o["error"].value("message", "unknown"));
    }
    if (!o.contains("actions") || !o["actions"].contains("upload")) continue;  // already stored
    const json& up = o["actions"]["upload"];
    if (transfer != "basic" || (up.contains("header") && up["header"].contains("chunk_size"))) {
      return bad_answer("LFS batch", "transfer '" + transfer + "' (only basic single-part uploads are supported)");
    }
    Call put{"PUT", up.value("href", ""), {{"Content-Type", "application/octet-stream"}}, it->second->content};
    if (up.contains("header")) {
      for (auto& [k, v] : up["header"].items()) put.headers.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    }
    auto pr = call(put);
    if (!pr.ok()) return pr.error();
    if (pr->status < 200 || pr->status >= 300) return http_error(put, *pr);
    if (o["actions"].contains("verify")) {
      const json& ver = o["actions"]["verify"];
      Call v{"POST", ver.value("href", ""), {{"Content-Type", "application/vnd.git-lfs+json"}},
             json{{"oid", oid}, {"size", it->second->content.size()}}.dump()};
      if (ver.contains("header")) {
        for (auto& [k, val] : ver["header"].items()) v.headers.emplace_back(k, val.is_string() ? val.get<std::string>() : val.dump());
      }
      auto vr = call(v);
      if (!vr.ok()) return vr.error();
      if (vr->status < 200 || vr->status >= 300) return http_error(v, *vr);
    }
  }
  return ok_status();
}

Result<CommitResult> Client::commit(const RepoId& repo, const CommitSpec& spec, const std::string& branch) {
  CommitResult out;
  auto modes = preupload(repo, branch, spec.files);
  if (!modes.ok()) return modes.error();
  std::vector<const CommitFile*> lfs;
  for (size_t i = 0; i < spec.files.size(); ++i) {
    if ((*modes)[i] == "lfs") lfs.push_back(&spec.files[i]);
  }
  if (!lfs.empty()) OT_TRY_STATUS(lfs_upload(repo, branch, lfs));

  json header = {{"summary", spec.summary}, {"description", spec.description}};
  if (!spec.parent.empty()) header["parentCommit"] = spec.parent;
  std::string body = json{{"key", "header"}, {"value", header}}.dump();
  for (size_t i = 0; i < spec.files.size(); ++i) {
    const auto& f = spec.files[i];
    json line;
    if ((*modes)[i] == "lfs") {
      line = {{"key", "lfsFile"},
              {"value", {{"path", f.path}, {"algo", "sha256"}, {"size", f.content.size()}, {"oid", sha256_hex(f.content)}}}};
      out.lfs_paths.push_back(f.path);
    } else {
      line = {{"key", "file"}, {"value", {{"path", f.path}, {"content", base64(f.content)}, {"encoding", "base64"}}}};
    }
    body += "\n" + line.dump();
  }
  for (const auto& d : spec.deletions) body += "\n" + json{{"key", "deletedFile"}, {"value", {{"path", d}}}}.dump();

  Call c{"POST", options_.endpoint + "/api/" + repo.api_prefix() + "/commit/" + url_escape(branch),
         {{"Content-Type", "application/x-ndjson"}}, body};
  // Without a pinned parent a retried commit could land twice: only retry what cannot have landed.
  c.retry_transport = !spec.parent.empty();
  c.retry_409 = true;
  auto r = call(c);
  if (!r.ok()) return r.error();
  if (r->status != 200 && r->status != 201) return http_error(c, *r);
  auto j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.contains("commitOid")) return bad_answer("commit", "no commitOid");
  out.oid = j.value("commitOid", "");
  out.url = j.value("commitUrl", "");
  return out;
}

Result<Client::DeviceCode> Client::device_start(const std::string& client_id, const std::string& scopes) {
  Call c{"POST", options_.endpoint + "/oauth/device", {{"Content-Type", "application/x-www-form-urlencoded"}},
         "client_id=" + url_escape(client_id) + "&scope=" + url_escape(scopes)};
  auto r = call(c);
  if (!r.ok()) return r.error();
  if (r->status != 200) return http_error(c, *r);
  auto j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.contains("device_code") || !j.contains("user_code")) {
    return bad_answer("device authorization", "no device_code");
  }
  DeviceCode d;
  d.device_code = j.value("device_code", "");
  d.user_code = j.value("user_code", "");
  d.verification_uri = j.value("verification_uri", options_.endpoint + "/oauth/device");
  d.verification_uri_complete = j.value("verification_uri_complete", "");
  d.interval_s = std::max(1L, j.value("interval", 5L));
  d.expires_in_s = j.value("expires_in", 900L);
  return d;
}

Result<json> Client::device_poll(const std::string& client_id, const std::string& device_code) {
  Call c{"POST", options_.endpoint + "/oauth/token", {{"Content-Type", "application/x-www-form-urlencoded"}},
         "grant_type=" + url_escape("urn:ietf:params:oauth:grant-type:device_code") +
             "&device_code=" + url_escape(device_code) + "&client_id=" + url_escape(client_id)};
  c.ok_statuses = {200, 400, 401, 403};
  auto r = call(c);
  if (!r.ok()) return r.error();
  auto j = json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad_answer("device token poll", "not JSON");
  if (r->status == 200 && !j.contains("access_token")) return bad_answer("device token poll", "no access_token");
  if (r->status != 200 && !j.contains("error")) return http_error(c, *r);
  return j;
}

}  // namespace ot::hub
