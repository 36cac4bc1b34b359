// The bucket's LevelDB key space (DESIGN.md "The bucket"). Every key starts with a
// short prefix; numbers are zero-padded so byte order is numeric order.
//
//   o/<sha256hex>                 immutable object (canonical record JSON), content-addressed
//   r/<trace>                     current-record pointer = the trace's list row
//   g/<trace>/<gen8>              generation history {generation, record_hash, written_at}
//   gh/<trace>/<sha256hex>        generation number of a record hash (dedup of re-ingests)
//   k/<trace>                     the secondary-index keys written for the current generation
//   x/<index>/<value>/<trace>     secondary indexes (time, written, project, agent, model,
//                                 file, tool, skill, commit)
//   e/<trace>/<seq12>             event stream of a trace, in order
//   es/<trace>                    last assigned event sequence of a trace
//   a/<trace>                     activity {agent, cwd, last_activity_ms}
//   t/<ms13>/<trace>              activity time index
//   p/<trace>/<patch id>          a trace_patch_created event exists for this patch
//   s/<spool file name>           spool item applied (idempotent drain)
//   m/manifest                    counters and digest accumulators (O(1) status)
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ot::bucket::keys {

inline std::string pad(int64_t n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(n < 0 ? 0 : n));
  return buf;
}

inline std::string cat(std::string_view a, std::string_view b) {
  std::string s(a);
  s.append(b);
  return s;
}

inline std::string object(std::string_view hex) { return cat("o/", hex); }
inline std::string pointer(std::string_view trace) { return cat("r/", trace); }
inline std::string generation_prefix(std::string_view trace) { return "g/" + std::string(trace) + "/"; }
inline std::string generation(std::string_view trace, int gen) { return generation_prefix(trace) + pad(gen, 8); }
inline std::string generation_hash(std::string_view trace, std::string_view hex) {
  return "gh/" + std::string(trace) + "/" + std::string(hex);
}
inline std::string index_list(std::string_view trace) { return cat("k/", trace); }
inline std::string index_prefix(std::string_view index, std::string_view value) {
  return "x/" + std::string(index) + "/" + std::string(value) + "/";
}
inline std::string index(std::string_view index, std::string_view value, std::string_view trace) {
  return index_prefix(index, value) + std::string(trace);
}
inline std::string event_prefix(std::string_view trace) { return "e/" + std::string(trace) + "/"; }
inline std::string event(std::string_view trace, int64_t seq) { return event_prefix(trace) + pad(seq, 12); }
inline std::string event_seq(std::string_view trace) { return cat("es/", trace); }
inline std::string activity(std::string_view trace) { return cat("a/", trace); }
inline std::string activity_time(int64_t ms, std::string_view trace) { return "t/" + pad(ms, 13) + "/" + std::string(trace); }
inline std::string patch_seen(std::string_view trace, std::string_view patch_id) {
  return "p/" + std::string(trace) + "/" + std::string(patch_id);
}
inline std::string spool_done(std::string_view name) { return cat("s/", name); }
inline const std::string kManifest = "m/manifest";

// True when `key` starts with `prefix`.
inline bool has_prefix(std::string_view key, std::string_view prefix) {
  return key.size() >= prefix.size() && key.compare(0, prefix.size(), prefix) == 0;
}

// Smallest key greater than every key with this prefix (prefixes here never end in 0xff).
inline std::string prefix_end(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

}  // namespace ot::bucket::keys
