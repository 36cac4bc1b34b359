#include "engine/otlp/snapshot.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "engine/util/fs.h"
#include "engine/util/hash.h"
#include "engine/util/paths.h"
#include "engine/util/time.h"
#include "engine/util/usd.h"

namespace ot::otlp {

namespace fs = std::filesystem;

namespace {

// Claude Code sends some numbers as strings ("duration_ms": "171").
json number_at(const json& attrs, const char* key) {
  auto it = attrs.find(key);
  if (it == attrs.end() || it->is_null()) return nullptr;
  if (it->is_number()) return *it;
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    int64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size()) return n;
    try {
      size_t used = 0;
      double d = std::stod(s, &used);
      if (used == s.size()) return d;
    } catch (...) {
    }
  }
  return nullptr;
}

json string_at(const json& attrs, const char* key) {
  auto it = attrs.find(key);
  return it != attrs.end() && it->is_string() && !it->get_ref<const std::string&>().empty() ? *it : json(nullptr);
}

json bool_at(const json& attrs, const char* key) {
  auto it = attrs.find(key);
  if (it == attrs.end()) return nullptr;
  if (it->is_boolean()) return *it;
  if (it->is_string()) return *it == "true" ? json(true) : *it == "false" ? json(false) : json(nullptr);
  return nullptr;
}

int64_t int_or0(const json& v) { return v.is_number() ? v.get<int64_t>() : 0; }

// Sets the fields of `src` into `dst` where src has a value (later events fill in).
void merge_into(json& dst, const json& src) {
  for (const auto& [k, v] : src.items())
    if (!v.is_null()) dst[k] = v;
}

std::string event_key(const LogEvent& e, const char* id_attr) {
  json id = string_at(e.attributes, id_attr);
  if (id.is_string()) return id.get<std::string>();
  return "t" + std::to_string(e.time_ms) + "-s" + std::to_string(int_or0(number_at(e.attributes, "event.sequence")));
}

// The name a metric point is summed under: the metric, refined by the attribute that
// splits it (token type, lines added/removed, session start type, edit decision).
std::string metric_key(const MetricPoint& p) {
  std::string name = p.name.rfind("claude_code.", 0) == 0 ? p.name.substr(12) : p.name;
  auto attr = [&](const char* k) {
    auto it = p.attributes.find(k);
    return it != p.attributes.end() && it->is_string() ? "." + it->get<std::string>() : std::string();
  };
  if (name == "token.usage") return "tokens" + attr("type");
  if (name == "cost.usage") return "cost_usd";
  if (name == "lines_of_code.count") return "lines" + attr("type");
  if (name == "commit.count") return "commits";
  if (name == "pull_request.count") return "pull_requests";
  if (name == "active_time.total") return "active_time_s";
  if (name == "session.count") return "sessions" + attr("start_type");
  if (name == "code_edit_tool.decision") return "code_edit_decisions" + attr("decision");
  return name;
}

std::string series_key(const MetricPoint& p) {
  return p.name + "\n" + canonical_json(p.attributes) + "\n" + std::to_string(p.start_ns);
}

std::vector<json> sorted_by_time(const std::map<std::string, json>& m) {
  std::vector<json> v;
  for (const auto& [k, x] : m) v.push_back(x);
  std::stable_sort(v.begin(), v.end(), [](const json& a, const json& b) {
    auto ta = a.value("time", std::string()), tb = b.value("time", std::string());
    if (ta != tb) return ta < tb;
    return int_or0(a.value("sequence", json())) < int_or0(b.value("sequence", json()));
  });
  return v;
}

void load_map(std::map<std::string, json>& m, const json& doc, const char* field, const char* id) {
  if (!doc.contains(field) || !doc[field].is_array()) return;
  for (const auto& x : doc[field]) {
    std::string k = x.value(id, json()).is_string() ? x[id].get<std::string>() : x.value("key", std::string());
    if (k.empty()) k = x.value("time", std::string()) + "#" + std::to_string(int_or0(x.value("sequence", json())));
    m[k] = x;
  }
}

}  // namespace

Snapshot::Snapshot(std::string session_id) : session_id_(std::move(session_id)) {}

