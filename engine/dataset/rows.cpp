#include "engine/dataset/rows.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

#include "engine/dataset/manifest.h"
#include "engine/util/fs.h"
#include "engine/util/paths.h"
#include "engine/util/time.h"
#include "engine/workflow/names.h"
#include "notes/diff.h"  // git::split_lines: one line splitter for the whole tree

namespace ot::dataset {

fs::path datasets_root() { return ot_home() / "datasets"; }

Result<fs::path> dataset_dir(std::string_view name) {
  OT_TRY_STATUS(workflow::validate_name(name, "dataset"));
  return datasets_root() / std::string(name);
}

namespace {

Error corrupt(const fs::path& file, const std::string& why) {
  return make_error(ExitCode::kResource, "DATASET_CORRUPT", "dataset", file.string() + ": " + why,
                    "restore the file from a backup, or remove the dataset and run it again");
}

json null_if_empty(const std::string& s) { return s.empty() ? json() : json(s); }
std::string str_or_empty(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return {};
  return j[key].get<std::string>();
}

}  // namespace

// --- Provenance / index / state (de)serialization ---

json Provenance::to_json() const {
  json j{{"source_ref", null_if_empty(source_ref)},
         {"trace_id", null_if_empty(trace_id)},
         {"step_range", step_range ? json::array({step_range->first, step_range->second}) : json()},
         {"unit_id", null_if_empty(unit_id)},
         {"slice_id", null_if_empty(slice_id)},
         {"record_ref", record_ref},
         {"security", security}};
  return j;
}

Result<Provenance> Provenance::from_json(const json& j) {
  if (!j.is_object()) return make_error(ExitCode::kResource, "DATASET_CORRUPT", "dataset", "provenance must be an object");
  Provenance p;
  p.source_ref = str_or_empty(j, "source_ref");
  p.trace_id = str_or_empty(j, "trace_id");
  if (j.contains("step_range") && j["step_range"].is_array() && j["step_range"].size() == 2 &&
      j["step_range"][0].is_number_integer() && j["step_range"][1].is_number_integer())
    p.step_range = std::make_pair(j["step_range"][0].get<int>(), j["step_range"][1].get<int>());
  p.unit_id = str_or_empty(j, "unit_id");
  p.slice_id = str_or_empty(j, "slice_id");
  p.record_ref = j.value("record_ref", json());
  p.security = j.value("security", json::object());
  return p;
}

json RowIndexEntry::to_json() const {
  return json{{"row_id", row_id},
              {"identity_hash", identity_hash},
              {"payload_hash", payload_hash},
              {"schema_digest", schema_digest},
              {"data_file", data_file},
              {"line", line},
              {"run_id", run_id},
              {"appended_at", appended_at},
              {"source_trace_id", null_if_empty(provenance.trace_id)},
              {"source_unit_id", null_if_empty(provenance.unit_id)},
              {"source_slice_id", null_if_empty(provenance.slice_id)},
              {"provenance", provenance.to_json()}};
}

Result<RowIndexEntry> RowIndexEntry::from_json(const json& j) {
  if (!j.is_object() || !j.contains("row_id") || !j["row_id"].is_string() || !j.contains("line") ||
      !j["line"].is_number_integer())
    return make_error(ExitCode::kResource, "DATASET_CORRUPT", "dataset", "row index entry lacks row_id/line");
  RowIndexEntry e;
  e.row_id = j["row_id"].get<std::string>();
  e.identity_hash = str_or_empty(j, "identity_hash");
  e.payload_hash = str_or_empty(j, "payload_hash");
  e.schema_digest = str_or_empty(j, "schema_digest");
  e.data_file = j.value("data_file", std::string("data/train.jsonl"));
  e.line = j["line"].get<int64_t>();
  e.run_id = str_or_empty(j, "run_id");
  e.appended_at = str_or_empty(j, "appended_at");
  auto p = Provenance::from_json(j.value("provenance", json::object()));
  if (!p.ok()) return p.error();
  e.provenance = std::move(*p);
  return e;
}

json RowState::to_json() const {
  return json{{"row_id", row_id},
              {"status", status},
              {"uploaded_to", uploaded_to},
              {"reviewed_at", null_if_empty(reviewed_at)},
              {"reviewed_by", null_if_empty(reviewed_by)},
              {"block_reasons", block_reasons},
              {"security_version", null_if_empty(security_version)},
              {"source_security_version", null_if_empty(source_security_version)},
              {"privacy_tier", privacy_tier},
              {"security_stale", security_stale},
              {"redactions_applied", redactions_applied},
              {"updated_at", updated_at}};
}

Result<RowState> RowState::from_json(const json& j) {
  if (!j.is_object() || !j.contains("status") || !j["status"].is_string())
    return make_error(ExitCode::kResource, "DATASET_CORRUPT", "dataset", "row state lacks a status");
  RowState s;
  s.row_id = str_or_empty(j, "row_id");
  s.status = j["status"].get<std::string>();
  const auto& all = all_statuses();
  if (std::find(all.begin(), all.end(), s.status) == all.end())
    return make_error(ExitCode::kResource, "DATASET_CORRUPT", "dataset", "unknown row status '" + s.status + "'");
  s.uploaded_to = j.value("uploaded_to", json::object());
  s.reviewed_at = str_or_empty(j, "reviewed_at");
  s.reviewed_by = str_or_empty(j, "reviewed_by");
  if (j.contains("block_reasons") && j["block_reasons"].is_array())
    for (const auto& r : j["block_reasons"])
      if (r.is_string()) s.block_reasons.push_back(r.get<std::string>());
  s.security_version = str_or_empty(j, "security_version");
  s.source_security_version = str_or_empty(j, "source_security_version");
  s.privacy_tier = j.value("privacy_tier", std::string("medium"));
  s.security_stale = j.value("security_stale", false);
  s.redactions_applied = j.value("redactions_applied", int64_t{0});
  s.updated_at = str_or_empty(j, "updated_at");
  return s;
}

json PublicationState::to_json() const {
  json rows_j = json::object();
  for (const auto& [id, s] : rows) rows_j[id] = s.to_json();
  return json{{"version", version}, {"rows", rows_j}};
}

Result<PublicationState> PublicationState::from_json(const json& j) {
  PublicationState st;
  if (!j.is_object() || !j.contains("rows") || !j["rows"].is_object())
    return make_error(ExitCode::kResource, "DATASET_CORRUPT", "dataset", "publication state lacks rows{}");
  st.version = j.value("version", 1);
  for (auto it = j["rows"].begin(); it != j["rows"].end(); ++it) {
    auto s = RowState::from_json(it.value());
    if (!s.ok()) return s.error();
    s->row_id = it.key();
    st.rows.emplace(it.key(), std::move(*s));
  }
  return st;
}

// --- Lock ---

Result<DatasetLock> DatasetLock::acquire(const fs::path& dataset_dir, std::string_view what) {
  OT_TRY_STATUS(ensure_dir(dataset_dir / ".opentraces"));
  fs::path p = dataset_dir / ".opentraces" / "lock";
  int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_error(ExitCode::kResource, "IO_ERROR", "dataset", "cannot open " + p.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(ExitCode::kResource, "DATASET_LOCKED", "dataset",
                      "another process is working on dataset " + dataset_dir.filename().string() + " (" +
                          std::string(what) + " refused)",
                      "wait for the other run to finish, then retry", true);
  }
  return DatasetLock(fd);
}

DatasetLock::DatasetLock(DatasetLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }

DatasetLock::~DatasetLock() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

// --- Dataset ---

Result<Dataset> Dataset::open(std::string_view name) {
  auto dir = dataset_dir(name);
  if (!dir.ok()) return dir.error();
  return open_dir(*dir);
}

Result<Dataset> Dataset::open_dir(const fs::path& dir) {
  Dataset ds;
  ds.dir_ = dir;
  ds.name_ = dir.filename().string();
  std::error_code ec;
  if (!fs::exists(ds.meta_dir() / "manifest.json", ec))
    return make_error(ExitCode::kResource, "DATASET_NOT_FOUND", "dataset", "no dataset named '" + ds.name_ + "'",
                      "list datasets with `git opentraces dataset list`, create one with `dataset new`");
  OT_TRY_STATUS(ds.load());
  return ds;
}

Status Dataset::load() {
  fs::path mpath = meta_dir() / "manifest.json";
  auto text = read_file(mpath);
  if (!text.ok()) return text.error();
  auto m = parse_json(*text, mpath.string());
  if (!m.ok()) return corrupt(mpath, m.error().message);
  if (auto v = validate_manifest(*m); !v.ok()) return corrupt(mpath, v.error().message);
  manifest_ = std::move(*m);

  std::error_code ec;
  fs::path ipath = meta_dir() / "row_index.jsonl";
  if (fs::exists(ipath, ec)) {
    auto itext = read_file(ipath);
    if (!itext.ok()) return itext.error();
    int n = 0;
    for (const auto& line : git::split_lines(*itext)) {
      ++n;
      if (line.empty()) continue;
      auto j = parse_json(line, ipath.string() + ":" + std::to_string(n));
      if (!j.ok()) return corrupt(ipath, "line " + std::to_string(n) + ": " + j.error().message);
      auto e = RowIndexEntry::from_json(*j);
      if (!e.ok()) return corrupt(ipath, "line " + std::to_string(n) + ": " + e.error().message);
      if (e->line != static_cast<int64_t>(index_.size()) + 1)
        return corrupt(ipath, "line " + std::to_string(n) + " points at data line " + std::to_string(e->line));
      by_identity_[e->identity_hash] = index_.size();
      index_.push_back(std::move(*e));
    }
  }
  fs::path spath = meta_dir() / "publication_state.json";
  if (fs::exists(spath, ec)) {
    auto stext = read_file(spath);
    if (!stext.ok()) return stext.error();
    auto j = parse_json(*stext, spath.string());
    if (!j.ok()) return corrupt(spath, j.error().message);
    auto st = PublicationState::from_json(*j);
    if (!st.ok()) return corrupt(spath, st.error().message);
    state_ = std::move(*st);
  }
  // Recovery after a crash between the index and state writes: rows without a state
  // start in the inbox; states of rows not in the index are dropped.
  std::set<std::string> ids;
  for (const auto& e : index_) {
    ids.insert(e.row_id);
    if (!state_.rows.count(e.row_id)) {
      RowState s;
      s.row_id = e.row_id;
      s.updated_at = e.appended_at;
      state_.rows.emplace(e.row_id, s);
    }
  }
  for (auto it = state_.rows.begin(); it != state_.rows.end();)
    it = ids.count(it->first) ? std::next(it) : state_.rows.erase(it);
  return ok_status();
}

Status Dataset::save_manifest(const json& manifest) {
  OT_TRY_STATUS(validate_manifest(manifest));
  OT_TRY_STATUS(ensure_dir(meta_dir()));
  OT_TRY_STATUS(write_file_atomic(meta_dir() / "manifest.json", pretty_json(manifest)));
  manifest_ = manifest;
  return ok_status();
}

std::map<std::string, int64_t> Dataset::counts() const {
  std::map<std::string, int64_t> out;
  for (const auto& s : all_statuses()) out[s] = 0;
  for (const auto& [id, s] : state_.rows) out[s.status]++;
  return out;
}

std::vector<std::string> Dataset::row_ids() const {
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& e : index_) out.push_back(e.row_id);
  return out;
}

