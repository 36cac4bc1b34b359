// Survival: what became of an agent's anchored lines after they landed
// (reference 5.6). Observed from git alone: the anchor commit's lines are the
// authored text; the observed commit (HEAD by default) is searched for them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/trails/fact.h"
#include "engine/util/json.h"
#include "engine/util/result.h"
#include "notes/handle.h"

namespace ot::trails {

// Precedence (higher wins when several anchors of one patch are aggregated).
int survival_precedence(std::string_view state);

struct Survival {
  std::string state;            // alive_on_path | alive_moved | alive_transformed | partially_preserved |
                                // reverted | lost | orphan_branch | missing_authored_text | never_committed | unknown
  std::string reason;           // lost_kind / limitation code
  std::string current_path;     // where the lines live at the observed commit
  int rename_hops = 0;
  int authored_line_count = 0;  // non-blank authored lines
  int preserved_line_count = 0;
  double retention_fraction = 0;
  std::string revert_commit;    // for reverted
  std::string killer_commit;    // commit that deleted the file (lost, file_deleted)
  std::optional<int> current_start_line;  // where the block starts now (alive_on_path/moved)
};

struct AnchorRef {
  std::string commit_sha;
  Fact fact;
};

// Survival of one anchored fact at `observed` (a rev, default HEAD).
Result<Survival> observe_anchor(const git::Repo& repo, const AnchorRef& anchor, const std::string& observed = "HEAD");

struct PatchSurvival {
  std::string patch_id, trace_id, file;
  std::vector<std::pair<AnchorRef, Survival>> anchors;
  Survival current;  // the best anchor ("any alive anchor wins")
};

// Every anchor of every patch named in the notes; `trace` / `patch` filter (exact id
// or unique prefix; empty = all), `since_ms` keeps anchors on commits at or after it.
Result<std::vector<PatchSurvival>> track(const git::Repo& repo, const std::string& trace, const std::string& patch,
                                         int64_t since_ms = 0, const std::string& observed = "HEAD");

json survival_to_json(const Survival& s);

}  // namespace ot::trails
