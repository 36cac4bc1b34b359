// Workflows: agent-skill packages that turn candidate traces into dataset rows
// (reference 7.1). A package is a directory:
//   SKILL.md                 YAML front matter {name, description, mode, requires[],
//                            security{required_tools, optional_tools,
//                            default_enabled_tools, disallowed_tools,
//                            allow_disable_required}, entrypoint?, identity?} + prose
//   scripts/build_rows       any executable; the script executor's entry point
//   schemas/row.schema.json  the JSON Schema every row must satisfy
//   examples/                sample rows (not read by the runner)
// Installed workflows live in $OPENTRACES_HOME/workflows/<name>/; shipped templates in
// the repo's workflows/templates/<name>/ (installed under share/git-opentraces/).
// A package is pinned by its digest: json_digest({files:{relpath:{sha256, executable}}}).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::workflow {

namespace fs = std::filesystem;

struct Workflow {
  std::string name, description, mode;
  fs::path path;                  // the package directory
  std::string digest;             // "sha256:<hex>"
  std::vector<std::string> requires_;  // derived inputs the packet must carry: bursts, skill_episodes
  json security = json::object(); // the contract as written
  json identity = nullptr;        // optional {mode, fields}
  std::string entrypoint = "scripts/build_rows";
  json front_matter = json::object();
  fs::path schema_path() const { return path / "schemas" / "row.schema.json"; }
  fs::path script_path() const { return path / entrypoint; }
  json to_json() const;
};

// $OPENTRACES_HOME/workflows
fs::path workflows_root();
// Where shipped templates are read from: $OT_WORKFLOW_TEMPLATES, else next to the
// binary (<prefix>/share/git-opentraces/workflows/templates, or the source tree for a
// build directory inside it). TEMPLATES_NOT_FOUND (exit 3) when none exists.
Result<fs::path> templates_root();

// Loads and checks a package directory (WORKFLOW_INVALID, exit 3, naming the file).
Result<Workflow> load(const fs::path& dir);
// The package digest (files sorted by relative path; hidden files and __pycache__ skipped).
// `code_only` leaves out SKILL.md and examples/ (what the built-in executor compares).
Result<std::string> package_digest(const fs::path& dir, bool code_only = false);

Result<std::vector<Workflow>> list_templates();
Result<std::vector<Workflow>> list_installed();
// An installed workflow by name. WORKFLOW_NOT_FOUND (exit 3).
Result<Workflow> installed(const std::string& name);
// Copies template `tmpl` to workflows/<name> (name and description rewritten in the
// front matter when they differ). WORKFLOW_EXISTS / TEMPLATE_NOT_FOUND (exit 3).
Result<Workflow> create(const std::string& name, const std::string& tmpl, const std::string& description = {});
// Removes workflows/<name>. WORKFLOW_NOT_FOUND (exit 3).
Result<fs::path> remove(const std::string& name);

// `--workflow REF`: a path (exists, contains '/', or ends with .md: a package dir or
// its SKILL.md) or a bare name (installed; a shipped template of that name is
// installed on first use). The second value says which: "path" | "installed".
Result<std::pair<Workflow, std::string>> resolve(const std::string& ref);

// The shipped template `wf` was created from (front matter `template:`) when its code
// (scripts and schemas) is byte-identical to that template's; "" otherwise. Only then
// may the built-in executor run it natively.
std::string pristine_template(const Workflow& wf);

}  // namespace ot::workflow