bool Snapshot::add(const LogEvent& e) {
  ++log_records_;
  if (first_ms_ == 0 || (e.time_ms && e.time_ms < first_ms_)) first_ms_ = e.time_ms;
  last_ms_ = std::max(last_ms_, e.time_ms);
  for (const char* k : {"service.name", "service.version", "os.type", "host.arch"})
    if (e.resource.contains(k) && e.resource[k].is_string()) service_[k] = e.resource[k];
  const json& a = e.attributes;
  const std::string time = iso_from_ms(e.time_ms);
  const json seq = number_at(a, "event.sequence");
  json fields;
  std::map<std::string, json>* into = nullptr;
  std::string key;
  if (e.name == "api_request") {
    key = event_key(e, "request_id");
    into = &requests_;
    int64_t in = int_or0(number_at(a, "input_tokens")), cr = int_or0(number_at(a, "cache_read_tokens")),
            cc = int_or0(number_at(a, "cache_creation_tokens"));
    fields = {{"request_id", string_at(a, "request_id")}, {"prompt_id", string_at(a, "prompt.id")},
              {"time", time},                               {"sequence", seq},
              {"model", string_at(a, "model")},             {"input_tokens", in},
              {"output_tokens", int_or0(number_at(a, "output_tokens"))},
              {"cache_read_tokens", cr},                    {"cache_creation_tokens", cc},
              {"prompt_tokens", in + cr + cc},              {"cost_usd", usd_json(number_at(a, "cost_usd"))},
              {"duration_ms", number_at(a, "duration_ms")}, {"query_source", string_at(a, "query_source")},
              {"speed", string_at(a, "speed")},             {"effort", string_at(a, "effort")}};
  } else if (e.name == "api_error") {
    key = event_key(e, "request_id") + "@" + time;
    into = &errors_;
    fields = {{"request_id", string_at(a, "request_id")}, {"prompt_id", string_at(a, "prompt.id")},
              {"time", time},                               {"sequence", seq},
              {"model", string_at(a, "model")},             {"error", string_at(a, "error")},
              {"status_code", number_at(a, "status_code")}, {"attempt", number_at(a, "attempt")},
              {"duration_ms", number_at(a, "duration_ms")}};
  } else if (e.name == "tool_decision" || e.name == "tool_result") {
    key = event_key(e, "tool_use_id");
    into = &tools_;
    fields = {{"tool_use_id", string_at(a, "tool_use_id")}, {"tool_name", string_at(a, "tool_name")},
              {"prompt_id", string_at(a, "prompt.id")}};
    if (e.name == "tool_decision") {
      fields["decision"] = string_at(a, "decision");
      fields["decision_source"] = string_at(a, "source");
      fields["decided_at"] = time;
    } else {
      fields["time"] = time;
      fields["sequence"] = seq;
      fields["success"] = bool_at(a, "success");
      fields["duration_ms"] = number_at(a, "duration_ms");
      fields["error"] = string_at(a, "error");
      fields["result_size_bytes"] = number_at(a, "tool_result_size_bytes");
      fields["input"] = string_at(a, "tool_input");  // only with OTEL_LOG_TOOL_DETAILS=1
    }
    fields["parameters"] = string_at(a, "tool_parameters");
  } else if (e.name == "user_prompt") {
    key = event_key(e, "prompt.id");
    into = &prompts_;
    json text = string_at(a, "prompt");
    if (text.is_string() && text.get<std::string>() == "<REDACTED>") text = nullptr;  // prompt logging off
    fields = {{"prompt_id", string_at(a, "prompt.id")}, {"time", time}, {"sequence", seq},
              {"length", number_at(a, "prompt_length")}, {"text", text}};
  } else if (e.name == "assistant_response") {
    key = event_key(e, "request_id");
    into = &responses_;
    fields = {{"request_id", string_at(a, "request_id")}, {"prompt_id", string_at(a, "prompt.id")},
              {"time", time}, {"sequence", seq}, {"length", number_at(a, "response_length")}};
  } else {
    std::string name = e.name.empty() ? "unnamed" : e.name;
    other_events_[name] = other_events_.value(name, 0) + 1;
    return true;
  }
  json& slot = (*into)[key];
  json before = slot;
  if (slot.is_null()) slot = json::object();
  merge_into(slot, fields);
  if (slot == before) {
    ++duplicates_;
    return false;
  }
  return true;
}

bool Snapshot::add(const MetricPoint& p) {
  ++metric_points_;
  std::string series = series_key(p);
  std::string id = sha256_hex(series + "\n" + std::to_string(p.time_ns)).substr(0, 20);
  if (!seen_points_.insert(id).second) {
    ++duplicates_;
    return false;
  }
  int64_t ms = p.time_ns / 1000000;
  if (ms) {
    if (first_ms_ == 0 || ms < first_ms_) first_ms_ = ms;
    last_ms_ = std::max(last_ms_, ms);
  }
  if (p.temporality == 2 || p.kind == "gauge") {
    cumulative_[sha256_hex(series).substr(0, 20)] = {{"metric", metric_key(p)}, {"value", p.value}};
  } else {
    metrics_[metric_key(p)] += p.value;
  }
  return true;
}

