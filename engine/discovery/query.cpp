#include "engine/discovery/query.h"

#include <leveldb/db.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "engine/bucket/codec.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/manifest.h"
#include "engine/discovery/fts_index.h"
#include "engine/discovery/fts_pack.h"
#include "engine/discovery/tokenize.h"
#include "engine/util/hash.h"
#include "engine/util/time.h"

namespace ot::discovery {

namespace {

constexpr double kK1 = 1.2, kB = 0.75;

Error usage(std::string code, std::string message, std::string hint) {
  return make_error(ExitCode::kUsage, std::move(code), "trace query", std::move(message), std::move(hint));
}

// Reads at one snapshot, so a query sees one consistent bucket state.
class Reader {
 public:
  explicit Reader(leveldb::DB* db) : db_(db), snap_(db->GetSnapshot()) {
    ro_.snapshot = snap_;
    scan_ro_ = ro_;
    // One process, one pass over each key range: caching the blocks of a long scan only
    // costs a copy and fresh pages per block (the page-faults were a third of a query).
    scan_ro_.fill_cache = false;
  }
  ~Reader() { db_->ReleaseSnapshot(snap_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  int64_t examined = 0;

  // fn(key without `prefix`, raw stored value); keys from `prefix + from` on. fn returns false to stop.
  // A template, not std::function: a posting walk calls fn ~100k times per query.
  template <class Fn>
  Status scan(const std::string& prefix, Fn&& fn, const std::string& from = {}) {
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(scan_ro_));
    for (it->Seek(prefix + from); it->Valid(); it->Next()) {
      leveldb::Slice k = it->key();
      if (k.size() < prefix.size() || std::memcmp(k.data(), prefix.data(), prefix.size()) != 0) break;
      ++examined;
      leveldb::Slice v = it->value();
      if (!fn(std::string_view(k.data() + prefix.size(), k.size() - prefix.size()), std::string_view(v.data(), v.size())))
        break;
    }
    if (!it->status().ok())
      return make_error(ExitCode::kResource, "BUCKET_IO", "trace query", "cannot read the bucket: " + it->status().ToString(),
                        "run `git opentraces bucket verify`");
    return ok_status();
  }

  // Bytes LevelDB estimates for the keys under `prefix` (tables only; enough to order terms).
  uint64_t approximate_size(const std::string& prefix) {
    std::string limit = prefix + "\xff";
    leveldb::Range range(prefix, limit);
    uint64_t size = 0;
    db_->GetApproximateSizes(&range, 1, &size);
    return size;
  }

  Result<std::optional<json>> get_json(const std::string& key) {
    std::string stored;
    leveldb::Status s = db_->Get(ro_, key, &stored);
    if (s.IsNotFound()) return std::optional<json>();
    if (!s.ok())
      return make_error(ExitCode::kResource, "BUCKET_IO", "trace query", "cannot read " + key + ": " + s.ToString(),
                        "run `git opentraces bucket verify`");
    auto plain = bucket::decode_value(stored, key);
    if (!plain.ok()) return plain.error();
    auto j = parse_json(*plain, key);
    if (!j.ok()) return j.error();
    return std::optional<json>(std::move(j).value());
  }

 private:
  leveldb::DB* db_;
  const leveldb::Snapshot* snap_;
  leveldb::ReadOptions ro_, scan_ro_;
};

// Values of the derived keys are tiny and stored raw; fall back to the codec otherwise.
std::optional<std::string> plain_value(std::string_view stored) {
  auto v = fts_value(stored, "d/fts");
  if (!v.ok()) return std::nullopt;
  return std::move(v).value();
}

// Trace ids copied out of LevelDB keys, back to back in fixed blocks, so a query over
// 100k postings makes a few allocations instead of one std::string per hit; views into
// it stay valid for the whole query.
class Arena {
 public:
  std::string_view add(std::string_view s) {
    if (blocks_.empty() || used_ + s.size() > cap_) {
      cap_ = std::max<size_t>(kBlock, s.size());
      blocks_.push_back(std::make_unique<char[]>(cap_));
      used_ = 0;
    }
    char* at = blocks_.back().get() + used_;
    std::memcpy(at, s.data(), s.size());
    used_ += s.size();
    return {at, s.size()};
  }

