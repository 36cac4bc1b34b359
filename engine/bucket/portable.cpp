// The portable bucket: a directory of plain files for backup, transfer and review
// (reference section 3, DESIGN.md "The bucket"):
//
//   manifest.json                               opentraces.bucket.manifest.v2, written last
//   objects/<hh>/<hex>.json                     record objects, byte-for-byte (sha256 = name)
//   traces/<project>/<trace>/trail.jsonl.gz     trail events (canonical lines, by seq)
//   traces/<project>/<trace>/context.jsonl.gz   context_* events
//   traces/<project>/<trace>/sources.jsonl.gz   hook events (raw capture)
//   traces/<project>/<trace>/trace.json         the spine: generations, activity, counts
//
// No timestamp of the export itself is written, so export → import → export is
// byte-identical. Import recomputes the bucket digest from the files and refuses a
// copy whose manifest digest does not match.
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "engine/bucket/bucket.h"
#include "engine/bucket/bucket_impl.h"
#include "engine/bucket/facts.h"
#include "engine/bucket/gzip.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/manifest.h"
#include "engine/bucket/store_ops.h"
#include "engine/bucket/txn.h"
#include "engine/util/fs.h"
#include "engine/util/hash.h"
#include "engine/util/log.h"
#include "engine/util/time.h"

namespace ot::bucket {

namespace {

namespace fs = std::filesystem;

constexpr const char* kPortableManifest = "opentraces.bucket.manifest.v2";
constexpr const char* kEnvelope = "opentraces.bucket.trace_envelope.v2";

enum class Companion { trail, context, sources };

Companion companion_of(const json& event) {
  std::string t = event.value("event_type", "");
  if (t == "context_layer_captured" || t == "context_node_observed" || t == "context_compaction_observed" ||
      t == "context_tree_reconciled")
    return Companion::context;
  if (t == "hook_event") return Companion::sources;
  return Companion::trail;
}

std::string hex_of(const std::string& record_hash) {
  return keys::has_prefix(record_hash, "sha256:") ? record_hash.substr(7) : record_hash;
}

fs::path object_path(const fs::path& root, const std::string& hex) {
  return root / "objects" / hex.substr(0, 2) / (hex + ".json");
}

Status write_plain(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out)
    return make_error(ExitCode::kResource, "EXPORT_WRITE_FAILED", "bucket export", "cannot write " + path.string(),
                      "check free space and permissions");
  return ok_status();
}

Error invalid(const std::string& what, const std::string& hint = "export the bucket again from its source") {
  return make_error(ExitCode::kResource, "IMPORT_INVALID", "bucket import", what, hint);
}

// Counts and accumulators of a portable copy, folded the same way the live bucket does.
struct Fold {
  Counters c;
  void generation(const std::string& tid, int gen, const std::string& hash) {
    c.generation_count++;
    c.acc_generations = xor_hex(c.acc_generations, generation_element(tid, gen, hash));
  }
  void record(const std::string& tid, const std::string& hash, int gen, const std::string& project) {
    c.trace_count++;
    c.acc_records = xor_hex(c.acc_records, record_element(tid, hash, gen, project));
  }
  void event(const std::string& tid, int64_t seq, const json& e) {
    c.event_count++;
    c.acc_events = xor_hex(c.acc_events, event_element(tid, seq, e));
  }
};

std::string companion_bytes(const std::vector<json>& events) {
  std::string lines;
  for (const auto& e : events) lines += canonical_json(e) + "\n";
  return gzip_bytes(lines);
}

Result<std::vector<json>> read_companion(const fs::path& path) {
  std::vector<json> out;
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  auto gz = read_file(path);
  if (!gz.ok()) return gz.error();
  auto text = gunzip_bytes(*gz, path.string());
  if (!text.ok()) return text.error();
  size_t pos = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    if (nl > pos) {
      auto j = parse_json(std::string_view(*text).substr(pos, nl - pos), path.string());
      if (!j.ok() || !j->is_object()) return invalid(path.string() + " holds a line that is not a JSON object");
      out.push_back(std::move(j).value());
    }
    pos = nl + 1;
  }
  return out;
}

}  // namespace