bool Dataset::has_identity(const std::string& identity_hash) const { return by_identity_.count(identity_hash) > 0; }

const RowIndexEntry* Dataset::find_identity(const std::string& identity_hash) const {
  auto it = by_identity_.find(identity_hash);
  return it == by_identity_.end() ? nullptr : &index_[it->second];
}

Status Dataset::refresh_security(const std::map<std::string, json>& by_row_id) {
  if (by_row_id.empty()) return ok_status();
  std::vector<RowIndexEntry> next = index_;
  std::string text;
  for (auto& e : next) {
    if (auto it = by_row_id.find(e.row_id); it != by_row_id.end()) e.provenance.security = it->second;
    text += canonical_json(e.to_json()) + "\n";
  }
  OT_TRY_STATUS(write_file_atomic(meta_dir() / "row_index.jsonl", text));
  index_ = std::move(next);
  return ok_status();
}

Result<std::vector<StoredRow>> Dataset::rows() const {
  std::vector<StoredRow> out;
  if (index_.empty()) return out;
  auto text = read_file(data_path());
  if (!text.ok()) return corrupt(data_path(), "cannot be read: " + text.error().message);
  auto lines = git::split_lines(*text);
  if (lines.size() < index_.size())
    return corrupt(data_path(), "has " + std::to_string(lines.size()) + " lines but the row index lists " +
                                    std::to_string(index_.size()) + " rows");
  for (const auto& e : index_) {
    auto j = parse_json(lines[static_cast<size_t>(e.line - 1)], data_path().string() + ":" + std::to_string(e.line));
    if (!j.ok()) return corrupt(data_path(), j.error().message);
    StoredRow r{e, state_.rows.at(e.row_id), std::move(*j)};
    out.push_back(std::move(r));
  }
  return out;
}

