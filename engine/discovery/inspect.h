// The read verbs behind `trace get|map|slice|skills|compare`: each resolves its address
// in the bucket, computes the view and returns the whole JSON envelope (status and
// schema_version first). The CLI only parses flags and renders these documents.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/discovery/bursts.h"
#include "engine/discovery/skills.h"
#include "engine/discovery/waste.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::discovery {

inline constexpr const char* kGetSchema = "opentraces.trace.get.v1";
inline constexpr const char* kMapSchema = "opentraces.trace.map.v1";
inline constexpr const char* kSliceSchema = "opentraces.trace.slice.v1";
inline constexpr const char* kSkillsSchema = "opentraces.trace.skills.v1";
inline constexpr const char* kCompareSchema = "opentraces.trace_compare.v1";
inline constexpr const char* kRunIntelSchema = "opentraces.run_intel.v1";
inline constexpr const char* kWasteSchema = "opentraces.context_waste.v2";

struct GetOptions {
  bool card = false, bursts = false, run_intel = false, waste = false;
  BurstOptions burst;
  WasteThresholds thresholds;
};
// Errors: address errors (2/6); USAGE (2) for a whole-trace view on a step or span, or
// more than one of --card/--bursts/--run-intel/--waste.
Result<ordered_json> trace_get(bucket::Bucket& bucket, std::string_view ref, const GetOptions& opts);

struct MapOptions {
  std::optional<std::string> around, from_node;
  int depth = 2;
  bool walk_forward = true;
  std::vector<std::string> until;
  int max_steps = 40;
  std::vector<std::string> actions;  // keep only these action types (empty = all)
  bool bursts = false;
  bool full = false;                 // the whole map (nodes and edges) instead of the overview
  BurstOptions burst;
};
Result<ordered_json> trace_map(bucket::Bucket& bucket, std::string_view ref, const MapOptions& opts);

struct SliceOptions {
  std::string mode;  // template | around_step | manual_step_range
  int around_step = 0, radius = 3;
  int from_step = 0, to_step = 0;
  BurstOptions burst;
};
Result<ordered_json> trace_slice(bucket::Bucket& bucket, std::string_view ref, const SliceOptions& opts);

Result<ordered_json> trace_skills(bucket::Bucket& bucket, const SkillOptions& opts);

Result<ordered_json> trace_compare(bucket::Bucket& bucket, std::string_view a, std::string_view b,
                                   const BurstOptions& opts);

// Root dispatch (reference 1.7): the full trace address `token` stands for, when a bare
// first token is address-shaped and (for a short hex prefix) names exactly one trace.
std::optional<std::string> dispatchable_address(std::string_view token);

}  // namespace ot::discovery
