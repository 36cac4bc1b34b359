// ot_corpus_gen: a deterministic synthetic corpus of agent sessions for the benchmarks.
//
// Each generated session is one of the recorded fixtures (tests/fixtures/sessions),
// rewritten so it is a distinct, realistic session: fresh session/message ids, its own
// project directory, timestamps spread over the last 90 days, and a body repeated 1..L
// times (with fresh ids per repetition) to vary length. The files are laid out the way
// each agent writes them, so parsers and ccusage read them as real sessions.
//
//   ot_corpus_gen --fixtures DIR --out DIR [--traces N | --bytes B] [--projects P]
//                 [--max-repeat L] [--seed S]
// Prints a JSON summary (files, bytes, per-agent counts) on stdout.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Template {
  std::string agent;  // claude-code | codex | pi
  std::string name;
  std::vector<std::string> header;  // lines kept once (session meta)
  std::vector<std::string> body;    // lines that may repeat
  std::string cwd;
  size_t bytes = 0;
};

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool uuid_at(std::string_view s, size_t i) {
  static const int dash[] = {8, 13, 18, 23};
  if (i + 36 > s.size()) return false;
  for (int k = 0; k < 36; ++k) {
    bool want_dash = k == dash[0] || k == dash[1] || k == dash[2] || k == dash[3];
    if (want_dash ? s[i + k] != '-' : !is_hex(s[i + k])) return false;
  }
  return true;
}

// YYYY-MM-DDTHH:MM:SS(.mmm)Z at i; returns length or 0.
size_t iso_at(std::string_view s, size_t i) {
  auto digits = [&](size_t at, int n) {
    for (int k = 0; k < n; ++k)
      if (at + k >= s.size() || s[at + k] < '0' || s[at + k] > '9') return false;
    return true;
  };
  if (!digits(i, 4) || i + 20 > s.size() || s[i + 4] != '-' || s[i + 7] != '-' || s[i + 10] != 'T') return 0;
  if (!digits(i + 5, 2) || !digits(i + 8, 2) || !digits(i + 11, 2) || !digits(i + 14, 2) || !digits(i + 17, 2)) return 0;
  size_t end = i + 19;
  if (end < s.size() && s[end] == '.') {
    ++end;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
  }
  if (end < s.size() && s[end] == 'Z') return end + 1 - i;
  return 0;
}