Status Dataset::append(const std::vector<std::pair<RowIndexEntry, json>>& rows, const std::vector<RowState>& states) {
  if (rows.empty()) return ok_status();
  OT_TRY_STATUS(ensure_dir(dir_ / "data"));
  // Data: the lines the index knows (trailing lines of an unfinished run are dropped) + new ones.
  std::string data;
  std::error_code ec;
  if (!index_.empty()) {
    auto text = read_file(data_path());
    if (!text.ok()) return text.error();
    auto lines = git::split_lines(*text);
    if (lines.size() < index_.size()) return corrupt(data_path(), "is shorter than the row index");
    for (size_t i = 0; i < index_.size(); ++i) data += lines[i] + "\n";
  }
  std::vector<RowIndexEntry> new_index = index_;
  for (const auto& [entry, row] : rows) {
    RowIndexEntry e = entry;
    e.line = static_cast<int64_t>(new_index.size()) + 1;
    data += canonical_json(row) + "\n";
    new_index.push_back(std::move(e));
  }
  std::string index_text;
  for (const auto& e : new_index) index_text += canonical_json(e.to_json()) + "\n";
  PublicationState st = state_;
  for (const auto& s : states) st.rows[s.row_id] = s;

  OT_TRY_STATUS(write_file_atomic(data_path(), data));
  OT_TRY_STATUS(write_file_atomic(meta_dir() / "row_index.jsonl", index_text));
  OT_TRY_STATUS(write_file_atomic(meta_dir() / "publication_state.json", pretty_json(st.to_json())));
  for (size_t i = index_.size(); i < new_index.size(); ++i) by_identity_[new_index[i].identity_hash] = i;
  index_ = std::move(new_index);
  state_ = std::move(st);
  return ok_status();
}

