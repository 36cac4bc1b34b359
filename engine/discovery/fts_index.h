// The full-text index: BM25F postings kept beside every record's current generation
// through the bucket's derived-data extension point (engine/bucket/derived.h), so it is
// written in the same LevelDB transaction as the record and rebuilt by `bucket repair`.
//
// Key space (module "fts"; all per-trace keys are listed in dk/<trace>):
//   d/fts/p/<term>/<trace>            loose posting: which fields hold the term, how often,
//                                     and each such field's length (binary, see Posting);
//                                     written at ingest, one key per term and trace
//   d/fts/P/<term>/<seg10>/<chunk6>   packed postings (fts_pack.h): one segment of a term is
//                                     its postings of many traces, sorted by trace id, in
//                                     chunks of < 4 KB; a query reads a few keys per term
//                                     instead of one per trace
//   d/fts/pk/<trace>                  the trace's postings are packed (not in its dk/ list)
//   d/fts/gone/<trace>                packed postings of this trace in segments numbered
//                                     below the value are void (the trace was re-indexed or
//                                     removed after they were packed)
//   d/fts/doc/<trace>                 the trace's search document summary (JSON): field
//                                     lengths, title, intent preview, files, skills, ...
//   d/fts/fo/<edit|read>/<path>/<trace>  file operations (paths relative to the trace cwd)
//   d/fts/st/<success|committed>/<true|false|unknown>/<trace>   outcome facets
//   d/fts/sess/<session>/<trace>      traces whose session id differs from their trace id
//                                     (value: start ms), for --latest-generation
//   d/fts/stats                       aggregate {version, docs, len[field], loose, segment}:
//                                     corpus size, total field lengths (forget() undoes a
//                                     trace's share), traces with loose postings, next segment
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bucket/facts.h"
#include "engine/bucket/txn.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::discovery {

// Bumped with any change to what is indexed or how (includes the tokenizer version).
// Version 2 added packed postings; a version-1 index (every posting loose) is still read
// as it is, and the first pack makes it version 2 (a version-1 reader would miss packs).
inline constexpr int kIndexVersion = 2;
inline constexpr int kOldestReadableIndexVersion = 1;
inline bool index_version_readable(int v) { return v >= kOldestReadableIndexVersion && v <= kIndexVersion; }

enum Field : int { kPrompt = 0, kAssistant, kToolInput, kFile, kCommit, kFieldCount };
const char* field_name(int field);
// BM25F weight of a match in each field (prompts and paths count most).
double field_weight(int field);

// A term's occurrence in one trace: per field, term frequency and field length (tokens).
struct Posting {
  std::array<uint32_t, kFieldCount> tf{}, len{};
};
std::string encode_posting(const Posting& p);
// A stored d/fts value, decoded: derived values are small and stored raw (one flag byte),
// but fall back to the bucket's codec for anything else. `where` names the key in errors.
Result<std::string> fts_value(std::string_view stored, std::string_view where);
// LEB128 varints (postings and packed segments).
void put_varint(std::string& out, uint32_t v);
bool get_varint(std::string_view& in, uint32_t& v);
std::optional<Posting> decode_posting(std::string_view bytes);

struct IndexStats {
  int version = 0;
  int64_t docs = 0;
  std::array<int64_t, kFieldCount> len{};
  int64_t loose = 0;    // traces whose postings are loose keys (indexed since the last pack)
  int64_t segment = 0;  // the number the next pack gives its segments (0: never packed)
  json to_json() const;
  static IndexStats from_json(const json& j);
};

namespace fts_keys {
inline const std::string kStats = "d/fts/stats";
inline std::string posting_prefix(std::string_view term) { return "d/fts/p/" + std::string(term) + "/"; }
inline std::string doc(std::string_view trace) { return "d/fts/doc/" + std::string(trace); }
inline std::string file_op_prefix(std::string_view op) { return "d/fts/fo/" + std::string(op) + "/"; }
inline std::string status_prefix(std::string_view facet, std::string_view value) {
  return "d/fts/st/" + std::string(facet) + "/" + std::string(value) + "/";
}
inline const std::string kSessionPrefix = "d/fts/sess/";
inline const std::string kLoosePrefix = "d/fts/p/";
inline const std::string kPackedPrefix = "d/fts/P/";
inline std::string packed_prefix(std::string_view term) { return kPackedPrefix + std::string(term) + "/"; }
inline const std::string kPackedMarkPrefix = "d/fts/pk/";
inline const std::string kGonePrefix = "d/fts/gone/";
}  // namespace fts_keys

// The text of a record, split per field (what the index tokenizes), plus the facets.
struct SearchDocument {
  std::array<std::string, kFieldCount> text;
  std::vector<std::string> edited, read;  // normalised file paths
  std::optional<bool> success;
  bool committed = false;
  std::string intent;                     // first user prompt, shortened
  std::vector<std::string> test_commands;
};
SearchDocument search_document(const json& record, const bucket::RecordFacts& facts);

// At most `n` bytes of `s`, never cutting a UTF-8 sequence (JSON output needs whole ones).
std::string utf8_prefix(std::string_view s, size_t n);

// Path as indexed: relative to `cwd` when under it, "./" dropped, at most 512 bytes.
std::string normalize_path(std::string_view path, std::string_view cwd);

// The derived writer (registered in engine/bucket/derived.cpp).
Status fts_forget(bucket::Txn& txn, std::string_view trace_id);
// Stats as stored (a fresh index's when absent).
Result<IndexStats> read_index_stats(bucket::Txn& txn);
Status fts_index(bucket::Txn& txn, const json& record, const bucket::RecordFacts& facts,
                 std::vector<std::string>& owned);

}  // namespace ot::discovery
