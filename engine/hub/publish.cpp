#include "engine/hub/publish.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <map>
#include <random>
#include <set>

#include "engine/bucket/bucket.h"
#include "engine/dataset/rows.h"
#include "engine/dataset/traces.h"
#include "engine/hub/auth.h"
#include "engine/hub/remotes.h"
#include "engine/project/config.h"
#include "engine/security/gate.h"
#include "engine/security/sanitize.h"
#include "engine/util/fs.h"
#include "engine/util/hash.h"
#include "engine/util/log.h"
#include "engine/util/time.h"

namespace ot::hub {

namespace {

Error publish_error(std::string code, std::string message, std::string hint, ExitCode exit = ExitCode::kResource,
                    bool retryable = false) {
  return make_error(exit, std::move(code), "dataset publish", std::move(message), std::move(hint), retryable);
}

std::string utc_compact() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string random_hex8() {
  std::random_device rd;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

// Values of `key` anywhere in a row (strings, or {state} objects for survival).
void collect(const json& v, const std::string& key, std::vector<json>& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it.key() == key) out.push_back(it.value());
      collect(it.value(), key, out);
    }
  } else if (v.is_array()) {
    for (const auto& x : v) collect(x, key, out);
  }
}

// --min-retention: the mean of the row's non-null retention_fraction values; rows with none pass.
bool below_retention(const json& row, double min) {
  std::vector<json> vals;
  collect(row, "retention_fraction", vals);
  double sum = 0;
  int n = 0;
  for (const auto& v : vals) {
    if (v.is_number()) {
      sum += v.get<double>();
      ++n;
    }
  }
  return n > 0 && sum / n < min;
}

// --exclude-state: the row has a patch whose survival state is one of `states`.
bool has_survival_state(const json& row, const std::vector<std::string>& states) {
  std::vector<json> vals;
  collect(row, "survival", vals);
  collect(row, "survival_state", vals);
  for (const auto& v : vals) {
    std::string s = v.is_string() ? v.get<std::string>() : v.is_object() ? v.value("state", "") : "";
    if (!s.empty() && std::find(states.begin(), states.end(), s) != states.end()) return true;
  }
  return false;
}

// The row's source trace id; synthetic sources ("raw:...") come back as their source ref.
std::string trace_of(const dataset::RowIndexEntry& e) {
  if (!e.provenance.trace_id.empty()) return e.provenance.trace_id;
  if (e.provenance.record_ref.is_object() && !e.provenance.record_ref.value("trace_id", "").empty()) {
    return e.provenance.record_ref.value("trace_id", "");
  }
  if (e.provenance.source_ref.rfind("raw:", 0) == 0) return e.provenance.source_ref;
  return "";
}

// The rows of data/train.jsonl as stored (byte-exact lines, newline included).
Result<std::vector<std::string>> raw_lines(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text->size()) {
    size_t nl = text->find('\n', start);
    size_t end = nl == std::string::npos ? text->size() : nl;
    lines.push_back(text->substr(start, end - start) + "\n");
    start = end + 1;
  }
  return lines;
}

// A traces-dataset row's session files (engine/dataset/traces.h), read from the dataset and
// checked against the sha256 the row recorded: {repo path, bytes} in the row's order.
Result<std::vector<std::pair<std::string, std::string>>> session_files_of(const dataset::Dataset& ds,
                                                                         const dataset::StoredRow& row) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!row.data.contains("files") || !row.data["files"].is_array()) return out;
  for (const auto& f : row.data["files"]) {
    const std::string path = f.value("path", "");
    auto local = dataset::session_file_path(ds.dir(), row.entry.row_id, path);
    auto bytes = read_file(local);
    if (!bytes.ok() || sha256_hex(*bytes) != f.value("sha256", "")) {
      return publish_error("SESSION_FILE_CHANGED",
                           "the session file " + local.string() + " of row " + row.entry.row_id +
                               (bytes.ok() ? " no longer matches the row (sha256 differs)" : " is missing"),
                           "reject the row (`git opentraces dataset review reject " + ds.name() + " " + row.entry.row_id +
                               "`) and run the dataset again to rebuild it");
    }
    out.emplace_back(path, std::move(*bytes));
  }
  return out;
}