Status Dataset::save_state(const PublicationState& state) {
  OT_TRY_STATUS(write_file_atomic(meta_dir() / "publication_state.json", pretty_json(state.to_json())));
  state_ = state;
  return ok_status();
}

// --- Evaluation and transitions ---

PublicationState evaluate_states(const Dataset& ds) {
  PublicationState st = ds.state();
  const json& m = ds.manifest();
  const bool auto_review = m["publication_policy"].value("review", "required") == "auto";
  std::vector<std::string> required;
  if (m.contains("security") && m["security"].is_object() && m["security"].contains("required_tools"))
    for (const auto& t : m["security"]["required_tools"]) required.push_back(t.get<std::string>());
  const std::string now = utc_now_iso();
  for (const auto& e : ds.index()) {
    RowState& s = st.rows[e.row_id];
    const json& sec = e.provenance.security;
    std::set<std::string> applied;
    if (sec.contains("tools_applied") && sec["tools_applied"].is_array())
      for (const auto& t : sec["tools_applied"])
        if (t.is_string()) applied.insert(t.get<std::string>());
    std::vector<std::string> reasons;
    // Scanner findings recorded at append time stay reasons until the row is rebuilt.
    if (sec.contains("findings") && sec["findings"].is_array())
      for (const auto& f : sec["findings"])
        if (f.is_string()) reasons.push_back(f.get<std::string>());
    const std::string tier = sec.value("privacy_tier", std::string("medium"));
    if (tier == "off" && applied.empty()) reasons.push_back(kBlockPrivacyTierOff);
    for (const auto& t : reader_floor())
      if (!applied.count(t)) {
        reasons.push_back(kBlockReaderFloor);
        break;
      }
    for (const auto& t : required)
      if (!applied.count(t)) {
        reasons.push_back(kBlockRequiredTools);
        break;
      }
    // A traces-dataset row built past the gate with --allow-findings carries the override
    // (and its findings): the source verdict does not block it (traces.h).
    const bool overridden = sec.value("egress_override", std::string()) == "allow_findings";
    if (!sec.value("source_scanned", false) && !overridden) reasons.push_back(kBlockSourceUnscanned);
    // Rows appended before the gate verdict was recorded carry no source_cleared.
    if (sec.contains("source_cleared") && !sec.value("source_cleared", false) && !overridden) {
      const json w = sec.value("source_clearance", json());
      const std::string why = w.is_string() ? w.get<std::string>() : std::string();
      if (why != "unscanned" && why != "stale_version") reasons.push_back(kBlockSourceNotCleared);
    }
    if (sec.value("security_stale", false)) reasons.push_back(kBlockSecurityStale);
    std::sort(reasons.begin(), reasons.end());
    reasons.erase(std::unique(reasons.begin(), reasons.end()), reasons.end());

    std::string next;
    if (!reasons.empty()) next = kBlocked;
    else if (s.status == kRejected || s.status == kPublished || s.status == kPublishable) next = s.status;
    else next = auto_review ? kPublishable : kNeedsReview;
    if (next != s.status || reasons != s.block_reasons) {
      s.status = next;
      s.block_reasons = reasons;
      s.updated_at = now;
    }
    s.privacy_tier = tier;
    s.redactions_applied = sec.value("redactions_applied", int64_t{0});
    s.security_version = sec.value("security_version", std::string());
    s.source_security_version = sec.value("source_security_version", std::string());
  }
  return st;
}

