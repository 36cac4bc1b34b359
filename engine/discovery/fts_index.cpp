#include "engine/discovery/fts_index.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/bucket/codec.h"
#include "engine/discovery/tokenize.h"

namespace ot::discovery {

namespace {

constexpr size_t kPieceCap = 16 * 1024;     // bytes of one step's text that are indexed
constexpr size_t kInputValueCap = 4 * 1024;  // bytes of one tool-input string value
constexpr size_t kInputCallCap = 16 * 1024;  // bytes of one tool call's input

const json& at(const json& obj, std::string_view key) {
  static const json null_value;
  if (!obj.is_object()) return null_value;
  auto it = obj.find(key);
  return it == obj.end() ? null_value : *it;
}

std::string str(const json& obj, std::string_view key) {
  const json& v = at(obj, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

void append(std::string& to, std::string_view text, size_t cap) {
  if (text.empty()) return;
  if (!to.empty()) to.push_back('\n');
  to.append(text.substr(0, cap));
}

// String values of a tool input (keys are not text), bounded.
void input_text(const json& v, std::string& out, size_t& budget) {
  if (budget == 0) return;
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    size_t n = std::min({s.size(), kInputValueCap, budget});
    append(out, std::string_view(s).substr(0, n), n);
    budget -= n;
  } else if (v.is_array() || v.is_object()) {
    for (const auto& e : v) input_text(e, out, budget);
  }
}

bool is_edit_tool(std::string_view t) {
  return t == "Edit" || t == "Write" || t == "MultiEdit" || t == "NotebookEdit" || t == "edit" || t == "write" ||
         t == "apply_patch";
}
bool is_read_tool(std::string_view t) { return t == "Read" || t == "read" || t == "NotebookRead" || t == "view"; }

std::string tool_path(const json& input) {
  for (const char* k : {"file_path", "path", "notebook_path"})
    if (std::string p = str(input, k); !p.empty()) return p;
  return {};
}

// A shell command that runs tests: a test runner or test file among its words, and not
// a git/file-inspection command that merely names a test file.
bool looks_like_test(std::string_view cmd) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < cmd.size()) {
    while (i < cmd.size() && (cmd[i] == ' ' || cmd[i] == '\t' || cmd[i] == '\n')) ++i;
    size_t j = i;
    while (j < cmd.size() && cmd[j] != ' ' && cmd[j] != '\t' && cmd[j] != '\n') ++j;
    if (j > i) words.push_back(cmd.substr(i, j - i));
    i = j;
  }
  if (words.empty()) return false;
  for (std::string_view skip : {"git", "cat", "ls", "sed", "grep", "rg", "head", "tail", "echo", "find", "wc", "diff"})
    if (words[0] == skip) return false;
  for (std::string_view w : words) {
    for (std::string_view runner : {"test", "tests", "pytest", "jest", "vitest", "ctest", "rspec", "unittest"})
      if (w == runner) return true;
    size_t slash = w.rfind('/');
    std::string_view base = slash == std::string_view::npos ? w : w.substr(slash + 1);
    if (base.rfind("test_", 0) == 0 || base.find("_test.") != std::string_view::npos || base.find(".test.") != std::string_view::npos)
      return true;
  }
  return false;
}

// Key components: no NUL, bounded; '/' is fine inside paths (the trace id comes last).
std::string key_part(std::string v, size_t cap = 512) {
  for (char& c : v)
    if (c == '\0') c = ' ';
  return utf8_prefix(v, cap);
}

Result<IndexStats> read_stats_impl(bucket::Txn& txn) {
  auto j = txn.get_json(fts_keys::kStats);
  if (!j.ok()) return j.error();
  if (!j->has_value()) {
    IndexStats s;
    s.version = kIndexVersion;
    return s;
  }
  return IndexStats::from_json(**j);
}

}  // namespace