Result<ExportReport> Bucket::export_to(const fs::path& dest) {
  std::error_code ec;
  if (fs::exists(dest, ec) && !fs::is_empty(dest, ec))
    return make_error(ExitCode::kOffline, "DESTINATION_EXISTS", "bucket export",
                      dest.string() + " exists and is not empty", "export into a new or empty directory");
  fs::path tmp = dest;
  tmp += ".partial-" + std::to_string(getpid());
  fs::remove_all(tmp, ec);
  OT_TRY_STATUS(ensure_dir(tmp, 0700));
  leveldb::DB* db = impl_->db.get();
  Txn reader(db);

  // Every trace that has a record, events or activity.
  std::set<std::string> traces;
  for (const char* p : {"r/", "es/", "a/"})
    OT_TRY_STATUS(scan_keys(db, p, [&](const std::string& k) {
      traces.insert(k.substr(std::string_view(p).size()));
      return true;
    }));

  Fold fold;
  std::set<std::string> objects_written;
  std::vector<json> rows;
  std::set<std::string> projects;
  std::string last_written;
  ExportReport rep;
  for (const auto& tid : traces) {
    auto row = reader.get_json(keys::pointer(tid));
    if (!row.ok()) return row.error();
    auto act = reader.get_json(keys::activity(tid));
    if (!act.ok()) return act.error();
    std::string project = row->has_value() ? (**row).value("project_slug", "_unassigned") : "_unassigned";
    projects.insert(project);

    json generations = json::array();
    OT_TRY_STATUS(scan_prefix(db, keys::generation_prefix(tid), [&](const std::string& k, const std::string& v) {
      auto gj = parse_json(v, k);
      if (gj.ok()) generations.push_back(std::move(gj).value());
      return true;
    }));
    for (const auto& g : generations) {
      std::string hash = g.value("record_hash", "");
      std::string hex = hex_of(hash);
      fold.generation(tid, g.value("generation", 0), hash);
      if (g.value("written_at", "") > last_written) last_written = g.value("written_at", "");
      if (objects_written.insert(hex).second) {
        auto bytes = reader.get(keys::object(hex));
        if (!bytes.ok()) return bytes.error();
        if (!bytes->has_value() || sha256_hex(**bytes) != hex)
          return make_error(ExitCode::kResource, "OBJECT_CORRUPT", "bucket export",
                            "trace " + tid + ": record object sha256:" + hex + " is missing or damaged",
                            "run `git opentraces bucket verify --full` and `git opentraces bucket repair` first");
        OT_TRY_STATUS(write_plain(object_path(tmp, hex), **bytes));
        rep.objects++;
      }
    }

    std::vector<json> parts[3];
    OT_TRY_STATUS(scan_prefix(db, keys::event_prefix(tid), [&](const std::string& k, const std::string& v) {
      auto ej = parse_json(v, k);
      if (ej.ok()) {
        fold.event(tid, ej->value("seq", int64_t{0}), *ej);
        parts[static_cast<int>(companion_of(*ej))].push_back(std::move(ej).value());
      }
      return true;
    }));
    fs::path tdir = tmp / "traces" / project / tid;
    OT_TRY_STATUS(write_plain(tdir / "trail.jsonl.gz", companion_bytes(parts[0])));
    OT_TRY_STATUS(write_plain(tdir / "context.jsonl.gz", companion_bytes(parts[1])));
    OT_TRY_STATUS(write_plain(tdir / "sources.jsonl.gz", companion_bytes(parts[2])));
    size_t n_events = parts[0].size() + parts[1].size() + parts[2].size();
    rep.events += static_cast<int64_t>(n_events);

    json spine = {{"schema_version", kEnvelope},
                  {"project_slug", project},
                  {"trace_id", tid},
                  {"has_trace_record", row->has_value()},
                  {"record", row->has_value() ? **row : json()},
                  {"generations", generations},
                  {"activity", act->has_value() ? **act : json()},
                  {"trail_event_count", parts[0].size()},
                  {"context_event_count", parts[1].size()},
                  {"source_event_count", parts[2].size()}};
    OT_TRY_STATUS(write_plain(tdir / "trace.json", pretty_json(spine)));  // spine last

    json r = {{"project_slug", project},
              {"trace_id", tid},
              {"trace_path", "traces/" + project + "/" + tid + "/trace.json"},
              {"files", {{"has_trail", !parts[0].empty()}, {"has_context", !parts[1].empty()}, {"has_sources", !parts[2].empty()}}},
              {"summary", {{"event_count", n_events}, {"generation_count", generations.size()}}}};
    if (row->has_value()) {
      const json& p = **row;
      fold.record(tid, p.value("record_hash", ""), p.value("generation", 0), project);
      r["title"] = p.value("title", "");
      r["agent_name"] = p.value("agent_name", "");
      r["agent_version"] = p.value("agent_version", "");
      r["agent_model"] = p.value("agent_model", "");
      r["lifecycle"] = p.value("lifecycle", "provisional");
      r["record_hash"] = p.value("record_hash", "");
      r["summary"]["step_count"] = p.value("step_count", 0);
      r["summary"]["patch_count"] = p.value("patch_count", 0);
      r["status"] = {{"known", p.value("scanned", false)}, {"syncable", p.value("syncable", false)},
                     {"written_at", p.value("written_at", "")}};
    }
    r["digest"] = json_digest(r);
    rows.push_back(std::move(r));
    rep.traces++;
  }
  std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return std::tie(a["project_slug"].get_ref<const std::string&>(), a["trace_id"].get_ref<const std::string&>()) <
           std::tie(b["project_slug"].get_ref<const std::string&>(), b["trace_id"].get_ref<const std::string&>());
  });
  fold.c.object_count = static_cast<int64_t>(objects_written.size());
  std::string digest = bucket_digest(fold.c);
  auto live = reader.counters();
  if (live.ok() && bucket_digest(*live) != digest)
    log().warn("bucket export: live digest {} differs from the exported content {}; run `bucket repair`",
               bucket_digest(*live), digest);
  json manifest = {{"schema_version", kPortableManifest},
                   {"bucket_root", projects.size() == 1 ? *projects.begin() : ""},
                   {"generated_at", last_written.empty() ? json() : json(last_written)},
                   {"traces", rows},
                   {"trace_records", {{"object_count", fold.c.object_count},
                                      {"trace_count", fold.c.trace_count},
                                      {"generation_count", fold.c.generation_count}}},
                   {"trail_events", {{"event_count", fold.c.event_count}}},
                   {"bucket_digest", digest},
                   {"digest", digest}};
  OT_TRY_STATUS(write_plain(tmp / "manifest.json", pretty_json(manifest)));
  fs::remove(dest, ec);  // an empty directory may stand in the way
  fs::rename(tmp, dest, ec);
  if (ec)
    return make_error(ExitCode::kResource, "EXPORT_WRITE_FAILED", "bucket export",
                      "cannot move the export into " + dest.string() + ": " + ec.message(), "check the path");
  rep.dir = dest;
  rep.bucket_digest = digest;
  return rep;
}

