// Bucket::drain_spool: applies spool items (shapes in spool.h) in arrival order.
// Each applied item also writes s/<file name> in the same synced WriteBatch, so a
// crash between the commit and the unlink re-drains the file as a no-op. A bad item
// is moved to spool/quarantine/ with a log line; work that cannot be done yet (no
// parser) stays in the spool untouched.
#include <unistd.h>

#include "engine/bucket/bucket.h"
#include "engine/bucket/bucket_impl.h"
#include "engine/bucket/facts.h"
#include "engine/bucket/ingest.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/spool.h"
#include "engine/bucket/store_ops.h"
#include "engine/bucket/txn.h"
#include "engine/parse/patches.h"
#include "engine/project/project.h"
#include "engine/schema/patch.h"
#include "engine/util/fs.h"
#include "engine/util/log.h"
#include "engine/util/time.h"

namespace ot::bucket {

namespace {

constexpr size_t kBatchItems = 256;
constexpr size_t kBatchBytes = 8 << 20;

std::string str_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Error bad_item(const std::string& why) {
  return make_error(ExitCode::kUsage, "BAD_SPOOL_ITEM", "spool", why);
}

// Errors of the store itself (not of the item): stop draining, keep the file.
bool is_store_error(const Error& e) {
  return e.code.rfind("BUCKET_", 0) == 0 || e.code == "MANIFEST_CORRUPT";
}

Result<int> apply_hook_event(Txn& txn, const json& item, DrainItem& out) {
  std::string tid = str_at(item, "session_id");
  if (tid.empty()) tid = str_at(item, "trace_id");
  if (tid.empty()) return bad_item("hook_event without session_id");
  OT_TRY_STATUS(validate_trace_id(tid));
  out.trace_id = tid;
  json event = item;
  event.erase("kind");
  event["event_type"] = "hook_event";
  std::vector<json> events{event};
  // Edit tools also yield trace patches: the ones the hook computed (`patches`, with
  // file ranges after the tool ran), else derived here from payload.tool_input. Same
  // ids as the transcript parser gives; one trace_patch_created per patch id.
  std::string ev_name = str_at(item, "event");
  bool post = ev_name == "PostToolUse" || ev_name == "tool_result";
  bool pre = ev_name == "PreToolUse" || ev_name == "tool_call";
  std::vector<json> patches;
  auto given = item.find("patches");
  if (given != item.end() && given->is_array()) {
    // Codex never reports apply_patch after the fact: its pre-tool patches are all there is.
    if (post || (pre && str_at(item, "agent") == "codex"))
      for (const auto& p : *given)
        if (p.is_object()) patches.push_back(p);
  } else if (post && item.contains("payload") && item["payload"].is_object()) {
    const json& payload = item["payload"];
    std::string tool = str_at(payload, "tool_name");
    if (payload.contains("tool_input") && parse::is_edit_tool(tool)) {
      parse::PatchContext ctx;
      ctx.trace_id = tid;
      ctx.cwd = str_at(payload, "cwd").empty() ? str_at(item, "cwd") : str_at(payload, "cwd");
      ctx.tool_call_id = str_at(payload, "tool_use_id");
      ctx.capture_method = {"hook_posttooluse"};
      for (const auto& p : parse::patches_from_tool_call(tool, payload["tool_input"], ctx))
        patches.push_back(schema::to_json(p));
    }
  }
  for (auto& p : patches) {
    std::string id = str_at(p, "patch_id");
    if (!id.empty()) {
      auto seen = txn.get(keys::patch_seen(tid, id));
      if (!seen.ok()) return seen.error();
      if (seen->has_value()) continue;
      txn.put(keys::patch_seen(tid, id), "1");
    }
    events.push_back({{"event_type", "trace_patch_created"}, {"patch", std::move(p)}});
  }
  int64_t ms = ms_from_iso(str_at(item, "received_at")).value_or(now_ms());
  OT_TRY_STATUS(op_touch_activity(txn, tid, str_at(item, "agent"), str_at(item, "cwd"), ms));
  return op_append_events(txn, tid, events);
}

Result<int> apply_trail_event(Txn& txn, const json& item, DrainItem& out) {
  std::string tid = str_at(item, "trace_id");
  if (tid.empty()) return bad_item("trail_event without trace_id");
  auto ev = item.find("event");
  if (ev == item.end() || !ev->is_object()) return bad_item("trail_event without an event object");
  out.trace_id = tid;
  return op_append_events(txn, tid, {*ev});
}

void quarantine(const std::filesystem::path& spool, const std::filesystem::path& file, const std::string& why,
                DrainItem& item, DrainReport& report) {
  std::filesystem::path qdir = spool / "quarantine";
  std::error_code ec;
  std::filesystem::create_directories(qdir, ec);
  std::filesystem::rename(file, qdir / file.filename(), ec);
  log().warn("spool: quarantined {}: {}{}", file.filename().string(), why,
             ec ? " (move failed: " + ec.message() + ")" : "");
  item.outcome = "quarantined";
  item.message = why;
  report.quarantined++;
}

}  // namespace

Result<DrainReport> Bucket::drain_spool(const std::filesystem::path& spool) {
  DrainReport report;
  auto pending = spool_pending(spool);
  if (!pending.ok()) return pending.error();
  leveldb::DB* db = impl_->db.get();
  Txn root(db);
  std::vector<std::filesystem::path> done;
  size_t staged_items = 0;

  auto flush = [&]() -> Status {
    OT_TRY_STATUS(root.commit(true));  // effects + s/ markers durable before any unlink
    Txn cleanup(db);
    for (const auto& f : done) {
      if (::unlink(f.c_str()) != 0 && errno != ENOENT) {
        log().warn("spool: cannot remove applied item {}: {}", f.string(), std::strerror(errno));
        continue;  // the marker stays, so re-draining it is a no-op
      }
      cleanup.del(keys::spool_done(f.filename().string()));
    }
    done.clear();
    staged_items = 0;
    return cleanup.commit(false);  // markers are only needed while their file exists
  };

  for (const auto& file : *pending) {
    DrainItem item;
    item.file = file.filename().string();
    auto marker = root.get(keys::spool_done(item.file));
    if (!marker.ok()) return marker.error();
    if (marker->has_value()) {
      item.outcome = "already_applied";
      report.already_applied++;
      done.push_back(file);
      report.items.push_back(std::move(item));
      continue;
    }
    auto text = read_file(file);
    if (!text.ok()) continue;  // vanished or unreadable right now: try next time
    auto parsed = parse_json(*text, file.string());
    if (!parsed.ok() || !parsed->is_object()) {
      quarantine(spool, file, "not a JSON object", item, report);
      report.items.push_back(std::move(item));
      continue;
    }
    const json& j = *parsed;
    item.kind = str_at(j, "kind");
    Txn child(root);
    Result<int> applied = 0;
    if (item.kind == "hook_event") {
      applied = apply_hook_event(child, j, item);
    } else if (item.kind == "trail_event") {
      applied = apply_trail_event(child, j, item);
    } else if (item.kind == "ingest_session") {
      auto record = record_from_session_file(str_at(j, "path"), str_at(j, "agent"));
      if (!record.ok() && record.error().code == "PARSER_UNAVAILABLE") {
        item.outcome = "deferred";
        item.message = record.error().message;
        report.deferred++;
        report.items.push_back(std::move(item));
        continue;
      }
      if (!record.ok()) {
        applied = record.error();
      } else {
        PutOptions po;
        po.project_slug = str_at(j, "project_slug");
        if (std::string dir = str_at(j, "project_dir"); po.project_slug.empty() && !dir.empty()) {
          auto proj = project::find_project(dir);
          if (proj.ok() && proj->has_value()) po.project_slug = (*proj)->slug;
        }
        auto put = op_put_record(child, *record, po);
        if (put.ok()) {
          item.trace_id = put->trace_id;
          item.put = *put;
          if (put->changed) report.records_stored++;
        } else {
          applied = put.error();
        }
      }
    } else {
      applied = bad_item("unknown spool item kind \"" + item.kind + "\"");
    }
    if (!applied.ok()) {
      if (is_store_error(applied.error())) return applied.error();
      quarantine(spool, file, applied.error().message, item, report);
      report.items.push_back(std::move(item));
      continue;
    }
    child.put(keys::spool_done(item.file), "1");
    child.merge_into_parent();
    item.outcome = "applied";
    item.events_appended = *applied;
    report.events_appended += *applied;
    report.applied++;
    report.items.push_back(std::move(item));
    done.push_back(file);
    if (++staged_items >= kBatchItems || root.staged_bytes() >= kBatchBytes) OT_TRY_STATUS(flush());
  }
  if (!done.empty() || !root.empty()) OT_TRY_STATUS(flush());
  if (report.applied || report.quarantined)
    log().info("spool: applied {}, quarantined {}, deferred {}", report.applied, report.quarantined, report.deferred);
  impl_->last_drain = report;
  return report;
}

}  // namespace ot::bucket
