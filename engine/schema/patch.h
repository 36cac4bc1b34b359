// Patch and GitAnchor (reference section 10, schema 0.9.0): one change an agent's tool
// call made to one file (one hunk), the raw material of Trace Trails. JSON keys are
// snake_case; unknown keys are kept in `extra` and written back unchanged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::schema {

// Where (and whether) a patch was found in git. Empty strings are written as null.
struct GitAnchor {
  std::string last_searched_at;   // ISO-8601 UTC
  bool found = false;
  std::string commit_sha;
  std::string path;
  std::string blob_sha;
  std::string git_patch_id;       // `git patch-id --stable` of the commit diff
  std::string evidence_tier;      // exact_range_hash, patch_id, structural_symbol, orphan, ...
  std::string evidence_firmness;  // firm_observed, provisional, ...
  json extra = json::object();
};

struct Patch {
  std::string patch_id;   // domain_digest("opentraces.trace_patch.v1", ...): see make_patch_id
  std::string file_path;  // relative to the session cwd when under it, else absolute
  int step_index = 0;
  int hunk_index = 0;     // position of this hunk among the patches of its tool call
  std::string tool_call_id, tool_name;
  std::vector<std::string> capture_method;  // transcript, hook_posttooluse, watcher_backstop, ...
  std::string authored_text;  // text the agent wrote (new side)
  std::string old_text;       // text it replaced (old side), "" for create
  std::string operation;      // create | edit | delete | rename
  std::string old_path;       // rename source (same path rules as file_path), else ""
  std::string snapshot_before_id, snapshot_after_id;  // "" → null
  std::optional<GitAnchor> anchor;
  std::vector<std::string> superseded_by;  // patch ids
  std::vector<std::string> limitations;    // limitation codes
  json extra = json::object();
};

inline constexpr const char* kTracePatchDomain = "opentraces.trace_patch.v1";

// The content-addressed id: domain_digest(kTracePatchDomain, canonical {trace_id,
// tool_call_id, file_path, hunk_index, authored_text}). A hook payload and the
// transcript of the same tool call give the same id.
std::string make_patch_id(const std::string& trace_id, const std::string& tool_call_id,
                          const std::string& file_path, int hunk_index, const std::string& authored_text);

json to_json(const GitAnchor& a);
json to_json(const Patch& p);
Result<GitAnchor> anchor_from_json(const json& j, const std::string& path = "anchor");
Result<Patch> patch_from_json(const json& j);
Result<Patch> patch_from_json(const json& j, const std::string& path);

}  // namespace ot::schema
