#include "engine/bucket/store_ops.h"

#include "engine/bucket/derived.h"
#include "engine/bucket/facts.h"
#include "engine/bucket/keys.h"
#include "engine/util/hash.h"
#include "engine/util/time.h"

namespace ot::bucket {

Result<json> load_object(Txn& txn, const std::string& hex, std::string_view trace_id) {
  auto bytes = txn.get(keys::object(hex));
  std::string who = trace_id.empty() ? "object " + hex : "trace " + std::string(trace_id);
  if (!bytes.ok()) {
    Error e = bytes.error();
    e.code = "OBJECT_CORRUPT";
    e.message = who + ": " + e.message;
    return e;
  }
  if (!bytes->has_value())
    return make_error(ExitCode::kResource, "OBJECT_MISSING", "bucket",
                      who + ": its record object sha256:" + hex + " is missing from the bucket",
                      "run `git opentraces bucket repair`");
  if (sha256_hex(**bytes) != hex)
    return make_error(ExitCode::kResource, "OBJECT_CORRUPT", "bucket",
                      who + ": record object sha256:" + hex + " does not match its content (damaged)",
                      "run `git opentraces bucket repair` (drops the damaged generation) and re-capture the session");
  auto parsed = parse_json(**bytes, "object " + hex);
  if (!parsed.ok())
    return make_error(ExitCode::kResource, "OBJECT_CORRUPT", "bucket", who + ": record object is not JSON",
                      "run `git opentraces bucket repair`");
  return parsed;
}

Result<PutResult> op_put_record(Txn& txn, const json& record, const PutOptions& options) {
  auto facts_r = extract_facts(record, options.project_slug);
  if (!facts_r.ok()) return facts_r.error();
  RecordFacts& f = *facts_r;
  const std::string bytes = canonical_json(record);
  const std::string hex = sha256_hex(bytes);
  const std::string hash = "sha256:" + hex;
  const std::string& tid = f.trace_id;

  PutResult out;
  out.trace_id = tid;
  out.record_hash = hash;

  auto ptr_r = txn.get_json(keys::pointer(tid));
  if (!ptr_r.ok()) return ptr_r.error();
  std::optional<json> ptr = std::move(ptr_r).value();
  if (ptr && ptr->value("record_hash", "") == hash) {
    out.generation = ptr->value("generation", 0);
    out.project_slug = ptr->value("project_slug", "");
    return out;  // same content: nothing to do
  }
  auto seen = txn.get(keys::generation_hash(tid, hex));
  if (!seen.ok()) return seen.error();
  if (seen->has_value()) {  // an older generation already holds exactly this content
    out.generation = std::atoi((*seen)->c_str());
    out.project_slug = ptr ? ptr->value("project_slug", "") : f.project;
    return out;
  }

  auto c_r = txn.counters();
  if (!c_r.ok()) return c_r.error();
  Counters c = std::move(c_r).value();

  std::string written_at = options.written_at.empty() ? utc_now_iso() : options.written_at;
  int64_t written_ms = ms_from_iso(written_at).value_or(now_ms());
  int gen = ptr ? ptr->value("generation", 0) + 1 : 1;

  auto have = txn.get(keys::object(hex));
  if (!have.ok() && have.error().code != "VALUE_CORRUPT") return have.error();
  if (!have.ok() || !have->has_value()) {
    if (have.ok()) {
      c.object_count++;
      c.object_bytes += static_cast<int64_t>(bytes.size());
    }
    txn.put(keys::object(hex), bytes);  // also heals a damaged copy of the same content
  }

  txn.put_json(keys::generation(tid, gen), {{"generation", gen}, {"record_hash", hash}, {"written_at", written_at}});
  txn.put(keys::generation_hash(tid, hex), std::to_string(gen));
  c.generation_count++;
  c.acc_generations = xor_hex(c.acc_generations, generation_element(tid, gen, hash));

  if (ptr) {
    auto old_keys = txn.get_json(keys::index_list(tid));
    if (!old_keys.ok()) return old_keys.error();
    if (old_keys->has_value() && (*old_keys)->is_array())
      for (const auto& k : **old_keys)
        if (k.is_string()) txn.del(k.get<std::string>());
    std::string old_project = ptr->value("project_slug", "");
    c.acc_records = xor_hex(c.acc_records, record_element(tid, ptr->value("record_hash", ""),
                                                          ptr->value("generation", 0), old_project));
    c.count_record(old_project, ptr->value("scanned", false), ptr->value("syncable", false), -1);
  } else {
    c.trace_count++;
    out.new_trace = true;
  }

  std::vector<std::string> new_keys = index_keys(f, written_ms);
  for (const auto& k : new_keys) txn.put(k, "");
  txn.put_json(keys::index_list(tid), new_keys);
  txn.put_json(keys::pointer(tid), pointer_row(f, hash, gen, written_at));
  OT_TRY_STATUS(write_derived(txn, record, f));
  c.acc_records = xor_hex(c.acc_records, record_element(tid, hash, gen, f.project));
  c.count_record(f.project, f.scanned, f.syncable, +1);
  if (written_at > c.last_ingest_at) c.last_ingest_at = written_at;
  txn.put_counters(c);

  if (auto when = f.end_ms ? f.end_ms : f.start_ms)
    OT_TRY_STATUS(op_touch_activity(txn, tid, f.agent, f.cwd, *when));

  out.generation = gen;
  out.changed = true;
  out.project_slug = f.project;
  return out;
}

namespace {

Status put_event(Txn& txn, Counters& c, std::string_view tid, int64_t seq, json event) {
  if (!event.is_object())
    return make_error(ExitCode::kUsage, "INVALID_EVENT", "bucket", "an event must be a JSON object",
                      "events are objects with an event_type");
  event["seq"] = seq;
  if (!event.contains("trace_id")) event["trace_id"] = tid;
  c.acc_events = xor_hex(c.acc_events, event_element(tid, seq, event));
  c.event_count++;
  if (event.value("event_type", "") == "trace_patch_created" && event.contains("patch") && event["patch"].is_object())
    if (auto id = event["patch"].value("patch_id", ""); !id.empty()) txn.put(keys::patch_seen(tid, id), "1");
  txn.put_json(keys::event(tid, seq), event);
  return ok_status();
}

Result<int64_t> last_seq(Txn& txn, std::string_view tid) {
  auto raw = txn.get(keys::event_seq(tid));
  if (!raw.ok()) return raw.error();
  return raw->has_value() ? std::atoll((*raw)->c_str()) : int64_t{0};
}

}  // namespace

Result<int> op_append_events(Txn& txn, std::string_view tid, const std::vector<json>& events) {
  OT_TRY_STATUS(validate_trace_id(tid));
  if (events.empty()) return 0;
  auto last = last_seq(txn, tid);
  if (!last.ok()) return last.error();
  auto c = txn.counters();
  if (!c.ok()) return c.error();
  int64_t seq = *last;
  for (const json& e : events) OT_TRY_STATUS(put_event(txn, *c, tid, ++seq, e));
  txn.put(keys::event_seq(tid), std::to_string(seq));
  txn.put_counters(*c);
  return static_cast<int>(events.size());
}

Status op_put_event_at(Txn& txn, std::string_view tid, int64_t seq, const json& event) {
  OT_TRY_STATUS(validate_trace_id(tid));
  auto existing = txn.get(keys::event(tid, seq));
  if (!existing.ok()) return existing.error();
  if (existing->has_value()) return ok_status();
  auto c = txn.counters();
  if (!c.ok()) return c.error();
  OT_TRY_STATUS(put_event(txn, *c, tid, seq, event));
  auto last = last_seq(txn, tid);
  if (!last.ok()) return last.error();
  if (seq > *last) txn.put(keys::event_seq(tid), std::to_string(seq));
  txn.put_counters(*c);
  return ok_status();
}

Status op_touch_activity(Txn& txn, std::string_view tid, std::string_view agent, std::string_view cwd,
                         int64_t ms) {
  OT_TRY_STATUS(validate_trace_id(tid));
  auto cur = txn.get_json(keys::activity(tid));
  if (!cur.ok()) return cur.error();
  json a = cur->has_value() ? **cur : json{{"trace_id", tid}, {"agent", ""}, {"cwd", ""}, {"last_activity_ms", 0}};
  int64_t old_ms = a.value("last_activity_ms", int64_t{0});
  bool changed = false;
  if (!agent.empty() && a.value("agent", "") != agent && a.value("agent", "").empty()) a["agent"] = agent, changed = true;
  if (!cwd.empty() && a.value("cwd", "").empty()) a["cwd"] = cwd, changed = true;
  if (ms > old_ms || !cur->has_value()) {
    if (cur->has_value()) txn.del(keys::activity_time(old_ms, tid));
    a["last_activity_ms"] = std::max(ms, old_ms);
    txn.put(keys::activity_time(std::max(ms, old_ms), tid), "");
    changed = true;
  }
  if (!cur->has_value()) {
    auto c = txn.counters();
    if (!c.ok()) return c.error();
    c->activity_count++;
    txn.put_counters(*c);
  }
  if (changed) txn.put_json(keys::activity(tid), a);
  return ok_status();
}

}  // namespace ot::bucket
