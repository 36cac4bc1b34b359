#include "engine/bucket/manifest.h"

#include "engine/util/hash.h"

namespace ot::bucket {

namespace {
int hexval(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }
}  // namespace

std::string xor_hex(std::string_view a, std::string_view b) {
  static const char* digits = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < 64; ++i) {
    int x = (i < a.size() ? hexval(a[i]) : 0) ^ (i < b.size() ? hexval(b[i]) : 0);
    out[i] = digits[x & 15];
  }
  return out;
}

std::string record_element(std::string_view trace_id, std::string_view record_hash, int generation,
                           std::string_view project) {
  std::string m = "r";
  m.push_back('\0');
  m.append(trace_id).push_back('\0');
  m.append(record_hash).push_back('\0');
  m.append(std::to_string(generation)).push_back('\0');
  m.append(project);
  return sha256_hex(m);
}

std::string generation_element(std::string_view trace_id, int generation, std::string_view record_hash) {
  std::string m = "g";
  m.push_back('\0');
  m.append(trace_id).push_back('\0');
  m.append(std::to_string(generation)).push_back('\0');
  m.append(record_hash);
  return sha256_hex(m);
}

std::string event_element(std::string_view trace_id, int64_t seq, const json& event) {
  std::string m = "e";
  m.push_back('\0');
  m.append(trace_id).push_back('\0');
  m.append(std::to_string(seq)).push_back('\0');
  m.append(canonical_json(event));
  return sha256_hex(m);
}

void Counters::count_record(const std::string& project, bool scanned, bool syncable, int delta) {
  auto bump = [&](std::map<std::string, int64_t>& m) {
    if ((m[project] += delta) <= 0) m.erase(project);
  };
  bump(projects);
  if (scanned) scanned_count += delta, bump(project_scanned);
  if (syncable) syncable_count += delta, bump(project_syncable);
}

json Counters::to_json() const {
  return json{{"schema_version", kManifestSchema},
              {"trace_count", trace_count},
              {"object_count", object_count},
              {"object_bytes", object_bytes},
              {"generation_count", generation_count},
              {"event_count", event_count},
              {"activity_count", activity_count},
              {"scanned_count", scanned_count},
              {"syncable_count", syncable_count},
              {"projects", projects},
              {"project_scanned", project_scanned},
              {"project_syncable", project_syncable},
              {"last_ingest_at", last_ingest_at},
              {"acc_records", acc_records},
              {"acc_generations", acc_generations},
              {"acc_events", acc_events}};
}

Result<Counters> Counters::from_json(const json& j) {
  try {
    Counters c;
    c.trace_count = j.value("trace_count", int64_t{0});
    c.object_count = j.value("object_count", int64_t{0});
    c.object_bytes = j.value("object_bytes", int64_t{0});
    c.generation_count = j.value("generation_count", int64_t{0});
    c.event_count = j.value("event_count", int64_t{0});
    c.activity_count = j.value("activity_count", int64_t{0});
    c.scanned_count = j.value("scanned_count", int64_t{0});
    c.syncable_count = j.value("syncable_count", int64_t{0});
    if (j.contains("projects")) c.projects = j["projects"].get<std::map<std::string, int64_t>>();
    if (j.contains("project_scanned")) c.project_scanned = j["project_scanned"].get<std::map<std::string, int64_t>>();
    if (j.contains("project_syncable")) c.project_syncable = j["project_syncable"].get<std::map<std::string, int64_t>>();
    c.last_ingest_at = j.value("last_ingest_at", std::string());
    c.acc_records = j.value("acc_records", std::string());
    c.acc_generations = j.value("acc_generations", std::string());
    c.acc_events = j.value("acc_events", std::string());
    return c;
  } catch (const json::exception& e) {
    return make_error(ExitCode::kResource, "MANIFEST_CORRUPT", "bucket",
                      std::string("bucket manifest counters are unreadable: ") + e.what(),
                      "run `git opentraces bucket repair` to rebuild them");
  }
}

std::string bucket_digest(const Counters& c) {
  json view = {{"schema_version", kDigestSchema},
               {"trace_count", c.trace_count},
               {"object_count", c.object_count},
               {"generation_count", c.generation_count},
               {"event_count", c.event_count},
               {"records", xor_hex(c.acc_records, "")},
               {"generations", xor_hex(c.acc_generations, "")},
               {"events", xor_hex(c.acc_events, "")}};
  return json_digest(view);
}

}  // namespace ot::bucket