 private:
  static constexpr size_t kBlock = 1 << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0, cap_ = 0;
};

using Ids = std::vector<std::string_view>;  // sorted, unique (views into the arena)

void sort_unique(Ids& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

// Trace ids under `prefix` whose remaining key is exactly a trace id (no further '/').
Result<Ids> ids_under(Reader& r, Arena& arena, const std::string& prefix, bool last_component = false) {
  Ids out;
  OT_TRY_STATUS(r.scan(prefix, [&](std::string_view rest, std::string_view) {
    size_t slash = rest.rfind('/');
    if (slash == std::string_view::npos) out.push_back(arena.add(rest));
    else if (last_component) out.push_back(arena.add(rest.substr(slash + 1)));
    return true;
  }));
  sort_unique(out);
  return out;
}

// Finds ids of a sorted sequence in increasing order: gallops forward from the last hit,
// so walking two sorted lists costs about their merge, not a binary search per id.
template <class T, class Key>
class Cursor {
 public:
  Cursor(const std::vector<T>& v, Key key) : v_(v), key_(key) {}
  const T* find(std::string_view id) {
    size_t step = 1, lo = pos_, hi = pos_;
    while (hi < v_.size() && key_(v_[hi]) < id) {
      lo = hi + 1;
      hi += step;
      step *= 2;
    }
    hi = std::min(hi, v_.size());
    auto it = std::lower_bound(v_.begin() + static_cast<std::ptrdiff_t>(lo), v_.begin() + static_cast<std::ptrdiff_t>(hi), id,
                               [&](const T& e, std::string_view v) { return key_(e) < v; });
    pos_ = static_cast<size_t>(it - v_.begin());
    return pos_ < v_.size() && key_(v_[pos_]) == id ? &v_[pos_] : nullptr;
  }

 private:
  const std::vector<T>& v_;
  Key key_;
  size_t pos_ = 0;
};
template <class T, class Key>
Cursor(const std::vector<T>&, Key) -> Cursor<T, Key>;

// One trace's posting of a term, reduced to what ranking needs: the term's BM25F weighted
// frequency (the page re-reads the few postings it explains field by field). 24 bytes, not a
// whole Posting: a common term keeps tens of thousands of these and fresh pages cost time.
struct Hit {
  std::string_view id;
  std::string_view posting;  // encoded (decode_posting), in the arena: the page explains it
  double weight;
};

struct TermList {
  std::string term;
  int64_t df = 0;         // traces holding the term (all of them, for the idf)
  std::vector<Hit> hits;  // sorted by trace id (key order); only traces holding every term read before it
};

struct Timed {
  std::string_view id;
  int64_t ms;
};

struct Candidate {
  std::string_view id;
  double score = 0;
  int64_t time_ms = 0;
  bool superseded = false;
};

// BM25F: a term's weighted frequency in one trace (each field's tf, length-normalised and
// weighted), then saturated and scaled by the term's idf. `contrib` gets the per-field parts.
double term_weight(const Posting& p, const std::array<double, kFieldCount>& avg,
                   std::array<double, kFieldCount>* contrib = nullptr) {
  double tfw = 0;
  for (int f = 0; f < kFieldCount; ++f) {
    if (!p.tf[f]) continue;
    double norm = 1.0 - kB + kB * static_cast<double>(p.len[f]) / avg[f];
    double c = field_weight(f) * p.tf[f] / norm;
    if (contrib) (*contrib)[f] = c;
    tfw += c;
  }
  return tfw;
}
double saturate(double idf, double tfw) { return tfw <= 0 ? 0.0 : idf * tfw * (kK1 + 1.0) / (kK1 + tfw); }

// The page's explanation of one candidate: per-field parts of its score and matched terms.
struct ScoreDetail {
  std::array<double, kFieldCount> parts{};
  std::map<int, std::vector<std::string>> matched;  // field → terms
};
void explain(const std::string& term, const Posting& p, double idf, const std::array<double, kFieldCount>& avg,
             ScoreDetail& detail) {
  std::array<double, kFieldCount> contrib{};
  double tfw = term_weight(p, avg, &contrib);
  for (int f = 0; f < kFieldCount; ++f)
    if (p.tf[f]) detail.matched[f].push_back(term);
  if (tfw <= 0) return;
  double s = saturate(idf, tfw);
  for (int f = 0; f < kFieldCount; ++f) detail.parts[f] += s * contrib[f] / tfw;
}

std::string fingerprint(const QueryOptions& o, const std::vector<std::string>& tokens) {
  json j = {{"t", tokens},
            {"s", o.since_ms ? json(*o.since_ms) : json()},
            {"p", o.project.value_or("")},
            {"a", o.agent.value_or("")},
            {"m", o.model.value_or("")},
            {"to", o.tool.value_or("")},
            {"sk", o.skill.value_or("")},
            {"f", o.files.value_or("")},
            {"fo", o.file_op.value_or("")},
            {"c", o.committed ? json(*o.committed) : json()},
            {"su", o.success ? json(*o.success) : json()},
            {"so", o.sort},
            {"i", o.include_superseded}};
  return sha256_hex(canonical_json(j)).substr(0, 12);
}

Result<size_t> page_offset(const std::string& token, const std::string& fp) {
  if (token.empty()) return size_t{0};
  size_t dot = token.find('.');
  auto bad = [] {
    return usage("INVALID_PAGE_TOKEN", "the --page-token value is not one this query gave out",
                 "repeat the query with the same terms and filters, or start again without --page-token");
  };
  if (dot == std::string::npos || dot == 0 || token.substr(dot + 1) != fp) return bad();
  std::string num = token.substr(0, dot);
  if (num.find_first_not_of("0123456789") != std::string::npos || num.size() > 9) return bad();
  return static_cast<size_t>(std::stoul(num));
}

double round4(double v) { return std::round(v * 10000.0) / 10000.0; }

std::string since_text(int64_t ms) { return iso_from_ms(ms); }

}  // namespace

Result<ordered_json> run_query(const bucket::Bucket& bucket, const QueryOptions& o) {
  auto started = std::chrono::steady_clock::now();
  Reader r(bucket.db_for_reading());

  // Validate before reading anything.
  std::vector<std::string> tokens;
  for (const auto& t : o.terms)
    for (auto& tok : tokenize(t))
      if (std::find(tokens.begin(), tokens.end(), tok) == tokens.end()) tokens.push_back(std::move(tok));
  if (!o.terms.empty() && tokens.empty())
    return usage("QUERY_TERMS_EMPTY", "no searchable word in the query terms (words shorter than 2 letters, stopwords and hex ids are not indexed)",
                 "search for a more specific word, e.g. a function or file name");
  std::string sort = o.sort.empty() ? (tokens.empty() ? "recency" : "relevance") : o.sort;
  if (sort != "relevance" && sort != "time" && sort != "recency")
    return usage("INVALID_SORT", "--sort must be relevance, time or recency (got \"" + o.sort + "\")", "e.g. --sort recency");
  if (o.file_op && *o.file_op != "edit" && *o.file_op != "read")
    return usage("INVALID_FILE_OP", "--file-op must be edit or read (got \"" + *o.file_op + "\")", "e.g. --file-op edit");
  if (o.limit < 1 || o.limit > 1000)
    return usage("INVALID_LIMIT", "--limit must be between 1 and 1000", "e.g. --limit 20");
  if (!o.signals.empty())
    return make_error(ExitCode::kNotImplemented, "SIGNALS_NOT_INDEXED", "trace query",
                      "--signal needs run-intel signals (resteer, failure, recovery, loop) in the search index, and the bucket does not index them yet",
                      "see one trace's signals with `git opentraces trace get <trace> --run-intel`");
  bool any_filter = o.since_ms || o.project || o.agent || o.model || o.tool || o.skill || o.files || o.file_op ||
                    o.committed || o.success;
  if (tokens.empty() && !any_filter)
    return make_error(ExitCode::kResource, "QUERY_EMPTY", "trace query", "give search terms or at least one filter",
                      "e.g. `git opentraces trace query divide zero` or `git opentraces trace query --since 7d`");
  std::string fp = fingerprint(o, tokens);
  auto offset = page_offset(o.page_token, fp);
  if (!offset.ok()) return offset.error();

  // Index health: version and coverage.
  auto stats_j = r.get_json(fts_keys::kStats);
  if (!stats_j.ok()) return stats_j.error();
  auto manifest = r.get_json(bucket::keys::kManifest);
  if (!manifest.ok()) return manifest.error();
  int64_t bucket_traces = 0;
  if (manifest->has_value())
    if (auto c = bucket::Counters::from_json(**manifest); c.ok()) bucket_traces = c->trace_count;
  IndexStats stats = stats_j->has_value() ? IndexStats::from_json(**stats_j) : IndexStats{};
  if (!stats_j->has_value() && bucket_traces > 0)
    return make_error(ExitCode::kResource, "INDEX_MISSING", "trace query",
                      "the bucket holds " + std::to_string(bucket_traces) + " traces but no search index (they were stored before the index existed)",
                      "run `git opentraces trace index rebuild` once");
  if (stats_j->has_value() && !index_version_readable(stats.version))
    return make_error(ExitCode::kResource, "INDEX_OUTDATED", "trace query",
                      "the search index was built by version " + std::to_string(stats.version) + " of the indexer; this build needs version " +
                          std::to_string(kIndexVersion),
                      "run `git opentraces trace index rebuild`");

  Arena arena;
  // Filter sets (each sorted).
  std::vector<Ids> filters;
  auto add_index = [&](const char* index, const std::optional<std::string>& value) -> Status {
    if (!value) return ok_status();
    auto ids = ids_under(r, arena, bucket::keys::index_prefix(index, *value));
    if (!ids.ok()) return ids.error();
    filters.push_back(std::move(ids).value());
    return ok_status();
  };
  OT_TRY_STATUS(add_index("project", o.project));
  OT_TRY_STATUS(add_index("agent", o.agent));
  OT_TRY_STATUS(add_index("model", o.model));
  OT_TRY_STATUS(add_index("tool", o.tool));
  OT_TRY_STATUS(add_index("skill", o.skill));
  if (o.files || o.file_op) {
    Ids ids;
    std::string path = o.files ? normalize_path(*o.files, "") : std::string();
    while (!path.empty() && path.back() == '/') path.pop_back();
    for (const char* op : {"edit", "read"}) {
      if (o.file_op && *o.file_op != op) continue;
      std::string prefix = fts_keys::file_op_prefix(op) + (path.empty() ? "" : path + "/");
      auto part = ids_under(r, arena, prefix, true);
      if (!part.ok()) return part.error();
      ids.insert(ids.end(), part->begin(), part->end());
    }
    sort_unique(ids);
    filters.push_back(std::move(ids));
  }
  auto add_status = [&](const char* facet, const std::optional<bool>& v) -> Status {
    if (!v) return ok_status();
    auto ids = ids_under(r, arena, fts_keys::status_prefix(facet, *v ? "true" : "false"));
    if (!ids.ok()) return ids.error();
    filters.push_back(std::move(ids).value());
    return ok_status();
  };
  OT_TRY_STATUS(add_status("committed", o.committed));
  OT_TRY_STATUS(add_status("success", o.success));

  // Start times from x/time/<ms13>/<trace> (start, else written): the --since range, and
  // every trace when the order needs times. Sorted by trace id, like every other set.
  bool need_times = o.since_ms || sort != "relevance" || tokens.empty();
  std::vector<Timed> times;
  if (need_times) {
    std::string from = o.since_ms ? bucket::keys::pad(*o.since_ms, 13) : std::string();
    OT_TRY_STATUS(r.scan("x/time/", [&](std::string_view rest, std::string_view) {
      if (rest.size() < 15 || rest[13] != '/') return true;
      int64_t ms = 0;
      for (size_t i = 0; i < 13; ++i) ms = ms * 10 + (rest[i] - '0');
      times.push_back({arena.add(rest.substr(14)), ms});
      return true;
    }, from));
    // One entry per trace; should a trace ever hold two, the earliest time wins.
    std::stable_sort(times.begin(), times.end(), [](const Timed& a, const Timed& b) { return a.id < b.id; });
    times.erase(std::unique(times.begin(), times.end(), [](const Timed& a, const Timed& b) { return a.id == b.id; }),
                times.end());
  }

  // BM25F corpus figures: average field lengths (the idf needs each term's df, below).
  double n_docs = static_cast<double>(std::max<int64_t>(stats.docs, 1));
  std::array<double, kFieldCount> avg{};
  for (int f = 0; f < kFieldCount; ++f) avg[f] = stats.docs > 0 && stats.len[f] > 0 ? static_cast<double>(stats.len[f]) / n_docs : 1.0;

  // Postings of each query token, in key order = trace id order; only these terms' keys are
  // read. The rarest term (by LevelDB's size estimate) is read first and kept whole; each
  // later term is only counted (its idf needs every posting) and keeps the postings of
  // traces that survived the terms before it, so a common word costs a key walk, not a copy.
  std::vector<TermList> lists(tokens.size());
  {
    std::vector<size_t> order(tokens.size());
    std::vector<uint64_t> est(tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i) order[i] = i, est[i] = r.approximate_size(fts_keys::posting_prefix(tokens[i]));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return est[a] < est[b]; });
    // Packed entries of re-indexed or removed traces are void (fts_pack.h); usually none.
    std::map<std::string, int64_t, std::less<>> gone;
    if (stats.segment > 0)
      OT_TRY_STATUS(r.scan(fts_keys::kGonePrefix, [&](std::string_view trace, std::string_view v) {
        auto p = plain_value(v);
        gone.emplace(std::string(trace), p ? std::atoll(p->c_str()) : 0);
        return true;
      }));
    auto is_void = [&](std::string_view trace, int64_t segment) {
      if (gone.empty()) return false;
      auto it = gone.find(trace);
      return it != gone.end() && segment < it->second;
    };