json Snapshot::to_json() const {
  json metrics = json::object();
  for (const auto& [k, v] : metrics_) metrics[k] = v;
  for (const auto& [s, x] : cumulative_) {
    std::string k = x.value("metric", std::string());
    metrics[k] = metrics.value(k, 0.0) + x.value("value", 0.0);
  }
  json delta = json::object();
  for (const auto& [k, v] : metrics_) delta[k] = v;
  json tools = sorted_by_time(tools_);
  json requests = sorted_by_time(requests_);
  int64_t in = 0, out = 0, cr = 0, cc = 0;
  double cost = 0;
  for (const auto& r : requests) {
    in += int_or0(r.value("input_tokens", json()));
    out += int_or0(r.value("output_tokens", json()));
    cr += int_or0(r.value("cache_read_tokens", json()));
    cc += int_or0(r.value("cache_creation_tokens", json()));
    if (r.value("cost_usd", json()).is_number()) cost += r["cost_usd"].get<double>();
  }
  return json{{"schema_version", kSnapshotSchema},
              {"session_id", session_id_},
              {"service", service_},
              {"first_seen", first_ms_ ? json(iso_from_ms(first_ms_)) : json(nullptr)},
              {"last_seen", last_ms_ ? json(iso_from_ms(last_ms_)) : json(nullptr)},
              {"requests", requests},
              {"request_totals", {{"requests", requests.size()}, {"input_tokens", in}, {"output_tokens", out},
                                  {"cache_read_tokens", cr}, {"cache_creation_tokens", cc}, {"cost_usd", round_usd(cost)}}},
              {"api_errors", sorted_by_time(errors_)},
              {"tools", tools},
              {"prompts", sorted_by_time(prompts_)},
              {"responses", sorted_by_time(responses_)},
              {"metrics", metrics},
              {"other_events", other_events_},
              {"counts", {{"log_records", log_records_}, {"metric_points", metric_points_}, {"duplicates", duplicates_}}},
              {"state", {{"delta", delta}, {"cumulative", cumulative_}, {"seen_points", seen_points_}}}};
}

Result<Snapshot> Snapshot::from_json(const json& doc) {
  if (!doc.is_object() || doc.value("schema_version", "") != kSnapshotSchema || !doc.value("session_id", json()).is_string())
    return make_error(ExitCode::kResource, "SNAPSHOT_CORRUPT", "capture-otlp", "not an OTLP session snapshot",
                      "move the file out of " + staging_dir().string() + " and let the receiver start it again");
  Snapshot s(doc["session_id"].get<std::string>());
  s.service_ = doc.value("service", json::object());
  s.first_ms_ = doc.value("first_seen", json()).is_string() ? ms_from_iso(doc["first_seen"].get<std::string>()).value_or(0) : 0;
  s.last_ms_ = doc.value("last_seen", json()).is_string() ? ms_from_iso(doc["last_seen"].get<std::string>()).value_or(0) : 0;
  load_map(s.requests_, doc, "requests", "request_id");
  load_map(s.tools_, doc, "tools", "tool_use_id");
  load_map(s.prompts_, doc, "prompts", "prompt_id");
  load_map(s.responses_, doc, "responses", "request_id");
  if (doc.contains("api_errors") && doc["api_errors"].is_array())
    for (const auto& x : doc["api_errors"])
      s.errors_[x.value("request_id", json()).is_string() ? x["request_id"].get<std::string>() + "@" + x.value("time", "")
                                                           : x.value("time", std::string()) + "#" + std::to_string(int_or0(x.value("sequence", json())))] = x;
  s.other_events_ = doc.value("other_events", json::object());
  const json& c = doc.value("counts", json::object());
  s.log_records_ = c.value("log_records", 0);
  s.metric_points_ = c.value("metric_points", 0);
  s.duplicates_ = c.value("duplicates", 0);
  // (value() returns a copy: keep it alive while items() iterates over it.)
  const json st = doc.value("state", json::object());
  const json delta = st.value("delta", json::object()), cumulative = st.value("cumulative", json::object());
  for (const auto& [k, v] : delta.items())
    if (v.is_number()) s.metrics_[k] = v.get<double>();
  for (const auto& [k, v] : cumulative.items()) s.cumulative_[k] = v;
  for (const auto& p : st.value("seen_points", json::array()))
    if (p.is_string()) s.seen_points_.insert(p.get<std::string>());
  return s;
}

std::string session_file_stem(const std::string& sid) {
  bool plain = !sid.empty() && sid.size() <= 128 && std::isalnum(static_cast<unsigned char>(sid[0]));
  for (char c : sid)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') plain = false;
  return plain ? sid : "session-" + sha256_hex(sid).substr(0, 32);
}

