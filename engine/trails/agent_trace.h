// Agent Trace export (open spec 0.1.0; docs/interop.md): one record per commit
// that carries attribution, built from the commit's notes (our facts, and git-ai's
// agent ranges when present). Ranges are in the commit's own coordinates, which is
// how the spec resolves a line: blame finds the revision, the revision's record
// finds the range. Records are deterministic: the id is a name-based UUID of the
// commit, so exporting twice gives the same bytes.
#pragma once

#include <string>
#include <vector>

#include "engine/trails/fact.h"
#include "engine/util/json.h"
#include "engine/util/result.h"
#include "notes/diff.h"
#include "notes/handle.h"

namespace ot::trails {

inline constexpr const char* kAgentTraceVersion = "0.1.0";

// "provider/model" for the spec's model_id: a known model family picks the provider
// (claude → anthropic, gpt/o1/o3/o4/codex → openai, gemini → google), else the
// agent's usual provider, else "unknown/<model>". Empty model → "".
std::string agent_trace_model_id(const std::string& agent, const std::string& model);

// A UUID (version 5 layout) from the SHA-256 of "opentraces.agent_trace.v1" NUL commit sha.
std::string agent_trace_record_id(const std::string& commit_sha);

// The record for one commit; `facts` are its attribution facts (git-ai's included,
// tier git_ai_authorship). Files and conversations are sorted; each conversation is
// one trace (or git-ai session) of one file.
ordered_json agent_trace_record(const git::CommitInfo& commit, const std::vector<Fact>& facts,
                                const std::string& tool_version);

struct AgentTraceExport {
  std::string tip_sha;
  int commits_scanned = 0;
  std::vector<std::string> shas;           // commits with a record, newest first
  std::vector<ordered_json> records;       // parallel to shas
};

// Every non-merge commit of `range` (stats.h range_commits) with attribution.
Result<AgentTraceExport> export_agent_trace(const git::Repo& repo, const std::string& range, int max_commits,
                                            const std::string& tool_version);

}  // namespace ot::trails