    std::vector<std::string_view> survivors;
    bool first = true;
    auto hit_view = [](std::string_view v) { return v; };
    using Keep = Cursor<std::string_view, decltype(hit_view)>;
    for (size_t i : order) {
      TermList& tl = lists[i];
      tl.term = tokens[i];
      // One posting: every one counts for the idf; only those kept are decoded (a common
      // later term is mostly traces an earlier term already ruled out). The views die with the
      // iterator's position: what is kept is copied into the arena.
      auto consider = [&](Keep& keep, std::string_view trace, std::string_view posting) {
        ++tl.df;
        const std::string_view* id = first ? nullptr : keep.find(trace);
        if (!first && id == nullptr) return;
        auto p = decode_posting(posting);
        if (!p) return;
        tl.hits.push_back({first ? arena.add(trace) : *id, arena.add(posting), term_weight(*p, avg)});
      };
      // Reserved, not grown: a grown vector is copied into fresh pages at each doubling, and
      // page faults were a fifth of a query. Untouched reserved pages cost nothing.
      tl.hits.reserve(first ? static_cast<size_t>(std::clamp<int64_t>(stats.docs, 0, 1 << 24)) : survivors.size());
      // Sources, each sorted by trace id: every packed segment, then the loose keys.
      int sources = 0;
      if (stats.segment > 0) {
        std::optional<Keep> keep;
        int64_t segment = -1;
        bool bad = false;
        OT_TRY_STATUS(r.scan(fts_keys::packed_prefix(tl.term), [&](std::string_view rest, std::string_view v) {
          int64_t n = packed_segment_of(rest);
          if (n < 0) return true;
          if (n != segment) segment = n, keep.emplace(survivors, hit_view), ++sources;
          // Entries are read in place; only the kept ones are copied (into the arena).
          auto each = [&](std::string_view trace, std::string_view posting) {
            if (!is_void(trace, segment)) consider(*keep, trace, posting);
          };
          if (!v.empty() && v[0] == bucket::kRawFlag) {
            bad |= !for_each_packed_entry(v.substr(1), each);
          } else if (auto chunk = plain_value(v)) {
            bad |= !for_each_packed_entry(*chunk, each);
          }
          return true;
        }));
        if (bad)
          return make_error(ExitCode::kResource, "INDEX_CORRUPT", "trace query", "a packed posting chunk of \"" + tl.term + "\" is malformed",
                            "run `git opentraces trace index rebuild`");
      }
      {
        Keep keep(survivors, hit_view);
        bool any = false;
        OT_TRY_STATUS(r.scan(fts_keys::posting_prefix(tl.term), [&](std::string_view trace, std::string_view v) {
          any = true;
          if (!v.empty() && v[0] == bucket::kRawFlag) {
            consider(keep, trace, v.substr(1));
          } else if (auto d = plain_value(v)) {
            consider(keep, trace, *d);
          }
          return true;
        }));
        sources += any;
      }
      // A trace's valid posting is in exactly one source; several sources interleave ids.
      if (sources > 1)
        std::sort(tl.hits.begin(), tl.hits.end(), [](const Hit& a, const Hit& b) { return a.id < b.id; });
      survivors.clear();
      survivors.reserve(tl.hits.size());
      for (const auto& h : tl.hits) survivors.push_back(h.id);
      first = false;
    }
  }
  std::vector<double> idf;
  for (const auto& l : lists) {
    double df = static_cast<double>(l.df);
    idf.push_back(std::log(1.0 + (std::max(n_docs, df) - df + 0.5) / (df + 0.5)));
  }

