// `trace query`: full-text (BM25F over the fts postings) and faceted search over the
// bucket's current records, answered from indexes only — the bucket's secondary indexes
// (x/...) for time and facets, the fts derived keys (fts_index.h) for text and outcome
// facets. Records are never loaded; a page of candidates is hydrated from the list row
// (r/<trace>) and the search document (d/fts/doc/<trace>). See docs/discovery.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::discovery {

inline constexpr const char* kQuerySchema = "opentraces.trace.query.v1";

struct QueryOptions {
  std::vector<std::string> terms;           // free text; every token must match (AND)
  std::optional<int64_t> since_ms;          // trace start at or after (inclusive)
  std::optional<std::string> project, agent, model, tool, skill;
  std::optional<std::string> files;         // a path relative to the repo root, or a directory
  std::optional<std::string> file_op;       // edit | read (with or without --files)
  std::optional<bool> committed, success;
  std::vector<std::string> signals;         // run-intel kinds: not indexed yet (error)
  std::string sort;                         // relevance | time | recency; "" = relevance with text, else recency
  int limit = 20;
  std::string page_token;
  bool include_superseded = false;
};

// The payload after {status, schema_version}: source, sort, query, total, total_returned,
// limit, next_page_token, has_more, candidates[], search_diagnostics, freshness.
// QUERY_EMPTY (exit 3) without any text or filter; INVALID_* (exit 2) for bad values;
// INDEX_MISSING / INDEX_OUTDATED (exit 3) when `trace index rebuild` must run first;
// SIGNALS_NOT_INDEXED (exit 10) for --signal.
Result<ordered_json> run_query(const bucket::Bucket& bucket, const QueryOptions& options);

}  // namespace ot::discovery
