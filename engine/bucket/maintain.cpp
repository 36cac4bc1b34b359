// verify (re-hash objects, check pointers/indexes/counters) and rebuild/repair
// (derive pointers, indexes and counters again from the objects and event streams).
#include <leveldb/db.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/bucket/derived.h"
#include "engine/bucket/bucket.h"
#include "engine/bucket/bucket_impl.h"
#include "engine/bucket/facts.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/manifest.h"
#include "engine/bucket/store_ops.h"
#include "engine/bucket/txn.h"
#include "engine/util/hash.h"
#include "engine/util/log.h"
#include "engine/util/time.h"

namespace ot::bucket {

json VerifyReport::to_json() const {
  return {{"ok", ok}, {"objects_checked", objects_checked}, {"traces_checked", traces_checked}, {"errors", errors}};
}

json RepairReport::to_json() const {
  return {{"storage_repaired", storage_repaired}, {"objects_checked", objects_checked},
          {"objects_dropped", objects_dropped},   {"traces_rebuilt", traces_rebuilt},
          {"traces_lost", traces_lost},           {"index_keys_written", index_keys_written},
          {"lost_traces", lost_traces}};
}

namespace {

std::string hex_of(const std::string& record_hash) {
  return keys::has_prefix(record_hash, "sha256:") ? record_hash.substr(7) : record_hash;
}

std::string trace_of_key(const std::string& key, size_t prefix_len) {
  std::string rest = key.substr(prefix_len);
  return rest.substr(0, rest.find('/'));
}

// Recounts every event into `c` and records each trace's highest sequence number
// (shared by verify --full and rebuild, which must agree on what they count).
Status fold_events(leveldb::DB* db, Counters& c, std::map<std::string, int64_t>& last_seq) {
  return scan_prefix(db, "e/", [&](const std::string& k, const std::string& v) {
    auto ej = parse_json(v, k);
    std::string tid = trace_of_key(k, 2);
    int64_t seq = std::atoll(k.substr(k.rfind('/') + 1).c_str());
    if (ej.ok()) {
      c.event_count++;
      c.acc_events = xor_hex(c.acc_events, event_element(tid, seq, *ej));
    }
    last_seq[tid] = std::max(last_seq[tid], seq);
    return true;
  });
}

}  // namespace

Result<VerifyReport> Bucket::verify(const VerifyOptions& o) {
  leveldb::DB* db = impl_->db.get();
  Txn reader(db);
  VerifyReport rep;
  auto error = [&](std::string code, std::string trace, std::string key, std::string message) {
    json e = {{"code", code}, {"key", key}, {"message", message}};
    if (!trace.empty()) e["trace_id"] = trace;
    rep.errors.push_back(std::move(e));
  };
  auto counters = reader.counters();
  if (!counters.ok()) {
    error("MANIFEST_CORRUPT", "", keys::kManifest, counters.error().message);
    counters = Counters{};
  }

  // Which traces to check: all, or an even sample of `sample` pointers.
  int64_t stride = o.full ? 1 : std::max<int64_t>(1, counters->trace_count / std::max(1, o.sample));
  std::vector<std::string> traces;
  int64_t i = 0;
  Status scan = scan_keys(db, "r/", [&](const std::string& k) {
    if (i++ % stride == 0) traces.push_back(k.substr(2));
    return o.full || static_cast<int>(traces.size()) < std::max(1, o.sample);
  });
  if (!scan.ok()) error("BUCKET_CORRUPT", "", "r/", scan.error().message);

  std::set<std::string> checked_objects;
  for (const auto& tid : traces) {
    rep.traces_checked++;
    auto row = reader.get_json(keys::pointer(tid));
    if (!row.ok() || !row->has_value()) {
      error("POINTER_CORRUPT", tid, keys::pointer(tid), row.ok() ? "pointer vanished" : row.error().message);
      continue;
    }
    const json& r = **row;
    int gen = r.value("generation", 0);
    std::string hash = r.value("record_hash", "");
    auto g = reader.get_json(keys::generation(tid, gen));
    if (!g.ok() || !g->has_value() || (**g).value("record_hash", "") != hash)
      error("GENERATION_MISMATCH", tid, keys::generation(tid, gen), "the pointer's generation entry is missing or differs");
    // Objects: every generation when full, the current one otherwise.
    std::vector<std::string> hashes{hash};
    if (o.full) {
      hashes.clear();
      (void)scan_prefix(db, keys::generation_prefix(tid), [&](const std::string& k, const std::string& v) {
        auto gj = parse_json(v, k);
        if (gj.ok()) hashes.push_back(gj->value("record_hash", ""));
        return true;
      });
    }
    std::optional<json> current;
    for (const auto& h : hashes) {
      rep.objects_checked++;
      checked_objects.insert(hex_of(h));
      auto rec = load_object(reader, hex_of(h), tid);
      if (!rec.ok()) error(rec.error().code, tid, keys::object(hex_of(h)), rec.error().message);
      else if (h == hash) current = std::move(rec).value();
    }
    if (!current) continue;
    // The pointer row and index keys must be what the current record implies.
    auto facts = extract_facts(*current, r.value("project_slug", ""));
    if (!facts.ok()) {
      error("RECORD_INVALID", tid, keys::object(hex_of(hash)), facts.error().message);
      continue;
    }
    std::string written_at = r.value("written_at", "");
    if (pointer_row(*facts, hash, gen, written_at) != r)
      error("POINTER_STALE", tid, keys::pointer(tid), "the list row does not match the stored record");
    auto want = index_keys(*facts, ms_from_iso(written_at).value_or(0));
    auto have = reader.get_json(keys::index_list(tid));
    if (!have.ok() || !have->has_value() || **have != json(want))
      error("INDEX_INCONSISTENT", tid, keys::index_list(tid), "the index key list does not match the stored record");
    for (const auto& k : want) {
      auto v = reader.get(k);
      if (!v.ok() || !v->has_value()) {
        error("INDEX_MISSING", tid, k, "index entry missing");
        break;
      }
    }
  }

  if (o.full) {
    // Every object re-hashed; every index key belongs to a trace's current list; counters recounted.
    Counters c;
    std::map<std::string, int64_t> last_seq;
    Status st = scan_keys(db, "o/", [&](const std::string& k) {
      std::string hex = k.substr(2);
      c.object_count++;
      if (!checked_objects.count(hex)) {
        rep.objects_checked++;
        auto bytes = reader.get(k);
        if (!bytes.ok() || !bytes->has_value() || sha256_hex(**bytes) != hex)
          error("OBJECT_CORRUPT", "", k, "object sha256:" + hex + " does not match its content (not referenced by any trace)");
        else
          c.object_bytes += static_cast<int64_t>((*bytes)->size());
      }
      return true;
    });
    if (!st.ok()) error("BUCKET_CORRUPT", "", "o/", st.error().message);
    (void)scan_prefix(db, "g/", [&](const std::string& k, const std::string& v) {
      auto gj = parse_json(v, k);
      std::string tid = trace_of_key(k, 2);
      if (gj.ok()) {
        c.generation_count++;
        c.acc_generations = xor_hex(c.acc_generations, generation_element(tid, gj->value("generation", 0), gj->value("record_hash", "")));
      }
      return true;
    });
    (void)scan_prefix(db, "r/", [&](const std::string& k, const std::string& v) {
      auto rj = parse_json(v, k);
      if (rj.ok()) {
        c.trace_count++;
        c.acc_records = xor_hex(c.acc_records, record_element(k.substr(2), rj->value("record_hash", ""), rj->value("generation", 0),
                                                              rj->value("project_slug", "")));
      }
      return true;
    });
    (void)fold_events(db, c, last_seq);
    for (const auto& [tid, seq] : last_seq) {
      auto v = reader.get(keys::event_seq(tid));
      if (!v.ok() || !v->has_value() || std::atoll((*v)->c_str()) < seq)
        error("EVENT_SEQ_BEHIND", tid, keys::event_seq(tid), "the stream's last sequence is behind its events");
    }
    std::string last_trace;
    std::optional<json> last_list;
    (void)scan_keys(db, "x/", [&](const std::string& k) {
      std::string tid = k.substr(k.rfind('/') + 1);
      if (tid != last_trace) {
        last_trace = tid;
        auto l = reader.get_json(keys::index_list(tid));
        last_list = l.ok() ? *l : std::nullopt;
      }
      bool listed = last_list && last_list->is_array() &&
                    std::find(last_list->begin(), last_list->end(), json(k)) != last_list->end();
      if (!listed) error("INDEX_DANGLING", tid, k, "index entry not written by the trace's current generation");
      return rep.errors.size() < 1000;
    });
    bool same = c.trace_count == counters->trace_count && c.object_count == counters->object_count &&
                c.generation_count == counters->generation_count && c.event_count == counters->event_count &&
                xor_hex(c.acc_records, "") == xor_hex(counters->acc_records, "") &&
                xor_hex(c.acc_generations, "") == xor_hex(counters->acc_generations, "") &&
                xor_hex(c.acc_events, "") == xor_hex(counters->acc_events, "");
    if (!same) error("MANIFEST_MISMATCH", "", keys::kManifest, "the manifest counters or digest differ from a recount");
  }
  rep.ok = rep.errors.empty();
  return rep;
}

Result<RepairReport> Bucket::rebuild() {
  leveldb::DB* db = impl_->db.get();
  RepairReport rep;
  struct Gen {
    int generation;
    std::string hash, written_at;
  };
  std::map<std::string, std::vector<Gen>> gens;
  OT_TRY_STATUS(scan_prefix(db, "g/", [&](const std::string& k, const std::string& v) {
    auto gj = parse_json(v, k);
    if (gj.ok())
      gens[trace_of_key(k, 2)].push_back({gj->value("generation", 0), gj->value("record_hash", ""), gj->value("written_at", "")});
    return true;
  }));
  // Pointers whose generation entries are gone still name a record worth keeping.
  OT_TRY_STATUS(scan_prefix(db, "r/", [&](const std::string& k, const std::string& v) {
    auto rj = parse_json(v, k);
    std::string tid = k.substr(2);
    if (rj.ok() && !gens.count(tid))
      gens[tid].push_back({std::max(1, rj->value("generation", 1)), rj->value("record_hash", ""), rj->value("written_at", "")});
    return true;
  }));
  std::map<std::string, std::string> projects;  // the slug each trace had
  (void)scan_prefix(db, "r/", [&](const std::string& k, const std::string& v) {
    auto rj = parse_json(v, k);
    if (rj.ok()) projects[k.substr(2)] = rj->value("project_slug", "");
    return true;
  });

  // Derived keys go; objects that fail their hash go too (their generations with them).
  Txn wipe(db);
  size_t n = 0;
  for (const char* prefix : {"r/", "gh/", "k/", "x/", "t/", "g/", "es/", "d/", "dk/"}) {
    OT_TRY_STATUS(scan_keys(db, prefix, [&](const std::string& k) {
      wipe.del(k);
      if (++n % 20000 == 0) (void)wipe.commit(false);
      return true;
    }));
  }
  wipe.del(keys::kManifest);
  Counters c;
  std::set<std::string> good_objects;
  {
    Txn reader(db);
    OT_TRY_STATUS(scan_keys(db, "o/", [&](const std::string& k) {
      rep.objects_checked++;
      auto bytes = reader.get(k);
      std::string hex = k.substr(2);
      if (bytes.ok() && bytes->has_value() && sha256_hex(**bytes) == hex) {
        good_objects.insert(hex);
        c.object_count++;
        c.object_bytes += static_cast<int64_t>((*bytes)->size());
      } else {
        log().warn("bucket repair: dropping damaged object {}", hex);
        wipe.del(k);
        rep.objects_dropped++;
      }
      return true;
    }));
  }
  OT_TRY_STATUS(wipe.commit(true));

  Txn txn(db);
  for (auto& [tid, list] : gens) {
    std::sort(list.begin(), list.end(), [](const Gen& a, const Gen& b) { return a.generation < b.generation; });
    std::optional<json> current;
    const Gen* current_gen = nullptr;
    for (const auto& g : list) {
      std::string hex = hex_of(g.hash);
      if (!good_objects.count(hex)) continue;
      txn.put_json(keys::generation(tid, g.generation), {{"generation", g.generation}, {"record_hash", g.hash}, {"written_at", g.written_at}});
      txn.put(keys::generation_hash(tid, hex), std::to_string(g.generation));
      c.generation_count++;
      c.acc_generations = xor_hex(c.acc_generations, generation_element(tid, g.generation, g.hash));
      if (g.written_at > c.last_ingest_at) c.last_ingest_at = g.written_at;
      current_gen = &g;
    }
    if (!current_gen) {
      rep.traces_lost++;
      rep.lost_traces.push_back(tid);
      continue;
    }
    auto rec = load_object(txn, hex_of(current_gen->hash), tid);
    auto facts = rec.ok() ? extract_facts(*rec, projects[tid]) : Result<RecordFacts>(rec.error());
    if (!facts.ok()) {
      rep.traces_lost++;
      rep.lost_traces.push_back(tid);
      continue;
    }
    auto idx = index_keys(*facts, ms_from_iso(current_gen->written_at).value_or(0));
    for (const auto& k : idx) txn.put(k, "");
    rep.index_keys_written += static_cast<int64_t>(idx.size());
    txn.put_json(keys::index_list(tid), idx);
    txn.put_json(keys::pointer(tid), pointer_row(*facts, current_gen->hash, current_gen->generation, current_gen->written_at));
    if (auto st = write_derived(txn, *rec, *facts); !st.ok()) return st.error();
    c.trace_count++;
    c.acc_records = xor_hex(c.acc_records, record_element(tid, current_gen->hash, current_gen->generation, facts->project));
    c.count_record(facts->project, facts->scanned, facts->syncable, +1);
    rep.traces_rebuilt++;
    if (txn.staged_bytes() > (16 << 20)) OT_TRY_STATUS(txn.commit(false));
  }
  std::map<std::string, int64_t> last_seq;
  OT_TRY_STATUS(fold_events(db, c, last_seq));
  for (const auto& [tid, seq] : last_seq) txn.put(keys::event_seq(tid), std::to_string(seq));
  OT_TRY_STATUS(scan_prefix(db, "a/", [&](const std::string& k, const std::string& v) {
    auto aj = parse_json(v, k);
    if (aj.ok()) {
      c.activity_count++;
      txn.put(keys::activity_time(aj->value("last_activity_ms", int64_t{0}), k.substr(2)), "");
    }
    return true;
  }));
  txn.put_counters(c);
  OT_TRY_STATUS(txn.commit(true));
  log().info("bucket repair: {} traces rebuilt, {} lost, {} objects dropped", rep.traces_rebuilt, rep.traces_lost,
             rep.objects_dropped);
  return rep;
}

Result<RepairReport> repair_bucket(const std::filesystem::path& dir) {
  bool repaired = false;
  auto b = Bucket::open(dir);
  if (!b.ok() && b.error().code != "BUCKET_LOCKED") {
    leveldb::Options lo;
    leveldb::Status s = leveldb::RepairDB(dir.string(), lo);
    if (!s.ok())
      return make_error(ExitCode::kResource, "BUCKET_REPAIR_FAILED", "bucket repair",
                        "LevelDB could not salvage " + dir.string() + ": " + s.ToString(),
                        "restore the bucket from an export (`git opentraces bucket import DIR`)");
    log().warn("bucket repair: leveldb::RepairDB salvaged {}", dir.string());
    repaired = true;
    b = Bucket::open(dir);
  }
  if (!b.ok()) return b.error();
  auto rep = (*b)->rebuild();
  if (rep.ok()) rep->storage_repaired = repaired;
  return rep;
}

json PruneReport::to_json() const {
  return {{"applied", applied}, {"objects", objects}, {"object_count", objects.size()}, {"bytes", bytes},
          {"stale_markers", stale_markers}};
}

Result<PruneReport> Bucket::prune(bool apply, const std::filesystem::path& spool) {
  leveldb::DB* db = impl_->db.get();
  PruneReport rep;
  rep.applied = apply;
  std::set<std::string> referenced;
  OT_TRY_STATUS(scan_prefix(db, "g/", [&](const std::string& k, const std::string& v) {
    auto gj = parse_json(v, k);
    if (gj.ok()) referenced.insert(hex_of(gj->value("record_hash", "")));
    return true;
  }));
  Txn txn(db);
  auto c = txn.counters();
  if (!c.ok()) return c.error();
  int64_t kept = 0, kept_bytes = 0;
  OT_TRY_STATUS(scan_prefix(db, "o/", [&](const std::string& k, const std::string& v) {
    std::string hex = k.substr(2);
    if (referenced.count(hex)) {
      kept++;
      kept_bytes += static_cast<int64_t>(v.size());
      return true;
    }
    rep.objects.push_back("sha256:" + hex);
    rep.bytes += static_cast<int64_t>(v.size());
    if (apply) txn.del(k);
    return true;
  }));
  // The scan saw every object: recount rather than trust the counters.
  c->object_count = kept;
  c->object_bytes = kept_bytes;
  OT_TRY_STATUS(scan_keys(db, "s/", [&](const std::string& k) {
    std::error_code ec;
    if (std::filesystem::exists(spool / k.substr(2), ec)) return true;
    rep.stale_markers++;
    if (apply) txn.del(k);
    return true;
  }));
  if (apply && !txn.empty()) {
    txn.put_counters(*c);
    OT_TRY_STATUS(txn.commit(true));
  }
  return rep;
}

}  // namespace ot::bucket