namespace {

struct PortableTrace {
  std::string tid, project;
  json spine;
  std::vector<json> events;  // all companions, by seq
};

Result<PortableTrace> read_trace(const fs::path& root, const json& row) {
  PortableTrace t;
  t.tid = row.value("trace_id", "");
  t.project = row.value("project_slug", "");
  OT_TRY_STATUS(validate_trace_id(t.tid));
  if (sanitize_project(t.project) != t.project) return invalid("manifest names an unusable project slug \"" + t.project + "\"");
  fs::path tdir = root / "traces" / t.project / t.tid;
  auto spine_text = read_file(tdir / "trace.json");
  if (!spine_text.ok()) return invalid("trace " + t.tid + " has no trace.json in " + tdir.string());
  auto spine = parse_json(*spine_text, (tdir / "trace.json").string());
  if (!spine.ok() || !spine->is_object() || spine->value("schema_version", "") != kEnvelope ||
      spine->value("trace_id", "") != t.tid)
    return invalid((tdir / "trace.json").string() + " is not a trace envelope for " + t.tid);
  t.spine = std::move(spine).value();
  for (const char* name : {"trail.jsonl.gz", "context.jsonl.gz", "sources.jsonl.gz"}) {
    auto ev = read_companion(tdir / name);
    if (!ev.ok()) return ev.error();
    for (auto& e : *ev) t.events.push_back(std::move(e));
  }
  std::sort(t.events.begin(), t.events.end(),
            [](const json& a, const json& b) { return a.value("seq", int64_t{0}) < b.value("seq", int64_t{0}); });
  return t;
}

Result<json> read_object(const fs::path& root, const std::string& hash, const std::string& tid) {
  std::string hex = hex_of(hash);
  if (hex.size() != 64) return invalid("trace " + tid + " names a malformed record hash");
  auto bytes = read_file(object_path(root, hex));
  if (!bytes.ok()) return invalid("trace " + tid + ": object " + hex + " is missing from the export");
  if (sha256_hex(*bytes) != hex) return invalid("trace " + tid + ": object " + hex + " does not match its name (damaged)");
  return parse_json(*bytes, object_path(root, hex).string());
}

}  // namespace

