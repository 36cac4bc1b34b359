// The path_anonymizer tool: user names in home-directory paths become "[USER:<hex>]".
//
// The token is a deterministic, authenticated encryption of the name under a local key
// (an SIV-style construction from HMAC-SHA256): tag = HMAC(key, "tag" | scope | name)[0..8),
// ciphertext = name XOR HMAC(key, "stream" | scope | tag | counter). Same name + same
// scope (a trace) → same token, so a trace stays readable; another trace gets another
// token, so traces cannot be joined on it; and only the key in
// $OPENTRACES_HOME/security/path.key (0600, never exported or synced) turns it back.
#include <fcntl.h>
#include <nettle/hmac.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "engine/security/detectors.h"
#include "engine/util/fs.h"
#include "engine/util/paths.h"

namespace ot::security {

namespace {

std::string hmac(const std::string& key, const std::string& msg) {
  hmac_sha256_ctx ctx;
  hmac_sha256_set_key(&ctx, key.size(), reinterpret_cast<const uint8_t*>(key.data()));
  hmac_sha256_update(&ctx, msg.size(), reinterpret_cast<const uint8_t*>(msg.data()));
  std::string out(SHA256_DIGEST_SIZE, '\0');
  hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

std::string to_hex(std::string_view bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 0xf]);
  }
  return out;
}

std::string from_hex(std::string_view hex) {
  std::string out;
  if (hex.size() % 2) return {};
  auto v = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = v(hex[i]), lo = v(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string keystream(const std::string& key, const std::string& scope, const std::string& tag, size_t n) {
  std::string ks;
  for (int counter = 0; ks.size() < n; ++counter)
    ks += hmac(key, "stream\x1f" + scope + "\x1f" + tag + "\x1f" + std::to_string(counter));
  ks.resize(n);
  return ks;
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; }

// Account names that identify nobody.
bool generic_user(const std::string& u) {
  static const std::set<std::string> generic = {"root", "user", "users", "admin", "guest", "shared", "public",
                                                "default", "runner", "ubuntu", "debian", "node", "app", "www-data",
                                                "nobody", "vagrant", "docker", "ec2-user", "all users"};
  std::string l = u;
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return generic.count(l) > 0;
}

}  // namespace

std::string user_token(const std::string& key, const std::string& scope, const std::string& user) {
  std::string tag = hmac(key, "tag\x1f" + scope + "\x1f" + user).substr(0, 8);
  std::string ks = keystream(key, scope, tag, user.size());
  std::string ct(user.size(), '\0');
  for (size_t i = 0; i < user.size(); ++i) ct[i] = static_cast<char>(user[i] ^ ks[i]);
  return to_hex(tag + ct);
}

std::string open_user_token(const std::string& key, const std::string& scope, const std::string& hex) {
  std::string raw = from_hex(hex);
  if (raw.size() <= 8) return {};
  std::string tag = raw.substr(0, 8), ct = raw.substr(8);
  std::string ks = keystream(key, scope, tag, ct.size());
  std::string user(ct.size(), '\0');
  for (size_t i = 0; i < ct.size(); ++i) user[i] = static_cast<char>(ct[i] ^ ks[i]);
  if (hmac(key, "tag\x1f" + scope + "\x1f" + user).substr(0, 8) != tag) return {};  // other key or scope
  return user;
}

Result<std::string> load_or_create_path_key() {
  fs::path dir = ot_home() / "security";
  fs::path file = dir / "path.key";
  std::error_code ec;
  if (fs::exists(file, ec)) {
    auto text = read_file(file);
    if (!text.ok()) return text.error();
    std::string hex = *text;
    while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.pop_back();
    std::string key = from_hex(hex);
    if (key.size() != 32)
      return make_error(ExitCode::kResource, "PATH_KEY_CORRUPT", "security",
                        file.string() + " is not a 64-hex-digit key",
                        "restore it from your own backup; moving it aside makes a new key, and placeholders made "
                        "with the old one can then no longer be reversed");
    return key;
  }
  OT_TRY_STATUS(ensure_dir(dir, 0700));
  std::string key(32, '\0');
  if (getrandom(key.data(), key.size(), 0) != static_cast<ssize_t>(key.size()))
    return make_error(ExitCode::kResource, "PATH_KEY_RANDOM_FAILED", "security", "no random bytes for the path key");
  // O_EXCL: two processes creating the key at once must not end with different keys in use.
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create_path_key();
    return make_error(ExitCode::kResource, "PATH_KEY_WRITE_FAILED", "security", "cannot create " + file.string(),
                      "check that $OPENTRACES_HOME is writable");
  }
  std::string hex = to_hex(key) + "\n";
  bool good = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!good) {
    fs::remove(file, ec);
    return make_error(ExitCode::kResource, "PATH_KEY_WRITE_FAILED", "security", "cannot write " + file.string());
  }
  return key;
}

std::string anonymize_paths(const std::string& text, const std::string& key, const std::string& scope,
                            std::vector<std::string>& learnt, int& replaced) {
  static const char* kRoots[] = {"/home/", "/Users/", "C:\\Users\\", "C:/Users/", "c:\\users\\", "C:\\\\Users\\\\",
                                 "/var/home/"};
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool done = false;
    for (const char* root : kRoots) {
      std::string_view r(root);
      if (text.compare(i, r.size(), r) != 0) continue;
      size_t b = i + r.size(), e = b;
      while (e < text.size() && name_char(text[e])) ++e;
      std::string user = text.substr(b, e - b);
      if (user.empty() || generic_user(user) || user.starts_with("[")) break;
      out.append(text, i, r.size());
      out += "[USER:" + user_token(key, scope, user) + "]";
      if (std::find(learnt.begin(), learnt.end(), user) == learnt.end()) learnt.push_back(user);
      ++replaced;
      i = e;
      done = true;
      break;
    }
    if (!done) out.push_back(text[i++]);
  }
  // Names learnt from paths also appear as "~name", "name@host" and in prompts like
  // "name@machine:~$"; replace whole-word occurrences of names long enough to be distinctive.
  for (const auto& user : learnt) {
    if (user.size() < 4) continue;
    std::string token = "[USER:" + user_token(key, scope, user) + "]";
    std::string next;
    size_t p = 0;
    while (true) {
      size_t f = out.find(user, p);
      if (f == std::string::npos) break;
      bool left = f == 0 || !name_char(out[f - 1]);
      bool right = f + user.size() >= out.size() || !name_char(out[f + user.size()]);
      next.append(out, p, f - p);
      if (left && right) {
        next += token;
        ++replaced;
      } else {
        next += user;
      }
      p = f + user.size();
    }
    next.append(out, p, std::string::npos);
    out = std::move(next);
  }
  return out;
}

}  // namespace ot::security
