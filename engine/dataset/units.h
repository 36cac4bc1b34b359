// Derived units a workflow can require in its run packet (SKILL.md `requires`):
//   bursts          change bursts (kind "change_burst")
//   skill_episodes  skill invocation episodes (kind "skill_episode")
//
// Bursts here are a simplified form of the reference 4.7 algorithm, computed from the
// record alone until engine/discovery's bursts land: the record's patches ordered by
// (step_index, hunk_index) split wherever the step gap exceeds 35; step_range spans the
// burst's patches; the intent is the latest substantive user message at or before the
// burst start (a short acknowledgement/go-ahead "trigger" is skipped when a fuller
// instruction precedes it); the burst commit is the most common anchored commit among
// its patches. No git lookups (no hunk-count pruning, no HEAD-transition fallback).
#pragma once

#include <string>
#include <vector>

#include "engine/util/json.h"

namespace ot::dataset {

inline constexpr int kBurstGap = 35;

// The reference's trigger test (short acknowledgement or go-ahead directive).
bool is_trigger(const std::string& text);

// [{unit_id, kind:"change_burst", index, step_range[a,b], intent_user_step,
//   intent_text, trigger_text, patch_ids[], burst_commit_sha, survival{}}]
json change_bursts(const json& record);

// [{unit_id, kind:"skill_episode", index, skill, args, step_range[a,b], trigger_text}]
// One per `Skill` tool call; the episode ends before the next user message.
json skill_episodes(const json& record);

}  // namespace ot::dataset