fs::path staging_dir() { return ot_home() / "staging" / "otel"; }
fs::path snapshot_path(const std::string& sid) { return staging_dir() / (session_file_stem(sid) + ".json"); }

std::vector<std::string> list_snapshots() {
  std::vector<std::pair<fs::file_time_type, std::string>> found;
  std::error_code ec;
  for (auto it = fs::directory_iterator(staging_dir(), ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->path().extension() != ".json") continue;
    auto text = read_file(it->path());
    if (!text.ok()) continue;
    json doc = json::parse(*text, nullptr, false);
    if (doc.is_object() && doc.value("session_id", json()).is_string())
      found.emplace_back(it->last_write_time(ec), doc["session_id"].get<std::string>());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& [t, s] : found) out.push_back(std::move(s));
  return out;
}

Result<json> read_snapshot(const std::string& sid) {
  fs::path p = snapshot_path(sid);
  std::error_code ec;
  if (!fs::exists(p, ec)) {
    std::string have;
    auto all = list_snapshots();
    for (size_t i = 0; i < all.size() && i < 10; ++i) have += (have.empty() ? "" : ", ") + all[i];
    return make_error(ExitCode::kNoSnapshot, "SNAPSHOT_NOT_FOUND", "capture-otlp",
                      "no OTLP snapshot for session " + sid + " in " + staging_dir().string(),
                      have.empty() ? "no session has one yet: is the receiver running (`git opentraces capture-otlp status`) "
                                     "and Claude Code exporting to it (`git opentraces setup claude-code --otlp`)?"
                                   : "sessions with a snapshot: " + have);
  }
  auto text = read_file(p);
  if (!text.ok()) return text.error();
  auto doc = parse_json(*text, p.string());
  if (!doc.ok()) return doc.error();
  auto s = Snapshot::from_json(*doc);
  if (!s.ok()) return s.error();
  return std::move(doc).value();
}

SnapshotStore::SnapshotStore(fs::path dir) : dir_(std::move(dir)) {}

Snapshot& SnapshotStore::session(const std::string& sid) {
  auto it = sessions_.find(sid);
  if (it != sessions_.end()) return it->second;
  // Continue a snapshot an earlier receiver wrote (restart mid-session).
  auto text = read_file(dir_ / (session_file_stem(sid) + ".json"));
  if (text.ok()) {
    json doc = json::parse(*text, nullptr, false);
    auto s = Snapshot::from_json(doc);
    if (s.ok() && s->session_id() == sid) return sessions_.emplace(sid, std::move(s).value()).first->second;
  }
  return sessions_.emplace(sid, Snapshot(sid)).first->second;
}

int SnapshotStore::ingest(const std::vector<LogEvent>& events) {
  std::lock_guard<std::mutex> lock(mu_);
  int changed = 0;
  for (const auto& e : events) {
    if (e.session_id.empty()) {
      ++unattributed_;
      continue;
    }
    if (session(e.session_id).add(e)) {
      ++changed;
      dirty_.insert(e.session_id);
    }
  }
  return changed;
}

int SnapshotStore::ingest(const std::vector<MetricPoint>& points) {
  std::lock_guard<std::mutex> lock(mu_);
  int changed = 0;
  for (const auto& p : points) {
    if (p.session_id.empty()) {
      ++unattributed_;
      continue;
    }
    if (session(p.session_id).add(p)) {
      ++changed;
      dirty_.insert(p.session_id);
    }
  }
  return changed;
}

Result<int> SnapshotStore::write_dirty() {
  std::vector<std::pair<std::string, std::string>> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& sid : dirty_) out.emplace_back(sid, pretty_json(sessions_.at(sid).to_json()));
    dirty_.clear();
  }
  if (out.empty()) return 0;
  OT_TRY_STATUS(ensure_dir(dir_, 0700));
  for (const auto& [sid, bytes] : out) {
    auto st = write_file_atomic(dir_ / (session_file_stem(sid) + ".json"), bytes, 0600);
    if (!st.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      dirty_.insert(sid);  // try again next time
      return st.error();
    }
  }
  return static_cast<int>(out.size());
}

json SnapshotStore::sessions() const {
  std::lock_guard<std::mutex> lock(mu_);
  json out = json::array();
  for (const auto& [sid, s] : sessions_)
    out.push_back({{"session_id", sid}, {"requests", s.request_count()},
                   {"last_seen", s.last_seen_ms() ? json(iso_from_ms(s.last_seen_ms())) : json(nullptr)}});
  return out;
}

int64_t SnapshotStore::unattributed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unattributed_;
}

}  // namespace ot::otlp
