// Observed skills (reference 4.6 `trace skills`): which skills the agents used, ranked by
// invocations, across the bucket's traces. A skill use is a Claude Code `Skill` tool
// call, a slash command the user ran (`<command-name>/x</command-name>`, built-in
// commands excluded), or a Pi skill (`/skill:x`, `<skill name="x">`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/schema/record.h"
#include "engine/util/json.h"

namespace ot::discovery {

struct SkillUse {
  std::string skill;
  std::string source;  // skill_tool | slash_command | pi_skill
  int step_index = -1;
  std::string tool_call_id;  // for skill_tool
  std::string timestamp;
};

// The skill uses of one trace, each counted once (a Skill call also listed in
// metadata.skills_invoked is one use).
std::vector<SkillUse> skills_in(const schema::TraceRecord& r);

struct SkillOptions {
  std::optional<int64_t> since_ms;     // traces written at or after
  std::optional<std::string> project;  // project slug
  std::optional<std::string> skill;    // only this skill
  int limit = 50;
};

// {total_skills, total_invocations, limit, has_more, next_page_token, traces_scanned,
//  skills[{skill, invocations, traces, sources[], last_used, trace_ids[≤10]}]}, ranked by
// invocations, then traces, then name.
Result<json> rank_skills(bucket::Bucket& bucket, const SkillOptions& opts);

}  // namespace ot::discovery
