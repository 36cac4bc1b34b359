// git-ai interop, read-only: its per-commit notes on refs/notes/ai, format
// `authorship/3.0.0` (see docs/interop.md):
//
//   src/main.rs                      a path at column 0 (quoted when it has whitespace)
//     s_<14hex>::t_<14hex> 1-10,15   an agent session (::checkpoint) and its line ranges
//     h_<14hex> 35-40                a known human
//   ---
//   {"schema_version":"authorship/3.0.0","sessions":{...},"humans":{...},"prompts":{...}}
//
// Ranges are 1-based inclusive in the file as committed. Older notes use a bare hex
// key looked up in "prompts". We never write this ref.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/trails/fact.h"
#include "engine/util/json.h"

namespace ot::trails {

inline constexpr const char* kGitAiNotesRef = "refs/notes/ai";

struct GitAiEntry {
  std::string key;                            // "s_…::t_…", "h_…", or a legacy prompt key
  std::vector<std::pair<int, int>> ranges;    // inclusive, ascending
};

struct GitAiFile {
  std::string path;
  std::vector<GitAiEntry> entries;
};

// Who a git-ai key names, resolved against the metadata.
struct GitAiAuthor {
  bool human = false;
  std::string session;   // "s_…" (or the legacy key)
  std::string tool;      // agent_id.tool, e.g. "claude", "cursor"
  std::string model;     // agent_id.model (may be empty)
  std::string conversation;  // agent_id.id
  std::string author;    // humans[...].author for h_ keys
};

struct GitAiNote {
  std::string schema_version;
  std::vector<GitAiFile> files;
  json metadata = json::object();

  GitAiAuthor resolve(const std::string& key) const;
  // The entry covering `line` of `path`, if any (human keys included).
  const GitAiEntry* entry_at(std::string_view path, int line) const;
};

// Lenient reader: unknown lines are skipped, a missing or broken JSON section
// leaves metadata empty. nullopt when the text has no attestation section at all.
std::optional<GitAiNote> parse_gitai_note(std::string_view text);

// "1-10,15" → {{1,10},{15,15}}; malformed pieces are dropped.
std::vector<std::pair<int, int>> parse_gitai_ranges(std::string_view s);

// The note's agent entries as facts (tier git_ai_authorship, firmness imported,
// agent "<agent> (git-ai)", trace_id = the session key), for views built on facts.
inline constexpr const char* kGitAiTier = "git_ai_authorship";
std::vector<Fact> gitai_facts(const GitAiNote& note);

// How we name a git-ai tool in our agent vocabulary ("claude" → "claude-code").
std::string gitai_agent_name(std::string_view tool);

}  // namespace ot::trails