void put_varint(std::string& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, uint32_t& v) {
  v = 0;
  for (int shift = 0; shift <= 28 && !in.empty(); shift += 7) {
    auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint32_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

Result<IndexStats> read_index_stats(bucket::Txn& txn) { return read_stats_impl(txn); }

Result<std::string> fts_value(std::string_view stored, std::string_view where) {
  if (!stored.empty() && stored[0] == bucket::kRawFlag) return std::string(stored.substr(1));
  return bucket::decode_value(stored, where);
}

std::string utf8_prefix(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // s[n] continues a sequence
  return std::string(s.substr(0, n));
}

const char* field_name(int field) {
  static const char* names[kFieldCount] = {"prompt", "assistant", "tool_input", "file_path", "commit"};
  return field >= 0 && field < kFieldCount ? names[field] : "?";
}

double field_weight(int field) {
  static const double weights[kFieldCount] = {3.0, 1.0, 0.6, 2.0, 2.0};
  return field >= 0 && field < kFieldCount ? weights[field] : 0.0;
}

std::string encode_posting(const Posting& p) {
  std::string out(1, '\0');
  unsigned mask = 0;
  for (int f = 0; f < kFieldCount; ++f)
    if (p.tf[f]) {
      mask |= 1u << f;
      put_varint(out, p.tf[f]);
      put_varint(out, p.len[f]);
    }
  out[0] = static_cast<char>(mask);
  return out;
}

std::optional<Posting> decode_posting(std::string_view in) {
  if (in.empty()) return std::nullopt;
  auto mask = static_cast<unsigned char>(in.front());
  in.remove_prefix(1);
  Posting p;
  for (int f = 0; f < kFieldCount; ++f)
    if (mask & (1u << f))
      if (!get_varint(in, p.tf[f]) || !get_varint(in, p.len[f])) return std::nullopt;
  return p;
}

json IndexStats::to_json() const {
  json j = {{"version", version}, {"docs", docs}, {"len", len}};
  if (version >= 2) j["loose"] = loose, j["segment"] = segment;  // a version-1 index keeps its shape
  return j;
}

IndexStats IndexStats::from_json(const json& j) {
  IndexStats s;
  s.version = j.value("version", 0);
  s.docs = j.value("docs", int64_t{0});
  s.loose = j.value("loose", s.docs);  // version 1: every posting is loose
  s.segment = j.value("segment", int64_t{0});
  if (auto it = j.find("len"); it != j.end() && it->is_array())
    for (size_t f = 0; f < kFieldCount && f < it->size(); ++f)
      if ((*it)[f].is_number_integer()) s.len[f] = (*it)[f].get<int64_t>();
  return s;
}

std::string normalize_path(std::string_view path, std::string_view cwd) {
  std::string p(path);
  if (!cwd.empty() && !p.empty() && p[0] == '/') {
    std::string base(cwd);
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    if (p.size() > base.size() && p.compare(0, base.size(), base) == 0 && p[base.size()] == '/')
      p = p.substr(base.size() + 1);
  }
  while (p.rfind("./", 0) == 0) p.erase(0, 2);
  return key_part(std::move(p));
}

SearchDocument search_document(const json& record, const bucket::RecordFacts& facts) {
  SearchDocument d;
  std::set<std::string> edited, read;
  const json& steps = at(record, "steps");
  if (steps.is_array()) {
    for (const json& step : steps) {
      std::string role = str(step, "role");
      std::string content = str(step, "content");
      if (role == "user") {
        append(d.text[kPrompt], content, kPieceCap);
        if (d.intent.empty() && !content.empty()) d.intent = utf8_prefix(content, 200);
      } else if (role == "agent" || role == "assistant") {
        append(d.text[kAssistant], content, kPieceCap);
      }
      const json& calls = at(step, "tool_calls");
      if (!calls.is_array()) continue;
      for (const json& call : calls) {
        const json& input = at(call, "input");
        size_t budget = kInputCallCap;
        input_text(input, d.text[kToolInput], budget);
        std::string tool = str(call, "tool_name");
        if (std::string p = tool_path(input); !p.empty()) {
          if (is_edit_tool(tool)) edited.insert(normalize_path(p, facts.cwd));
          else if (is_read_tool(tool)) read.insert(normalize_path(p, facts.cwd));
        }
        std::string cmd = str(input, "command");
        if (cmd.empty() && at(input, "cmd").is_string()) cmd = str(input, "cmd");
        if (!cmd.empty() && d.test_commands.size() < 5 && looks_like_test(cmd)) {
          std::string c = utf8_prefix(cmd, 160);
          if (std::find(d.test_commands.begin(), d.test_commands.end(), c) == d.test_commands.end())
            d.test_commands.push_back(c);
        }
      }
    }
  }
  for (const auto& f : facts.files) edited.insert(normalize_path(f, facts.cwd));
  edited.erase("");
  read.erase("");
  d.edited.assign(edited.begin(), edited.end());
  d.read.assign(read.begin(), read.end());
  std::set<std::string> all_paths(edited.begin(), edited.end());
  all_paths.insert(read.begin(), read.end());
  for (const auto& p : all_paths) append(d.text[kFile], p, kPieceCap);

  const json& outcome = at(record, "outcome");
  for (const char* k : {"commit_subject", "commit_message"}) append(d.text[kCommit], str(outcome, k), kPieceCap);
  const json& links = at(record, "git_links");
  if (links.is_array())
    for (const json& l : links)
      for (const char* k : {"subject", "message"}) append(d.text[kCommit], str(l, k), kPieceCap);

  if (const json& s = at(outcome, "success"); s.is_boolean()) d.success = s.get<bool>();
  const json& committed = at(outcome, "committed");
  d.committed = (committed.is_boolean() && committed.get<bool>()) || !facts.commits.empty();
  return d;
}

Status fts_forget(bucket::Txn& txn, std::string_view trace_id) {
  auto doc = txn.get_json(fts_keys::doc(trace_id));
  if (!doc.ok()) return doc.error();
  if (!doc->has_value()) return ok_status();
  auto stats = read_stats_impl(txn);
  if (!stats.ok()) return stats.error();
  const json& len = (*doc)->value("len", json::array());
  for (size_t f = 0; f < kFieldCount && f < len.size(); ++f)
    if (len[f].is_number_integer()) stats->len[f] = std::max<int64_t>(0, stats->len[f] - len[f].get<int64_t>());
  stats->docs = std::max<int64_t>(0, stats->docs - 1);
  // Packed postings cannot be deleted one trace at a time (a segment holds many traces):
  // void them instead; the next pack that rewrites a segment drops them.
  std::string mark = fts_keys::kPackedMarkPrefix + std::string(trace_id);
  auto packed = txn.get(mark);
  if (!packed.ok()) return packed.error();
  if (packed->has_value()) {
    txn.put(fts_keys::kGonePrefix + std::string(trace_id), std::to_string(stats->segment));
    txn.del(mark);
  } else {
    stats->loose = std::max<int64_t>(0, stats->loose - 1);
  }
  txn.put_json(fts_keys::kStats, stats->to_json());
  return ok_status();
}

Status fts_index(bucket::Txn& txn, const json& record, const bucket::RecordFacts& facts,
                 std::vector<std::string>& owned) {
  const std::string& tid = facts.trace_id;
  SearchDocument d = search_document(record, facts);

  std::unordered_map<std::string, Posting> terms;
  std::array<uint32_t, kFieldCount> len{};
  for (int f = 0; f < kFieldCount; ++f)
    for_each_token(d.text[f], [&](std::string_view t) {
      terms[std::string(t)].tf[f]++;
      len[f]++;
    });
  std::vector<std::string> sorted;
  sorted.reserve(terms.size());
  for (auto& [term, p] : terms) {
    for (int f = 0; f < kFieldCount; ++f)
      if (p.tf[f]) p.len[f] = len[f];
    sorted.push_back(term);
  }
  std::sort(sorted.begin(), sorted.end());  // owned keys in a stable order
  owned.reserve(owned.size() + sorted.size() + d.edited.size() + d.read.size() + 4);
  for (const auto& term : sorted) {
    std::string key = fts_keys::posting_prefix(term) + tid;
    txn.put(key, encode_posting(terms[term]));
    owned.push_back(std::move(key));
  }
  auto put_marker = [&](std::string key, std::string value = {}) {
    txn.put(key, std::move(value));
    owned.push_back(std::move(key));
  };
  for (const auto& p : d.edited) put_marker(fts_keys::file_op_prefix("edit") + p + "/" + tid);
  for (const auto& p : d.read) put_marker(fts_keys::file_op_prefix("read") + p + "/" + tid);
  put_marker(fts_keys::status_prefix("success", d.success ? (*d.success ? "true" : "false") : "unknown") + tid);
  put_marker(fts_keys::status_prefix("committed", d.committed ? "true" : "false") + tid);
  int64_t start = facts.start_ms.value_or(0);
  if (!facts.session_id.empty() && facts.session_id != tid) {
    std::string session = facts.session_id;
    std::replace(session.begin(), session.end(), '/', '_');
    put_marker(fts_keys::kSessionPrefix + key_part(session, 200) + "/" + tid, std::to_string(start));
  }

  std::vector<std::string> files(d.edited.begin(), d.edited.end());
  for (const auto& p : d.read)
    if (!std::binary_search(d.edited.begin(), d.edited.end(), p)) files.push_back(p);
  size_t files_count = files.size();
  if (files.size() > 12) files.resize(12);
  json doc = {{"len", len},
              {"intent", d.intent},
              {"success", d.success ? json(*d.success) : json()},
              {"committed", d.committed},
              {"files", files},
              {"files_count", files_count},
              {"skills", facts.skills},
              {"tools", facts.tools},
              {"commits", facts.commits},
              {"test_commands", d.test_commands},
              {"session_id", facts.session_id},
              {"start_ms", start}};
  std::string doc_key = fts_keys::doc(tid);
  txn.put_json(doc_key, doc);
  owned.push_back(doc_key);

  auto stats = read_stats_impl(txn);
  if (!stats.ok()) return stats.error();
  stats->docs++;
  stats->loose++;
  for (int f = 0; f < kFieldCount; ++f) stats->len[f] += len[f];
  txn.put_json(fts_keys::kStats, stats->to_json());
  return ok_status();
}

}  // namespace ot::discovery