// Scans session file bytes line by line (each line a JSON value) with `policy`.
Result<std::set<std::string>> scan_session(const std::string& bytes, const security::Policy& policy, const std::string& scope) {
  std::set<std::string> types;
  size_t start = 0;
  while (start < bytes.size()) {
    size_t nl = bytes.find('\n', start);
    size_t end = nl == std::string::npos ? bytes.size() : nl;
    json line = json::parse(bytes.substr(start, end - start), nullptr, false);
    if (line.is_discarded()) line = bytes.substr(start, end - start);
    auto scan = security::sanitize(line, policy, {scope, {}});
    if (!scan.ok()) return scan.error();
    for (const auto& f : scan->findings) types.insert(f.type);
    start = end + 1;
  }
  return types;
}

// The remote contract at `revision`; an empty one when the repo has none yet.
Result<json> read_contract(Client& client, const RepoId& repo, const std::string& revision) {
  auto bytes = client.download(repo, kContractPath, revision);
  if (!bytes.ok()) {
    if (bytes.error().code == "HUB_NOT_FOUND" && bytes.error().kind == "EntryNotFound") {
      return json{{"shards", json::array()}, {"identities", json::array()}, {"row_count", 0}};
    }
    return bytes.error();
  }
  auto j = json::parse(*bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return publish_error("REMOTE_CONTRACT_CORRUPT", repo.id + ": " + kContractPath + " is not JSON",
                         "fix or delete the file on the Hub, then publish again");
  }
  if (j.value("format_version", 1) > kContractFormat) {
    return publish_error("REMOTE_SCHEMA_AHEAD",
                         repo.id + " was published by a newer git-opentraces (contract format " +
                             std::to_string(j.value("format_version", 1)) + ")",
                         "upgrade git-opentraces before publishing to this remote");
  }
  return j;
}

bool contract_has_run(const json& contract, const std::string& run_id) {
  for (const auto& s : contract.value("shards", json::array())) {
    if (s.value("run_id", "") == run_id) return true;
  }
  return false;
}

void append_event(const std::filesystem::path& meta_dir, const json& event) {
  std::string line = canonical_json(event) + "\n";
  int fd = ::open((meta_dir / "publications.jsonl").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t n = ::write(fd, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) log().warn("publish: short write to publications.jsonl");
  ::close(fd);
}

}  // namespace