int64_t iso_to_ms(std::string_view iso) {
  std::tm tm{};
  tm.tm_year = std::stoi(std::string(iso.substr(0, 4))) - 1900;
  tm.tm_mon = std::stoi(std::string(iso.substr(5, 2))) - 1;
  tm.tm_mday = std::stoi(std::string(iso.substr(8, 2)));
  tm.tm_hour = std::stoi(std::string(iso.substr(11, 2)));
  tm.tm_min = std::stoi(std::string(iso.substr(14, 2)));
  tm.tm_sec = std::stoi(std::string(iso.substr(17, 2)));
  int64_t ms = 0;
  if (iso.size() > 20 && iso[19] == '.') ms = std::stoi(std::string(iso.substr(20, 3)));
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string ms_to_iso(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string hex_of(uint64_t v, int n) {
  static const char* h = "0123456789abcdef";
  std::string out(n, '0');
  for (int i = n - 1; i >= 0; --i, v >>= 4) out[i] = h[v & 0xf];
  return out;
}

uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t hash_str(std::string_view s, uint64_t salt) {
  uint64_t h = 1469598103934665603ULL ^ salt;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return mix(h);
}

std::string uuid_from(uint64_t a, uint64_t b) {
  std::string h = hex_of(a, 16) + hex_of(b, 16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

// Rewrites one line: ids remapped with `salt`, ISO times and 13-digit epoch-ms shifted
// by `shift_ms`, the template cwd replaced by `cwd`.
std::string rewrite(std::string_view line, uint64_t salt, int64_t shift_ms, const std::string& from_cwd,
                    const std::string& to_cwd, bool pi_ids) {
  std::string out;
  out.reserve(line.size() + 64);
  size_t i = 0;
  while (i < line.size()) {
    if (uuid_at(line, i)) {
      uint64_t h = hash_str(line.substr(i, 36), salt);
      out += uuid_from(h, mix(h));
      i += 36;
      continue;
    }
    if (size_t n = iso_at(line, i)) {
      out += ms_to_iso(iso_to_ms(line.substr(i, n)) + shift_ms);
      i += n;
      continue;
    }
    // Pi's 8-hex entry ids: "id":"xxxxxxxx" and "parentId":"xxxxxxxx".
    if (pi_ids && line[i] == '"' && i + 10 <= line.size() && line[i + 9] == '"' && i >= 2 && line[i - 1] == ':') {
      bool all = true;
      for (int k = 1; k <= 8; ++k) all = all && is_hex(line[i + k]);
      if (all) {
        out += '"' + hex_of(hash_str(line.substr(i + 1, 8), salt), 8) + '"';
        i += 10;
        continue;
      }
    }
    // Epoch milliseconds (13 digits, 17xx...) as a JSON number.
    if (line[i] == '1' && i + 13 <= line.size() && i > 0 && line[i - 1] == ':') {
      bool all = true;
      for (int k = 0; k < 13; ++k) all = all && line[i + k] >= '0' && line[i + k] <= '9';
      if (all && (i + 13 == line.size() || line[i + 13] < '0' || line[i + 13] > '9')) {
        out += std::to_string(std::stoll(std::string(line.substr(i, 13))) + shift_ms);
        i += 13;
        continue;
      }
    }
    if (!from_cwd.empty() && line.compare(i, from_cwd.size(), from_cwd) == 0) {
      out += to_cwd;
      i += from_cwd.size();
      continue;
    }
    out += line[i++];
  }
  return out;
}

std::string find_cwd(const std::vector<std::string>& lines) {
  for (const auto& l : lines) {
    auto p = l.find("\"cwd\":\"");
    if (p == std::string::npos) continue;
    auto start = p + 7;
    auto end = l.find('"', start);
    if (end != std::string::npos) return l.substr(start, end - start);
  }
  return {};
}

std::vector<Template> load_templates(const fs::path& fixtures) {
  std::vector<Template> out;
  for (const auto& [agent, dir] : std::vector<std::pair<std::string, std::string>>{
           {"claude-code", "claude-code"}, {"codex", "codex"}, {"pi", "pi"}}) {
    fs::path d = fixtures / "sessions" / dir;
    if (!fs::exists(d)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(d))
      if (e.path().extension() == ".jsonl") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      Template t;
      t.agent = agent;
      t.name = f.stem().string();
      std::ifstream in(f);
      std::string line;
      std::vector<std::string> lines;
      while (std::getline(in, line))
        if (!line.empty()) lines.push_back(line);
      // Codex and Pi open with one session header line; Claude Code has none to keep.
      size_t header = agent == "claude-code" ? 0 : 1;
      for (size_t i = 0; i < lines.size(); ++i) (i < header ? t.header : t.body).push_back(lines[i]);
      t.cwd = find_cwd(lines);
      t.bytes = fs::file_size(f);
      out.push_back(std::move(t));
    }
  }
  return out;
}

std::string session_path(const Template& t, const std::string& cwd, const std::string& sid, int64_t start_ms) {
  std::string iso = ms_to_iso(start_ms);
  if (t.agent == "claude-code") {
    std::string enc = cwd;
    for (auto& c : enc)
      if (c == '/' || c == '.') c = '-';
    return "claude-code/projects/" + enc + "/" + sid + ".jsonl";
  }
  if (t.agent == "codex") {
    std::string stamp = iso.substr(0, 19);
    for (auto& c : stamp)
      if (c == ':') c = '-';
    return "codex/sessions/" + iso.substr(0, 4) + "/" + iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/rollout-" +
           stamp + "-" + sid + ".jsonl";
  }
  std::string enc = cwd;
  for (auto& c : enc)
    if (c == '/') c = '-';
  std::string stamp = iso;
  for (auto& c : stamp)
    if (c == ':' || c == '.') c = '-';
  return "pi/agent/sessions/-" + enc + "--/" + stamp + "_" + sid + ".jsonl";
}

}  // namespace

int main(int argc, char** argv) {
  fs::path fixtures, out;
  long long traces = 100, max_bytes = 0;
  int projects = 20, max_repeat = 4;
  uint64_t seed = 42;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "ot_corpus_gen: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--fixtures") fixtures = next();
    else if (a == "--out") out = next();
    else if (a == "--traces") traces = std::stoll(next());
    else if (a == "--bytes") max_bytes = std::stoll(next()), traces = 0;
    else if (a == "--projects") projects = std::stoi(next());
    else if (a == "--max-repeat") max_repeat = std::stoi(next());
    else if (a == "--seed") seed = std::stoull(next());
    else {
      std::cerr << "usage: ot_corpus_gen --fixtures DIR --out DIR [--traces N | --bytes B] [--projects P] "
                   "[--max-repeat L] [--seed S]\n";
      return 2;
    }
  }
  if (fixtures.empty() || out.empty()) {
    std::cerr << "ot_corpus_gen: --fixtures and --out are required\n";
    return 2;
  }
  auto templates = load_templates(fixtures);
  if (templates.empty()) {
    std::cerr << "ot_corpus_gen: no sessions under " << fixtures / "sessions" << "\n";
    return 3;
  }
  // Claude Code sessions dominate real corpora; weight them 4:2:1 against Codex and Pi.
  std::vector<size_t> pick;
  for (size_t i = 0; i < templates.size(); ++i) {
    int w = templates[i].agent == "claude-code" ? 4 : templates[i].agent == "codex" ? 3 : 2;
    for (int k = 0; k < w; ++k) pick.push_back(i);
  }
  std::mt19937_64 rng(seed);
  const int64_t now_ms = 1795000000000LL;  // fixed "now" so the corpus is reproducible
  const int64_t span_ms = 90LL * 24 * 3600 * 1000;
  std::unordered_map<std::string, long long> per_agent;
  long long written = 0, files = 0;
  for (long long n = 0; traces ? n < traces : written < max_bytes; ++n) {
    const Template& t = templates[pick[rng() % pick.size()]];
    int proj = static_cast<int>(rng() % projects);
    std::string cwd = "/home/dev/src/proj-" + std::to_string(proj);
    int64_t start = now_ms - static_cast<int64_t>(rng() % span_ms);
    int64_t template_start = 0;
    for (const auto& l : t.header.empty() ? t.body : t.header) {
      for (size_t i = 0; i < l.size(); ++i)
        if (size_t len = iso_at(l, i)) {
          template_start = iso_to_ms(std::string_view(l).substr(i, len));
          break;
        }
      if (template_start) break;
    }
    int64_t shift = start - template_start;
    uint64_t salt = mix(seed ^ static_cast<uint64_t>(n) * 0x100000001b3ULL);
    int reps = 1 + static_cast<int>(rng() % max_repeat);
    bool pi_ids = t.agent == "pi";
    std::string text;
    for (const auto& l : t.header) text += rewrite(l, salt, shift, t.cwd, cwd, pi_ids) + "\n";
    // The session id is the remapped id of the template's: every repetition keeps it,
    // message ids change per repetition (salt per rep, except session-level ids).
    for (int r = 0; r < reps; ++r) {
      uint64_t rep_salt = r == 0 ? salt : mix(salt + r);
      int64_t rep_shift = shift + static_cast<int64_t>(r) * 15 * 60 * 1000;
      for (const auto& l : t.body) {
        std::string line = rewrite(l, rep_salt, rep_shift, t.cwd, cwd, pi_ids);
        if (r > 0 && t.agent == "claude-code") {
          // Keep the session id stable across repetitions.
          auto p = l.find("\"sessionId\":\"");
          if (p != std::string::npos && uuid_at(l, p + 13)) {
            uint64_t h = hash_str(std::string_view(l).substr(p + 13, 36), salt);
            std::string sid = uuid_from(h, mix(h));
            auto q = line.find("\"sessionId\":\"");
            if (q != std::string::npos) line.replace(q + 13, 36, sid);
          }
        }
        text += line + "\n";
      }
    }
    // Session id for the file name: the first uuid of the rewritten text.
    std::string sid;
    for (size_t i = 0; i + 36 <= text.size(); ++i)
      if (uuid_at(text, i)) {
        sid = text.substr(i, 36);
        break;
      }
    if (sid.empty()) sid = uuid_from(salt, mix(salt));
    fs::path path = out / session_path(t, cwd, sid, start);
    fs::create_directories(path.parent_path());
    std::ofstream f(path, std::ios::binary);
    f << text;
    written += static_cast<long long>(text.size());
    ++files;
    per_agent[t.agent]++;
  }
  std::cout << "{\"files\":" << files << ",\"bytes\":" << written << ",\"seed\":" << seed << ",\"agents\":{";
  bool first = true;
  for (const auto& a : {"claude-code", "codex", "pi"}) {
    std::cout << (first ? "" : ",") << "\"" << a << "\":" << per_agent[a];
    first = false;
  }
  std::cout << "}}\n";
  return 0;
}
