// Run intelligence (reference 4.9, envelope opentraces.run_intel.v1): deterministic
// signals read from one trace — the user re-steering the agent, tool failures, the
// recovery after a failure, and loops of the same command.
#pragma once

#include <string>
#include <vector>

#include "engine/schema/record.h"
#include "engine/util/json.h"

namespace ot::discovery {

struct Signal {
  std::string kind;      // resteer | failure | recovery | loop
  std::string severity;  // info | medium | high
  double confidence = 0;
  std::string reason;
  int step_index = -1;
  std::string node_id;
  std::string matched_text;
  std::string evidence_ref;
  json evidence = json::object();
  json to_json() const;
};

// True when a user text is a short acknowledgement or go-ahead ("ok", "go ahead",
// "let's commit"): such a turn continues the plan rather than changing it.
bool is_trigger(std::string_view text);
// The correction phrase a user text matches ("" when none).
std::string resteer_phrase(std::string_view text);

// All signals, sorted by (step_index, kind).
std::vector<Signal> run_intel(const schema::TraceRecord& r);

// {trace_id, signals[], counts{resteer, recovery, loop, failure}} (envelope fields after
// status/schema_version).
json run_intel_json(const schema::TraceRecord& r, const std::vector<Signal>& signals);

}  // namespace ot::discovery
