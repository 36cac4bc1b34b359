// Derived units a workflow can require in its run packet (SKILL.md `requires`):
//   bursts          change bursts (kind "change_burst")
//   skill_episodes  skill invocation episodes (kind "skill_episode")
//
// Bursts are engine/discovery's compute_bursts (reference 4.7: gap split, commit from
// patch anchors, the Trails notes, the HEAD moves the hooks saw or a `git commit` the
// agent ran, then hunk-count refinement against the commit when the repository is still
// there; intent from the user instructions before the burst), as run-packet units.
#pragma once

#include <string>
#include <vector>

#include "engine/discovery/bursts.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::dataset {

// [{unit_id, kind:"change_burst", index, step_range[a,b], intent_user_step,
//   intent_text, trigger_text, patch_ids[], burst_commit_sha, commit_source, survival{}}]
// `ctx` comes from discovery::burst_context (bucket events, notes, repository); without
// it only the record's own patch anchors and shell output name commits.
// RECORD_INVALID (exit 3) when the record does not parse as a TraceRecord.
Result<json> change_bursts(const json& record, const discovery::BurstContext& ctx);
Result<json> change_bursts(const json& record);

// [{unit_id, kind:"skill_episode", index, skill, args, step_range[a,b], trigger_text}]
// One per `Skill` tool call; the episode ends before the next user message.
json skill_episodes(const json& record);

}  // namespace ot::dataset