Result<ReviewResult> review(const std::string& dataset_name, const std::string& action,
                            const std::vector<std::string>& row_ids, bool all, const std::string& reviewer) {
  if (action != "approve" && action != "reject" && action != "reset")
    return make_error(ExitCode::kUsage, "INVALID_ACTION", "dataset review", "unknown review action '" + action + "'",
                      "use approve, reject or reset");
  auto dir = dataset_dir(dataset_name);
  if (!dir.ok()) return dir.error();
  auto probe = Dataset::open_dir(*dir);  // NOT_FOUND before creating a lock file
  if (!probe.ok()) return probe.error();
  auto lock = DatasetLock::acquire(*dir, "review");
  if (!lock.ok()) return lock.error();
  auto ds = Dataset::open_dir(*dir);
  if (!ds.ok()) return ds.error();
  std::vector<std::string> selected = all ? ds->row_ids() : row_ids;
  for (const auto& id : selected)
    if (!ds->state().rows.count(id))
      return make_error(ExitCode::kResource, "ROW_NOT_FOUND", "dataset review",
                        "dataset " + dataset_name + " has no row '" + id + "'",
                        "list rows with `git opentraces dataset review " + dataset_name + "`");
  if (selected.empty())
    return make_error(ExitCode::kResource, "NOTHING_SELECTED", "dataset review", "no rows selected",
                      "name row ids or pass --all");
  PublicationState st = evaluate_states(*ds);
  const bool auto_review = ds->manifest()["publication_policy"].value("review", "required") == "auto";
  const std::string now = utc_now_iso();
  ReviewResult out;
  for (const auto& id : selected) {
    RowState& s = st.rows[id];
    std::string next;
    if (s.status == kBlocked || s.status == kPublished) {
      out.skipped.push_back(id);
      continue;
    }
    if (action == "approve") next = kPublishable;
    else if (action == "reject") next = kRejected;
    else next = auto_review ? kPublishable : kNeedsReview;
    if (next == s.status && action != "reset") continue;
    s.status = next;
    s.updated_at = now;
    if (action == "reset") {
      s.reviewed_at.clear();
      s.reviewed_by.clear();
    } else {
      s.reviewed_at = now;
      s.reviewed_by = reviewer;
    }
    out.row_ids.push_back(id);
  }
  OT_TRY_STATUS(ds->save_state(st));
  out.counts = ds->counts();
  return out;
}

Status mark_uploaded(const std::string& dataset_name, const std::vector<std::string>& row_ids,
                     const std::string& remote, const json& info) {
  auto dir = dataset_dir(dataset_name);
  if (!dir.ok()) return dir.error();
  auto lock = DatasetLock::acquire(*dir, "mark published");
  if (!lock.ok()) return lock.error();
  auto ds = Dataset::open_dir(*dir);
  if (!ds.ok()) return ds.error();
  PublicationState st = ds->state();
  const std::string now = utc_now_iso();
  for (const auto& id : row_ids) {
    auto it = st.rows.find(id);
    if (it == st.rows.end())
      return make_error(ExitCode::kResource, "ROW_NOT_FOUND", "dataset", "dataset " + dataset_name + " has no row '" + id + "'");
    if (it->second.status != kPublishable && it->second.status != kPublished)
      return make_error(ExitCode::kResource, "ROW_NOT_PUBLISHABLE", "dataset",
                        "row " + id + " is " + it->second.status + ", not publishable");
    it->second.status = kPublished;
    it->second.uploaded_to[remote] = info;
    it->second.updated_at = now;
  }
  return ds->save_state(st);
}

}  // namespace ot::dataset