  // Superseded traces: several traces of one session; the newest start is the latest.
  std::set<std::string, std::less<>> superseded;
  {
    std::map<std::string, std::vector<std::pair<int64_t, std::string>>> sessions;
    OT_TRY_STATUS(r.scan(fts_keys::kSessionPrefix, [&](std::string_view rest, std::string_view v) {
      size_t slash = rest.rfind('/');
      if (slash == std::string_view::npos) return true;
      auto plain = plain_value(v);
      int64_t ms = plain ? std::atoll(plain->c_str()) : 0;
      sessions[std::string(rest.substr(0, slash))].emplace_back(ms, std::string(rest.substr(slash + 1)));
      return true;
    }));
    for (auto& [session, members] : sessions) {
      auto own = r.get_json(fts_keys::doc(session));  // the trace named like the session, if stored
      if (!own.ok()) return own.error();
      if (own->has_value()) members.emplace_back((*own)->value("start_ms", int64_t{0}), session);
      if (members.size() < 2) continue;
      std::sort(members.begin(), members.end());
      for (size_t i = 0; i + 1 < members.size(); ++i) superseded.insert(members[i].second);
    }
  }

  // Candidates: the smallest set, narrowed by every other set (AND of terms and filters),
  // walked in trace id order so each other set is a forward merge; scored (BM25F) on the way.
  std::vector<Candidate> cands;
  {
    enum Kind { kNone, kFilter, kTerm, kTime } kind = kNone;
    size_t which = 0, best = 0;
    auto consider = [&](Kind k, size_t i, size_t n) {
      if (kind == kNone || n < best) kind = k, which = i, best = n;
    };
    for (size_t i = 0; i < lists.size(); ++i) consider(kTerm, i, lists[i].hits.size());
    for (size_t i = 0; i < filters.size(); ++i) consider(kFilter, i, filters[i].size());
    if (o.since_ms) consider(kTime, 0, times.size());

    std::vector<std::string_view> seed;
    if (kind == kTerm) {
      seed.reserve(lists[which].hits.size());
      for (const auto& h : lists[which].hits) seed.push_back(h.id);
    } else if (kind == kFilter) {
      seed = filters[which];
    } else if (kind == kTime) {
      seed.reserve(times.size());
      for (const auto& t : times) seed.push_back(t.id);
    }

    auto view = [](std::string_view v) { return v; };
    std::vector<Cursor<std::string_view, decltype(view)>> fcur;
    for (const auto& f : filters) fcur.emplace_back(f, view);
    auto hit_id = [](const Hit& h) { return h.id; };
    std::vector<Cursor<Hit, decltype(hit_id)>> tcur;
    for (const auto& l : lists) tcur.emplace_back(l.hits, hit_id);
    auto timed_id = [](const Timed& t) { return t.id; };
    Cursor time_cur(times, timed_id);

    cands.reserve(seed.size());
    for (std::string_view id : seed) {
      bool ok = true;
      for (size_t i = 0; ok && i < fcur.size(); ++i)
        if (!(kind == kFilter && i == which)) ok = fcur[i].find(id) != nullptr;
      const Timed* t = nullptr;
      if (ok && need_times) {
        t = time_cur.find(id);
        if (o.since_ms && !t) ok = false;
      }
      double score = 0;
      for (size_t i = 0; ok && i < tcur.size(); ++i) {
        const Hit* h = tcur[i].find(id);
        if (h) score += saturate(idf[i], h->weight);
        ok = h != nullptr;
      }
      if (!ok) continue;
      bool sup = !superseded.empty() && superseded.count(id) > 0;
      if (sup && !o.include_superseded) continue;
      Candidate c;
      c.id = id;
      c.superseded = sup;
      c.score = score;
      if (t) c.time_ms = t->ms;
      cands.push_back(c);
    }
  }
  // Only the requested page needs its order settled: partial sort up to the page's end.
  std::function<bool(const Candidate&, const Candidate&)> before;
  if (sort == "relevance" && !tokens.empty()) {
    before = [](const Candidate& a, const Candidate& b) {
      double sa = round4(a.score), sb = round4(b.score);
      return sa != sb ? sa > sb : a.id < b.id;
    };
  } else if (sort == "time") {
    before = [](const Candidate& a, const Candidate& b) { return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.id < b.id; };
  } else {  // recency (and relevance without text: every score is 0, newest first)
    before = [](const Candidate& a, const Candidate& b) { return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.id < b.id; };
  }
  size_t start = std::min(*offset, cands.size());
  size_t end = std::min(cands.size(), start + static_cast<size_t>(o.limit));
  std::partial_sort(cands.begin(), cands.begin() + static_cast<std::ptrdiff_t>(end), cands.end(), before);

