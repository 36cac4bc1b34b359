// `dataset publish` (reference 7.5): evaluate row states, scan the rows being published,
// clear their source traces for egress (security gate), stage a new immutable shard
// data/rows_<UTC>_<8hex>.jsonl with the regenerated dataset card and the schema contract
// files, commit them in ONE Hub commit pinned to the remote head (retrying when the head
// moves), then mark the rows published. See docs/publish.md.
//
// Exactly once: the remote contract file opentraces/publication.json lists every shard
// (with its run id) and the identity hash of every published row. Before each attempt the
// publisher re-reads it at the head: if its own run id is there the commit landed (an
// answer was lost) and it only marks the rows; rows whose identity is already remote are
// never uploaded again. A crash after the commit is reconciled the same way by a re-run.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::hub {

inline constexpr const char* kPublishSchema = "opentraces.dataset.publish.v1";
inline constexpr const char* kContractPath = "opentraces/publication.json";
inline constexpr const char* kContractSchemaPath = "opentraces/row.schema.json";
inline constexpr int kContractFormat = 1;

struct PublishOptions {
  std::string dataset;
  std::string to;                            // remote name or owner/name; "" = active remote
  bool check_only = false;
  std::optional<double> min_retention;       // 0..1
  std::vector<std::string> exclude_states;   // survival states
  std::string contributor;                   // "" = $USER or "local"
  int max_attempts = 4;                      // commits tried when the head moves
  std::function<void(const std::string& stage)> progress;
};

struct PublishOutcome {
  // "published" | "nothing to publish" | "check passed" | "blocked" (exit 8) | "withheld" (exit 9)
  std::string message;
  ExitCode exit = ExitCode::kOk;
  std::optional<Error> error;  // for blocked / withheld
  ordered_json publish;        // the reference's publish{...} payload
};

Result<PublishOutcome> publish(const PublishOptions& options);

// The dataset card (README.md) for a remote holding `contract` (publication.json).
std::string render_card(const json& manifest, const json& row_schema, const json& contract, const std::string& repo_id);
// The card of a traces dataset (render_card dispatches to it): trace-viewer tags, one config
// per session directory, what was redacted (counts by kind from the contract's sessions).
std::string render_traces_card(const json& manifest, const json& contract, const std::string& repo_id);
// "n<1K", "1K<n<10K", ... as the Hub's size_categories.
std::string size_category(long long rows);

}  // namespace ot::hub
