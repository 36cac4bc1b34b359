// The dataset card (README.md at the repo root): YAML front matter the Hub's viewer reads
// (configs/data_files, license, tags, task_categories, pretty_name, size_categories) and a
// body saying what the rows are, their schema, their provenance and how to load them.
#include <yaml-cpp/yaml.h>

#include <set>
#include <sstream>

#include "engine/hub/publish.h"

namespace ot::hub {

namespace {

std::vector<std::string> strings_of(const json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& x : v) {
      if (x.is_string() && !x.get<std::string>().empty()) out.push_back(x.get<std::string>());
    }
  }
  return out;
}

std::string type_of(const json& prop) {
  if (prop.contains("type")) {
    if (prop["type"].is_string()) return prop["type"].get<std::string>();
    std::string t;
    for (const auto& x : prop["type"]) t += (t.empty() ? "" : " | ") + x.get<std::string>();
    return t;
  }
  if (prop.contains("enum")) {
    std::string t;
    for (const auto& x : prop["enum"]) t += (t.empty() ? "" : " | ") + x.dump();
    return t;
  }
  if (prop.contains("$ref")) return prop["$ref"].get<std::string>();
  return "any";
}

std::string cell(std::string s) {
  for (auto& ch : s) {
    if (ch == '|') ch = '/';
    if (ch == '\n') ch = ' ';
  }
  return s;
}

}  // namespace

std::string size_category(long long rows) {
  if (rows < 1000) return "n<1K";
  if (rows < 10000) return "1K<n<10K";
  if (rows < 100000) return "10K<n<100K";
  if (rows < 1000000) return "100K<n<1M";
  if (rows < 10000000) return "1M<n<10M";
  if (rows < 100000000) return "10M<n<100M";
  return "100M<n<1B";
}

std::string render_card(const json& manifest, const json& row_schema, const json& contract, const std::string& repo_id) {
  const json disc = manifest.value("discoverability", json::object());
  const std::string name = manifest.value("name", "dataset");
  std::string pretty = disc.value("pretty_name", name);
  if (pretty.empty()) pretty = name;
  std::string license = disc.value("license", "other");
  if (license.empty()) license = "other";
  std::vector<std::string> tags = {"opentraces", "agent-traces"};
  for (const auto& t : strings_of(disc.value("tags", json::array()))) {
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  }
  std::vector<std::string> tasks = strings_of(disc.value("task_categories", json::array()));
  if (tasks.empty()) tasks = {"text-generation"};
  std::vector<std::string> languages = strings_of(disc.value("language", json::array()));
  const long long total = contract.value("row_count", 0LL);
  const json shards = contract.value("shards", json::array());

  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "license" << YAML::Value << license;
  y << YAML::Key << "pretty_name" << YAML::Value << pretty;
  if (!languages.empty()) y << YAML::Key << "language" << YAML::Value << YAML::Flow << languages;
  y << YAML::Key << "tags" << YAML::Value << YAML::Flow << tags;
  y << YAML::Key << "task_categories" << YAML::Value << YAML::Flow << tasks;
  y << YAML::Key << "size_categories" << YAML::Value << YAML::Flow << std::vector<std::string>{size_category(total)};
  y << YAML::Key << "configs" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  y << YAML::Key << "config_name" << YAML::Value << "default";
  y << YAML::Key << "data_files" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  y << YAML::Key << "split" << YAML::Value << "train";
  y << YAML::Key << "path" << YAML::Value << "data/*.jsonl";
  y << YAML::EndMap << YAML::EndSeq << YAML::EndMap << YAML::EndSeq;
  y << YAML::EndMap;

  std::ostringstream md;
  md << "---\n" << y.c_str() << "\n---\n\n";
  md << "# " << pretty << "\n\n";
  std::string description = manifest.value("description", "");
  if (!description.empty()) md << description << "\n\n";
  const json wf = manifest.value("workflow", json::object());
  std::string workflow = wf.value("skill", "");
  md << "Rows built from AI coding-agent sessions (Claude Code, Codex CLI, Pi) captured by git-opentraces"
     << (workflow.empty() ? "" : " with the `" + workflow + "` workflow")
     << ", reviewed locally, and published with `git opentraces dataset publish`.\n\n";

  md << "## What a row is\n\n";
  std::string title = row_schema.value("title", "");
  std::string schema_desc = row_schema.value("description", "");
  if (!title.empty()) md << "**" << title << ".** ";
  if (!schema_desc.empty()) md << schema_desc << " ";
  md << "Each line of `data/rows_*.jsonl` is one row: a JSON object in canonical form (keys sorted, no "
        "whitespace). Every publish adds one new shard; published shards are never rewritten.\n\n";

  md << "## Schema\n\n";
  const json props = row_schema.value("properties", json::object());
  std::set<std::string> required;
  for (const auto& r : strings_of(row_schema.value("required", json::array()))) required.insert(r);
  if (props.empty()) {
    md << "See `" << kContractSchemaPath << "`.\n\n";
  } else {
    md << "| field | type | required | description |\n| --- | --- | --- | --- |\n";
    for (auto it = props.begin(); it != props.end(); ++it) {
      md << "| `" << it.key() << "` | " << cell(type_of(it.value())) << " | " << (required.count(it.key()) ? "yes" : "")
         << " | " << cell(it.value().is_object() ? it.value().value("description", "") : "") << " |\n";
    }
    md << "\nThe full JSON Schema (the contract every row was validated against) is `" << kContractSchemaPath
       << "`; `" << kContractPath << "` lists the shards and the identity hash of every row.\n\n";
  }

  md << "## Provenance\n\n";
  md << "- " << total << " row" << (total == 1 ? "" : "s") << " in " << shards.size() << " shard"
     << (shards.size() == 1 ? "" : "s") << ".\n";
  for (const auto& s : shards) {
    md << "- `" << s.value("path", "") << "`: " << s.value("row_count", 0) << " rows, run `" << s.value("run_id", "")
       << "`, published " << s.value("published_at", "") << ".\n";
  }
  const json sec = manifest.value("security", json());
  std::vector<std::string> tools =
      sec.is_object() ? strings_of(sec.value("enabled_tools", json::array())) : std::vector<std::string>{};
  md << "- Each row comes from a captured agent session. Before publication every row was sanitized";
  if (!tools.empty()) {
    md << " (tools:";
    for (const auto& t : tools) md << " `" << t << "`";
    md << ")";
  }
  md << ", scanned again for secrets, and its source trace had to be cleared by the local security gate; "
        "rows that failed were withheld. The source sessions themselves are not published.\n";
  const json policy = manifest.value("publication_policy", json::object());
  md << "- Review policy: " << policy.value("review", "required") << ".\n\n";

  md << "## How to load\n\n";
  md << "```python\nfrom datasets import load_dataset\n\nrows = load_dataset(\"" << repo_id
     << "\", split=\"train\")\n```\n\n";
  md << "```js\nimport { listFiles, downloadFile } from \"@huggingface/hub\";\n\n"
        "for await (const f of listFiles({ repo: { type: \"dataset\", name: \""
     << repo_id << "\" }, path: \"data\" })) {\n"
        "  const text = await (await downloadFile({ repo: { type: \"dataset\", name: \""
     << repo_id << "\" }, path: f.path })).text();\n}\n```\n\n";
  md << "## License\n\n" << license << "\n";
  return md.str();
}

}  // namespace ot::hub
