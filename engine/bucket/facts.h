// What the bucket indexes about a record, read straight from TraceRecord wire JSON
// (reference section 10) so the store never depends on the C++ schema structs.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::bucket {

struct RecordFacts {
  std::string trace_id, session_id;
  std::string agent, agent_version, model;  // model: agent.model, else the first step model
  std::string project;                      // slug (sanitised), "_unassigned" when unknown
  std::string cwd, title, lifecycle;
  std::string start_iso, end_iso;  // as the record wrote them
  std::optional<int64_t> start_ms, end_ms;
  std::set<std::string> models, files, tools, skills, commits;
  int step_count = 0, patch_count = 0;
  bool scanned = false;   // security.scanned
  bool syncable = false;  // scanned and not marked unsyncable/stale (security issue refines this)
  bool stale = false;     // metadata.security.stale: scanned with an older security version
  // Copied from metadata.security so the egress gate can judge a list row without
  // loading the record (engine/security/gate.h).
  std::string security_version, privacy_tier;
  std::vector<std::string> tools_applied;
  int open_findings = 0;
};

// Trace ids name keys and directories: 1..200 chars of [A-Za-z0-9._:@+-], not starting
// with '.'. INVALID_TRACE_ID (exit 2) otherwise.
Status validate_trace_id(std::string_view id);

// Project slug for keys and export paths: [a-z0-9._-] kept (upper-case lowered), other
// runs become '-'; empty → "_unassigned".
std::string sanitize_project(std::string_view raw);

// INVALID_RECORD (exit 2) when `record` is not an object or lacks a usable trace_id.
// `project_override` wins over metadata.project_slug / metadata.project_id.
Result<RecordFacts> extract_facts(const json& record, std::string_view project_override = {});

// The secondary-index keys (x/...) for a trace's current generation.
std::vector<std::string> index_keys(const RecordFacts& f, int64_t written_ms);

// The list row stored at r/<trace> (also the pointer to the current object).
json pointer_row(const RecordFacts& f, const std::string& record_hash, int generation,
                 const std::string& written_at);

}  // namespace ot::bucket