  // The page, hydrated from the list row and the search document.
  ordered_json candidates = ordered_json::array();
  int hydrated = 0;
  for (size_t i = start; i < end; ++i) {
    const Candidate& c = cands[i];
    const std::string id(c.id);
    ScoreDetail detail;
    for (size_t t = 0; t < lists.size(); ++t) {
      const auto& hits = lists[t].hits;
      auto h = std::lower_bound(hits.begin(), hits.end(), c.id, [](const Hit& a, std::string_view id) { return a.id < id; });
      if (h == hits.end() || h->id != c.id) continue;
      if (auto p = decode_posting(h->posting)) explain(lists[t].term, *p, idf[t], avg, detail);
    }
    auto row_r = r.get_json(bucket::keys::pointer(id));
    if (!row_r.ok()) return row_r.error();
    auto doc_r = r.get_json(fts_keys::doc(id));
    if (!doc_r.ok()) return doc_r.error();
    json row = row_r->value_or(json::object());
    json doc = doc_r->value_or(json::object());
    ++hydrated;

    json matched = json::object();
    json parts = json::object();
    std::string explanation;
    if (!tokens.empty()) {
      for (const auto& [f, terms] : detail.matched) {
        matched[field_name(f)] = terms;
        parts[field_name(f)] = round4(detail.parts[f]);
      }
      std::vector<std::string> per_term;
      for (const auto& t : tokens) {
        std::vector<std::string> where;
        for (const auto& [f, terms] : detail.matched)
          if (std::find(terms.begin(), terms.end(), t) != terms.end()) where.push_back(field_name(f));
        std::string s = "\"" + t + "\" in ";
        for (size_t k = 0; k < where.size(); ++k) s += (k ? ", " : "") + where[k];
        per_term.push_back(s);
      }
      explanation = "matched every term: ";
      for (size_t k = 0; k < per_term.size(); ++k) explanation += (k ? "; " : "") + per_term[k];
    } else {
      explanation = "matched the filters";
    }
    std::vector<std::string> filt;
    if (o.since_ms) filt.push_back("started at or after " + since_text(*o.since_ms));
    const std::pair<const char*, const std::optional<std::string>*> named[] = {
        {"project", &o.project}, {"agent", &o.agent}, {"model", &o.model}, {"tool", &o.tool},
        {"skill", &o.skill},     {"files", &o.files}, {"file_op", &o.file_op}};
    for (const auto& [name, v] : named)
      if (*v) filt.push_back(std::string(name) + "=" + **v);
    if (o.committed) filt.push_back(*o.committed ? "committed" : "uncommitted");
    if (o.success) filt.push_back(*o.success ? "success" : "no success");
    if (!filt.empty()) {
      explanation += tokens.empty() ? ": " : "; filters: ";
      for (size_t k = 0; k < filt.size(); ++k) explanation += (k ? ", " : "") + filt[k];
    }

    json success = doc.contains("success") ? doc["success"] : json();
    bool committed = doc.value("committed", false);
    json facets = json::array();
    if (!row.value("agent_name", "").empty()) facets.push_back("agent:" + row.value("agent_name", ""));
    if (!row.value("agent_model", "").empty()) facets.push_back("model:" + row.value("agent_model", ""));
    facets.push_back("project:" + row.value("project_slug", ""));
    facets.push_back(std::string("committed:") + (committed ? "true" : "false"));
    facets.push_back(std::string("success:") + (success.is_boolean() ? (success.get<bool>() ? "true" : "false") : "unknown"));
    json trail_refs = json::array();
    for (const auto& sha : doc.value("commits", json::array()))
      if (sha.is_string()) trail_refs.push_back("ot://repo/local/git/commit/sha1/" + sha.get<std::string>());
    std::string title = row.value("title", "");
    if (title.empty()) title = doc.value("intent", "");
    title = utf8_prefix(title, 120);

    ordered_json packet;
    packet["unit_id"] = "tu:" + id + ":trace";
    packet["unit_type"] = "trace";
    packet["trace_id"] = id;
    packet["project_slug"] = row.value("project_slug", "");
    packet["title"] = title;
    packet["intent_preview"] = doc.value("intent", "");
    packet["candidate_kind"] = "trace";
    packet["match_explanation"] = explanation;
    packet["score"] = round4(c.score);
    packet["score_parts"] = parts;
    packet["matched_fields"] = matched;
    packet["facets"] = facets;
    packet["signals"] = json::array();
    packet["skills"] = doc.value("skills", json::array());
    packet["files"] = doc.value("files", json::array());
    packet["test_commands"] = doc.value("test_commands", json::array());
    packet["trail_refs"] = trail_refs;
    packet["map_ref"] = "ot://trace/" + id + "/map";
    packet["map_node_refs"] = json::array();
    packet["refs"] = {{"trace", "ot://trace/" + id}, {"map", "ot://trace/" + id + "/map"}, {"card", "ot://trace/" + id + "/card"}};
    packet["slice_preview"] = nullptr;
    packet["limitations"] = json::array({"signals are not indexed yet: see `trace get " + id + " --run-intel`"});
    packet["metadata"] = {{"agent", row.value("agent_name", "")},
                          {"model", row.value("agent_model", "")},
                          {"timestamp_start", row.contains("timestamp_start") ? row["timestamp_start"] : json()},
                          {"generation", row.value("generation", 0)},
                          {"superseded", c.superseded},
                          {"session_id", doc.value("session_id", "")},
                          {"step_count", row.value("step_count", 0)},
                          {"files_count", doc.value("files_count", 0)},
                          {"success", success},
                          {"committed", committed},
                          {"cwd", row.value("cwd", "")}};
    candidates.push_back(packet);
  }