Result<ImportReport> Bucket::import_from(const fs::path& root) {
  auto text = read_file(root / "manifest.json");
  if (!text.ok())
    return make_error(ExitCode::kResource, "IMPORT_INVALID", "bucket import", "no manifest.json in " + root.string(),
                      "pass a directory written by `git opentraces bucket export`");
  auto manifest = parse_json(*text, (root / "manifest.json").string());
  if (!manifest.ok() || !manifest->is_object() || manifest->value("schema_version", "") != kPortableManifest ||
      !(*manifest)["traces"].is_array())
    return invalid((root / "manifest.json").string() + " is not a " + kPortableManifest + " manifest");

  // Pass 1: check every file and recompute the digest before writing anything.
  Fold fold;
  std::set<std::string> objects;
  for (const auto& row : (*manifest)["traces"]) {
    auto t = read_trace(root, row);
    if (!t.ok()) return t.error();
    for (const auto& g : t->spine["generations"]) {
      std::string hash = g.value("record_hash", "");
      fold.generation(t->tid, g.value("generation", 0), hash);
      if (objects.insert(hex_of(hash)).second) {
        auto rec = read_object(root, hash, t->tid);
        if (!rec.ok()) return rec.error();
      }
    }
    const json& rec = t->spine["record"];
    if (rec.is_object()) fold.record(t->tid, rec.value("record_hash", ""), rec.value("generation", 0), t->project);
    for (const auto& e : t->events) fold.event(t->tid, e.value("seq", int64_t{0}), e);
  }
  fold.c.object_count = static_cast<int64_t>(objects.size());
  std::string digest = bucket_digest(fold.c);
  if (digest != manifest->value("bucket_digest", ""))
    return make_error(ExitCode::kResource, "IMPORT_DIGEST_MISMATCH", "bucket import",
                      "the manifest digest of " + root.string() + " (" + manifest->value("bucket_digest", "none") +
                          ") does not match its content (" + digest + "); nothing was imported",
                      "the copy is incomplete or was edited: export it again from the source bucket");

  // Pass 2: apply, one trace per batch.
  ImportReport rep;
  rep.dir = root;
  rep.bucket_digest = digest;
  leveldb::DB* db = impl_->db.get();
  for (const auto& row : (*manifest)["traces"]) {
    auto t = read_trace(root, row);
    if (!t.ok()) return t.error();
    Txn txn(db);
    const json& act = t->spine["activity"];
    if (act.is_object())
      OT_TRY_STATUS(op_touch_activity(txn, t->tid, act.value("agent", ""), act.value("cwd", ""),
                                      act.value("last_activity_ms", int64_t{0})));
    for (const auto& g : t->spine["generations"]) {
      auto rec = read_object(root, g.value("record_hash", ""), t->tid);
      if (!rec.ok()) return rec.error();
      PutOptions po;
      po.project_slug = t->project;
      po.written_at = g.value("written_at", "");
      auto put = op_put_record(txn, *rec, po);
      if (!put.ok()) return put.error();
      if (put->changed) rep.generations_added++;
    }
    // Events: kept at their sequence numbers when this trace has no stream here yet;
    // otherwise the ones not already present are appended.
    auto have_seq = txn.get(keys::event_seq(t->tid));
    if (!have_seq.ok()) return have_seq.error();
    if (!have_seq->has_value()) {
      for (const auto& e : t->events) OT_TRY_STATUS(op_put_event_at(txn, t->tid, e.value("seq", int64_t{0}), e));
      rep.events_added += static_cast<int64_t>(t->events.size());
    } else {
      std::set<std::string> present;
      auto existing = events(t->tid);
      if (!existing.ok()) return existing.error();
      for (json e : *existing) {
        e.erase("seq");
        present.insert(canonical_json(e));
      }
      std::vector<json> fresh;
      for (json e : t->events) {
        e.erase("seq");
        if (present.insert(canonical_json(e)).second) fresh.push_back(std::move(e));
      }
      auto n = op_append_events(txn, t->tid, fresh);
      if (!n.ok()) return n.error();
      rep.events_added += *n;
    }
    OT_TRY_STATUS(txn.commit(false));
    rep.traces++;
  }
  rep.objects = static_cast<int64_t>(objects.size());
  Txn final_sync(db);
  auto c = final_sync.counters();
  if (!c.ok()) return c.error();
  final_sync.put_counters(*c);
  OT_TRY_STATUS(final_sync.commit(true));  // one synced write makes the whole import durable
  return rep;
}

}  // namespace ot::bucket