Result<PublishOutcome> publish(const PublishOptions& o) {
  auto progress = [&](const std::string& stage) {
    if (o.progress) o.progress(stage);
  };
  auto ds = dataset::Dataset::open(o.dataset);
  if (!ds.ok()) return ds.error();

  // Which remote: a configured one (by name, or the active one), or an ad-hoc owner/name.
  Remote remote;
  if (o.to.find('/') != std::string::npos) {
    auto id = parse_repo_id(o.to);
    if (!id.ok()) return id.error();
    remote = Remote{id->id, id->id, "", "", false};
    for (const auto& r : remotes_of(ds->manifest())) {
      if (r.repo_id == id->id) remote = r;
    }
  } else {
    auto r = find_remote(o.dataset, o.to);
    if (!r.ok()) return r.error();
    remote = *r;
  }
  auto repo = parse_repo_id(remote.repo_id);
  if (!repo.ok()) return repo.error();
  auto client_r = authenticated_client();
  if (!client_r.ok()) return client_r.error();
  Client& client = **client_r;

  const std::string stamp = utc_compact();
  const std::string hex = random_hex8();
  const std::string run_id = "pub_" + stamp + "_" + hex;
  const std::string shard_path = "data/rows_" + stamp + "_" + hex + ".jsonl";
  std::string contributor = o.contributor;
  if (contributor.empty()) contributor = std::getenv("USER") && *std::getenv("USER") ? std::getenv("USER") : "local";

  // 1. Row states (reference 7.5 per-row evaluation) and counts.
  progress("evaluate");
  dataset::PublicationState states = dataset::evaluate_states(*ds);
  auto rows = ds->rows();
  if (!rows.ok()) return rows.error();
  auto lines = raw_lines(ds->data_path());
  if (!lines.ok()) return lines.error();
  PublishOutcome out;
  ordered_json& p = out.publish;
  p["dataset"] = o.dataset;
  p["remote"] = remote.name;
  p["repo_id"] = repo->id;
  p["run_id"] = run_id;
  p["uploaded"] = false;
  p["check_only"] = o.check_only;
  int needs_review = 0, blocked = 0, rejected = 0;
  std::vector<const dataset::StoredRow*> candidates;
  for (const auto& row : *rows) {
    const auto& st = states.rows[row.entry.row_id];
    if (st.status == dataset::kNeedsReview) ++needs_review;
    if (st.status == dataset::kBlocked) ++blocked;
    if (st.status == dataset::kRejected) ++rejected;
    bool selectable = st.status == dataset::kPublishable || st.status == dataset::kPublished;
    if (selectable && !st.uploaded_to.contains(remote.name)) candidates.push_back(&row);
  }
  // 2. Filters.
  int dropped_retention = 0, dropped_state = 0;
  if (o.min_retention || !o.exclude_states.empty()) {
    std::vector<const dataset::StoredRow*> kept;
    for (const auto* row : candidates) {
      if (o.min_retention && below_retention(row->data, *o.min_retention)) {
        ++dropped_retention;
      } else if (!o.exclude_states.empty() && has_survival_state(row->data, o.exclude_states)) {
        ++dropped_state;
      } else {
        kept.push_back(row);
      }
    }
    candidates = kept;
    p["filter"] = {{"min_retention", o.min_retention ? json(*o.min_retention) : json()},
                   {"dropped_min_retention", dropped_retention},
                   {"exclude_states", o.exclude_states},
                   {"dropped_by_state", dropped_state},
                   {"rows_dropped_total", dropped_retention + dropped_state}};
  }

  // Traces datasets: each row's session files go with it (read and checked once).
  const bool traces = dataset::is_traces_dataset(ds->manifest());
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> sessions;
  if (traces) {
    progress("read sessions");
    for (const auto* row : candidates) {
      auto files = session_files_of(*ds, *row);
      if (!files.ok()) return files.error();
      sessions[row->entry.row_id] = std::move(*files);
    }
  }

  // 3. The loop: read the remote, gate and stage the new rows, commit pinned to the head.
  bool gated = false;
  std::vector<const dataset::StoredRow*> fresh, duplicates;
  std::string head_before, head_after;
  std::vector<std::string> staged;
  json staged_digests = json::object();  // path → sha256 of the bytes committed (the event's `files`)
  json contract;
  int attempts = 0;
  bool landed = false;
  for (; attempts < o.max_attempts && !landed;) {
    ++attempts;
    progress("read remote");
    auto info = client.repo_info(*repo);
    if (!info.ok()) {
      if (info.error().code == "HUB_UNAUTHORIZED") {  // say which token, never the token
        auto t = resolve_token();
        std::string where = !t ? "" : t->path.empty() ? "$" + t->source : t->path;
        return publish_error("TOKEN_INVALID",
                             "the Hub rejected the token" + (where.empty() ? "" : " from " + where) + " (" +
                                 client.options().endpoint + ")",
                             "run `git opentraces auth login` for a new token" + (where.empty() ? "" : " (or fix " + where + ")"));
      }
      if (info.error().code == "HUB_NOT_FOUND") {
        return publish_error("REMOTE_NOT_FOUND", "the Hub has no dataset " + repo->id + " visible to this token",
                             "run `git opentraces dataset remote create " + o.dataset + " " + repo->id + " --private`");
      }
      return info.error();
    }
    if (head_before.empty()) head_before = info->sha;
    auto remote_contract = read_contract(client, *repo, info->sha);
    if (!remote_contract.ok()) return remote_contract.error();
    if (contract_has_run(*remote_contract, run_id)) {  // an earlier attempt landed; its answer was lost
      landed = true;
      head_after = info->sha;
      break;
    }
    std::set<std::string> remote_ids;
    for (const auto& id : remote_contract->value("identities", json::array())) remote_ids.insert(id.get<std::string>());
    fresh.clear();
    duplicates.clear();
    for (const auto* row : candidates) (remote_ids.count(row->entry.identity_hash) ? duplicates : fresh).push_back(row);
    if (fresh.empty()) break;

    if (!gated) {
      gated = true;
      // 3a. Publication-time scan of each row being published (regex, plus entropy unless tier low).
      progress("scan rows");
      auto config = project::load_config();
      json cfg = config.ok() ? *config : json::object();
      std::vector<json> blocked_rows;
      for (const auto* row : fresh) {
        const auto& st = states.rows[row->entry.row_id];
        auto tier = security::parse_tier(st.privacy_tier).value_or(security::Tier::medium);
        auto policy = security::policy_for_tools(tier == security::Tier::low ? "regex" : "regex,entropy", cfg, tier);
        if (!policy.ok()) return policy.error();
        auto scan = security::sanitize(row->data, *policy, {trace_of(row->entry), {}});
        if (!scan.ok()) return scan.error();
        std::set<std::string> types;
        for (const auto& f : scan->findings) types.insert(f.type);
        for (const auto& [path, bytes] : sessions[row->entry.row_id]) {  // what a traces row uploads
          auto found = scan_session(bytes, *policy, trace_of(row->entry));
          if (!found.ok()) return found.error();
          types.insert(found->begin(), found->end());
        }
        if (!types.empty()) blocked_rows.push_back({{"row_id", row->entry.row_id}, {"reasons", types}});
      }
      if (!blocked_rows.empty()) {
        // Record the block on the rows (under the dataset lock), upload nothing.
        auto dir = dataset::dataset_dir(o.dataset);
        if (dir.ok()) {
          if (auto lock = dataset::DatasetLock::acquire(*dir, "publish"); lock.ok()) {
            if (auto fresh_ds = dataset::Dataset::open_dir(*dir); fresh_ds.ok()) {
              dataset::PublicationState st = dataset::evaluate_states(*fresh_ds);
              for (const auto& b : blocked_rows) {
                auto& s = st.rows[b["row_id"].get<std::string>()];
                s.status = dataset::kBlocked;
                for (const auto& r : b["reasons"]) s.block_reasons.push_back(r.get<std::string>());
                s.updated_at = utc_now_iso();
              }
              (void)fresh_ds->save_state(st);
            }
          }
        }
        out.message = "blocked";
        out.exit = ExitCode::kBlockedBySecurity;
        out.error = publish_error("PUBLICATION_FINDINGS",
                                  std::to_string(blocked_rows.size()) + " row(s) have security findings at publication "
                                  "time; nothing was uploaded",
                                  "see `git opentraces dataset review " + o.dataset +
                                      "`; reject the rows or rebuild them, then publish again",
                                  ExitCode::kBlockedBySecurity);
        p["blocked_rows"] = blocked_rows;
        break;
      }
      // 3b. Egress clearance of every source trace (the security gate), bucket state as of now.
      progress("egress gate");
      auto policy = security::load_policy();
      if (!policy.ok()) return policy.error();
      std::unique_ptr<bucket::Bucket> bucket;
      std::map<std::string, security::Clearance> cleared;
      std::vector<json> refused, allowed;
      for (const auto* row : fresh) {
        std::string trace = trace_of(row->entry);
        if (trace.rfind("raw:", 0) == 0) {  // synthetic sources are exempt (reference 7.5)
          allowed.push_back(row->entry.row_id);
          continue;
        }
        if (!cleared.count(trace)) {
          security::Clearance c;
          if (trace.empty()) {
            c.reason = "unknown_source";
            c.detail = "the row names no source trace";
          } else {
            if (!bucket) {
              auto b = bucket::Bucket::open();
              if (!b.ok()) return b.error();
              bucket = std::move(*b);
            }
            auto pointer = bucket->row(trace);
            if (pointer.ok()) {
              c = security::clear_for_egress(*pointer, *policy);
            } else {
              c.reason = "unknown_source";
              c.detail = "trace " + trace + " is not in the bucket";
            }
          }
          cleared[trace] = c;
        }
        const auto& c = cleared[trace];
        const json& rsec = row->entry.provenance.security;
        if (c.cleared) {
          allowed.push_back(row->entry.row_id);
        } else if (rsec.is_object() && rsec.value("egress_override", std::string()) == "allow_findings") {
          // A traces row built with --allow-findings: published, and listed with its findings.
          allowed.push_back(row->entry.row_id);
          p["overridden"].push_back({{"row_id", row->entry.row_id}, {"trace_id", trace}, {"reason", c.reason},
                                     {"open_findings", rsec.value("open_findings", json::array())}});
        } else {
          refused.push_back({{"row_id", row->entry.row_id}, {"trace_id", trace}, {"reason", c.reason},
                             {"detail", c.detail}, {"next_step", c.next_step}});
        }
      }
      if (!refused.empty()) {
        out.message = "withheld";
        out.exit = ExitCode::kWithheld;
        out.error = publish_error("NOT_CLEARED_FOR_EGRESS",
                                  std::to_string(refused.size()) + " row(s) come from traces not cleared for egress (" +
                                      refused[0]["reason"].get<std::string>() + "); nothing was uploaded",
                                  refused[0].value("next_step", "").empty()
                                      ? "run `git opentraces bucket security run --all`, or reject those rows"
                                      : refused[0].value("next_step", "") + " (or reject those rows)",
                                  ExitCode::kWithheld);
        p["reason"] = "not_cleared_for_egress";
        p["partition"] = {{"published", json::array()}, {"refused", refused}, {"cleared", allowed}};
        break;
      }
    }

    // 4. Stage: a new shard, the contract, the schema, the card.
    progress("stage");
    std::string shard;
    json identities = remote_contract->value("identities", json::array());
    for (const auto* row : fresh) {
      auto line_no = row->entry.line;
      if (line_no < 1 || static_cast<size_t>(line_no) > lines->size()) {
        return publish_error("DATASET_CORRUPT", "row " + row->entry.row_id + " points past the end of data/train.jsonl",
                             "run `git opentraces dataset status " + o.dataset + "`");
      }
      shard += (*lines)[static_cast<size_t>(line_no - 1)];
      identities.push_back(row->entry.identity_hash);
    }
    auto schema_text = read_file(ds->schema_path());
    json row_schema = schema_text.ok() ? json::parse(*schema_text, nullptr, false) : json::object();
    if (row_schema.is_discarded()) row_schema = json::object();
    contract = *remote_contract;
    contract["schema_version"] = "opentraces.hub.publication.v1";
    contract["format_version"] = kContractFormat;
    contract["dataset"] = o.dataset;
    contract["row_schema"] = {{"path", kContractSchemaPath},
                              {"digest", ds->manifest().value("schema", json::object()).value("digest", "")}};
    contract["shards"].push_back({{"path", shard_path}, {"run_id", run_id}, {"row_count", fresh.size()},
                                  {"sha256", sha256_hex(shard)}, {"published_at", utc_now_iso()},
                                  {"contributor", contributor}});
    contract["row_count"] = contract.value("row_count", 0) + static_cast<long long>(fresh.size());
    contract["identities"] = identities;
    if (traces) {
      contract["kind"] = "traces";
      if (!contract.contains("sessions") || !contract["sessions"].is_object()) contract["sessions"] = json::object();
      for (const auto* row : fresh) {
        json paths = json::array();
        for (const auto& [path, bytes] : sessions[row->entry.row_id]) paths.push_back(path);
        // Keyed by the main file's path: a later generation of the same session replaces it.
        contract["sessions"][row->data.value("session", "")] =
            json{{"trace_id", row->data.value("trace_id", "")}, {"row_id", row->entry.row_id},
                 {"agent", row->data.value("agent", json::object()).value("name", "")},
                 {"format", row->data.value("format", "")}, {"files", paths},
                 {"redactions", row->data.value("redactions", json::object())}};
      }
    }
    CommitSpec spec;
    spec.summary = "Publish " + std::to_string(fresh.size()) + " row(s) of " + o.dataset + " (" + run_id + ")";
    spec.description = "git-opentraces dataset publish, run " + run_id + ", contributor " + contributor;
    spec.parent = info->sha;
    spec.files = {{shard_path, shard},
                  {"README.md", render_card(ds->manifest(), row_schema, contract, repo->id)},
                  {kContractPath, pretty_json(contract)}};
    if (schema_text.ok()) spec.files.push_back({kContractSchemaPath, *schema_text});
    for (const auto* row : fresh)
      for (const auto& [path, bytes] : sessions[row->entry.row_id]) spec.files.push_back({path, bytes});
    staged.clear();
    staged_digests = json::object();
    for (const auto& f : spec.files) {
      staged.push_back(f.path);
      staged_digests[f.path] = "sha256:" + sha256_hex(f.content);
    }
    if (o.check_only) break;

    progress("commit");
    auto committed = client.commit(*repo, spec);
    if (committed.ok()) {
      landed = true;
      head_after = committed->oid;
      break;
    }
    const auto& e = committed.error();
    bool again = e.code == "HUB_HEAD_MOVED" || e.code == "HUB_CONFLICT" || e.retryable;
    log().warn("publish {}: attempt {} failed: {}", run_id, attempts, e.code);
    if (!again) return e;
    if (attempts >= o.max_attempts) {
      // Did the last attempt land after all? One more look before giving up.
      auto last = client.repo_info(*repo);
      if (last.ok()) {
        auto c = read_contract(client, *repo, last->sha);
        if (c.ok() && contract_has_run(*c, run_id)) {
          landed = true;
          head_after = last->sha;
          break;
        }
      }
      return publish_error("PUBLISH_INCOMPLETE",
                           "the publish did not complete after " + std::to_string(attempts) + " attempts (" + e.code +
                               ": " + e.message + "); no row was marked published",
                           "run the same command again: rows already on the remote are recognised and not uploaded twice",
                           ExitCode::kResource, true);
    }
  }

  p["new_row_count"] = fresh.size();
  p["duplicate_count"] = duplicates.size();
  p["needs_review_count"] = needs_review;
  p["blocked_count"] = blocked;
  p["rejected_count"] = rejected;
  p["staged_files"] = staged;
  p["remote_head_before"] = head_before;
  p["remote_head_after"] = head_after.empty() ? json() : json(head_after);
  p["attempts"] = attempts;
  if (out.exit != ExitCode::kOk) {
    p["message"] = out.message;
    return out;
  }
  if (o.check_only) {
    out.message = fresh.empty() ? "nothing to publish" : "check passed";
    p["message"] = out.message;
    return out;
  }
  // 5. Mark rows: the new ones (landed) and the ones found already on the remote.
  std::vector<std::string> mark;
  if (landed) {
    for (const auto* row : fresh) mark.push_back(row->entry.row_id);
  }
  for (const auto* row : duplicates) mark.push_back(row->entry.row_id);
  if (!mark.empty()) {
    json info = {{"repo_id", repo->id}, {"run_id", run_id}, {"shard", landed ? json(shard_path) : json()},
                 {"commit", head_after.empty() ? json() : json(head_after)}, {"uploaded_at", utc_now_iso()}};
    Status marked = ok_status();
    // Another process may hold the dataset lock for a moment: wait up to 5 s
    // (OT_PUBLISH_LOCK_WAIT_MS, for tests), polling every 100 ms.
    const char* wait_env = std::getenv("OT_PUBLISH_LOCK_WAIT_MS");
    const long wait_ms = wait_env && *wait_env ? std::max(0L, std::atol(wait_env)) : 5000;
    for (long waited = 0;; waited += 100) {
      marked = dataset::mark_uploaded(o.dataset, mark, remote.name, info);
      if (marked.ok() || marked.error().code != "DATASET_LOCKED" || waited >= wait_ms) break;
      usleep(100 * 1000);
    }
    if (!marked.ok()) {
      return publish_error("MARK_FAILED",
                           "the rows are on the Hub but could not be marked published locally: " + marked.error().message,
                           "run the same command again: it recognises the rows on the remote and marks them");
    }
  }
  if (landed) {
    append_event(ds->meta_dir(), {{"run_id", run_id}, {"remote", remote.name}, {"repo_id", repo->id},
                                  {"heads", {{"before", head_before}, {"after", head_after}}},
                                  {"files", staged_digests}, {"row_ids", mark}, {"published_at", utc_now_iso()}});
  }
  out.message = landed ? "published" : "nothing to publish";
  p["uploaded"] = landed;
  p["marked_published"] = mark.size();
  p["message"] = out.message;
  return out;
}

}  // namespace ot::hub
