// Context waste (reference 4.8, envelope opentraces.context_waste.v2): tool output that
// filled the model's context without need — one very large output, the same file read
// again and again, a burst of searches.
#pragma once

#include <string>
#include <vector>

#include "engine/schema/record.h"
#include "engine/util/json.h"

namespace ot::discovery {

struct WasteThresholds {
  int large_output_chars = 12000;
  int file_read_window_minutes = 20;
  int file_read_repeat_threshold = 3;
  int search_window_minutes = 10;
  int search_repeat_threshold = 5;
  json to_json() const;
};

struct WasteFinding {
  std::string finding_id;  // first 16 hex of sha256("trace:step:node:pattern")
  std::string pattern;     // large_output | repeated_file_read | repeated_search
  std::string severity;    // medium | low
  double confidence = 0;
  std::string reason;
  int step_index = -1;
  std::string node_id;
  json evidence = json::object();
  json to_json() const;
};

struct WasteReport {
  std::vector<WasteFinding> findings;
  std::vector<std::string> limitations;
};

// True when a shell command is a search (rg, grep, find, ag, ack as a word).
bool is_search_command(std::string_view command);
// Characters an observation put in front of the model. Claude Code keeps outputs over
// its limit in a file and shows a preview ("Output too large (35.8KB)"): the declared
// size counts, since that is what the call produced.
int64_t output_chars(const schema::Observation& o, bool* persisted = nullptr);

WasteReport context_waste(const schema::TraceRecord& r, const WasteThresholds& t = {});

// Envelope fields after status/schema_version: {trace_id, fidelity, thresholds,
// findings[], summary{...}, limitations[]}.
json context_waste_json(const schema::TraceRecord& r, const WasteThresholds& t, const WasteReport& report);

}  // namespace ot::discovery
