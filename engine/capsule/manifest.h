// The capsule document (capsule.json, schema opentraces.capsule.v1), its human summary
// (capsule.md) and reading a capsule back from a directory, a file or the Hub.
//
// capsule.json: {schema_version, capsule_id, created_at, generator, title, trace{...},
// slice{address, kind, from_step, to_step, step_count, source_step_count, steps[], record},
// trail_anchors[], context_layers{node_count, nodes[]}, repo{commit, branch, remote_url,
// github_repo}, test, bundle, mini_bucket{path, digest}, mini_bucket_digest, redaction{...},
// privacy_scope{...}}. The embedded slice.record is the redacted TraceRecord of the slice.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::capsule {

inline constexpr const char* kSchema = "opentraces.capsule.v1";
inline constexpr int kSchemaMajor = 1;

// A capsule read back. `dir` holds capsule.json and its companions; it is empty when the
// capsule was fetched from the Hub (only capsule.json was read).
struct Capsule {
  json doc;
  std::filesystem::path dir;
  std::string source;  // the reference as given
  bool has_mini_bucket() const;
  std::filesystem::path mini_bucket_dir() const { return dir / "mini-bucket"; }
};

// "cap_" + 16 hex of the domain digest of what makes the capsule what it is.
std::string capsule_id_of(const json& material);

// CAPSULE_INVALID (exit 2) when `doc` is not a capsule; CAPSULE_SCHEMA_TOO_NEW (exit 2)
// for a newer major version than this binary reads.
Status check_doc(const json& doc, std::string_view where);

// [{step_index, source_step_index, role, tools[], summary}] of a (redacted) record.
json step_outline(const json& record);

// capsule.md: title, facts table, steps, anchors, reproduction, privacy.
std::string render_markdown(const json& doc);

// j[key] when it is a string, else "" (records carry nulls where a value is unknown).
inline std::string text_of(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One line of plain text (newlines folded), cut at `max` bytes on a character boundary.
std::string one_line(std::string_view text, size_t max);

// One line of text fit for a Markdown table cell (pipes escaped, newlines folded, cut at `max`).
std::string md_cell(std::string_view text, size_t max = 100);

// A capsule directory, a capsule.json path, or hub:owner/name[/path] (a capsule
// directory in a Hub dataset repo; with no path the repo must hold exactly one capsule).
// CAPSULE_NOT_FOUND (exit 3) when nothing is there; Hub errors are exit 3.
Result<Capsule> load_capsule(std::string_view ref);

}  // namespace ot::capsule