  ordered_json out;
  out["source"] = "index";
  out["sort"] = sort;
  ordered_json q;
  q["terms"] = tokens;
  q["since"] = o.since_ms ? json(since_text(*o.since_ms)) : json();
  out["query"] = q;
  out["total"] = cands.size();
  out["total_returned"] = candidates.size();
  out["limit"] = o.limit;
  bool more = end < cands.size();
  out["next_page_token"] = more ? json(std::to_string(end) + "." + fp) : json();
  out["has_more"] = more;
  out["candidates"] = candidates;
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  out["search_diagnostics"] = {{"used_search_snapshot", false}, {"used_fts", !tokens.empty()},
                               {"rows_examined", r.examined}, {"hits_returned", candidates.size()},
                               {"hydrated_count", hydrated}, {"raw_trace_scan", false},
                               {"wrote_to_index", false}, {"rebuilt_index", false},
                               {"elapsed_ms", std::round(ms * 100) / 100}};
  bool stale = stats.docs != bucket_traces;
  out["freshness"] = {{"stale", stale},
                      {"stale_reason", stale ? json("the index covers " + std::to_string(stats.docs) + " of " +
                                                    std::to_string(bucket_traces) + " traces") : json()},
                      {"indexed_traces", stats.docs},
                      {"bucket_traces", bucket_traces},
                      {"index_version", stats.docs || stats_j->has_value() ? stats.version : kIndexVersion},
                      {"rebuild_recommended", stale}};
  return out;
}

}  // namespace ot::discovery
