// The dataset card (README.md at the repo root): YAML front matter the Hub's viewer reads
// (configs/data_files, license, tags, task_categories, pretty_name, size_categories) and a
// body saying what the rows are, their schema, their provenance and how to load them.
#include <yaml-cpp/yaml.h>

#include <map>
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

// A traces dataset (engine/dataset/traces.h): the repo holds session files under sessions/,
// which the Hub's trace viewer reads; the front matter tags it as agent traces and points one
// config at each agent's (or the STS) session files, and the body says what was redacted.
std::string render_traces_card(const json& manifest, const json& contract, const std::string& repo_id) {
  const json disc = manifest.value("discoverability", json::object());
  const std::string name = manifest.value("name", "dataset");
  std::string pretty = disc.value("pretty_name", name);
  if (pretty.empty()) pretty = name;
  std::string license = disc.value("license", "other");
  if (license.empty()) license = "other";
  const json sessions = contract.value("sessions", json::object());
  std::map<std::string, long long> by_dir, by_kind;  // sessions/<dir>/ → sessions; kind → placeholders
  long long total_redactions = 0;
  for (auto it = sessions.begin(); it != sessions.end(); ++it) {
    const std::string path = it.key();
    size_t a = path.find('/'), b = a == std::string::npos ? a : path.find('/', a + 1);
    if (b != std::string::npos) by_dir[path.substr(a + 1, b - a - 1)]++;
    const json kinds = it.value().value("redactions", json::object()).value("by_kind", json::object());
    for (auto k = kinds.begin(); k != kinds.end(); ++k) {
      if (!k.value().is_number_integer()) continue;
      by_kind[k.key()] += k.value().get<long long>();
      total_redactions += k.value().get<long long>();
    }
  }
  std::vector<std::string> tags = {"opentraces", "agent-traces", "traces", "format:agent-traces", "coding-agent", "tool-use"};
  for (const auto& [dir, n] : by_dir)
    if (dir != "sts") tags.push_back(dir);
  for (const auto& t : strings_of(disc.value("tags", json::array())))
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  std::vector<std::string> languages = strings_of(disc.value("language", json::array()));

  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "license" << YAML::Value << license;
  y << YAML::Key << "pretty_name" << YAML::Value << pretty;
  if (!languages.empty()) y << YAML::Key << "language" << YAML::Value << YAML::Flow << languages;
  y << YAML::Key << "tags" << YAML::Value << YAML::Flow << tags;
  y << YAML::Key << "task_categories" << YAML::Value << YAML::Flow << std::vector<std::string>{"text-generation"};
  y << YAML::Key << "size_categories" << YAML::Value << YAML::Flow
    << std::vector<std::string>{size_category(static_cast<long long>(sessions.size()))};
  y << YAML::Key << "configs" << YAML::Value << YAML::BeginSeq;
  bool first = true;
  for (const auto& [dir, n] : by_dir) {  // one config per session format: one line shape per config
    y << YAML::BeginMap << YAML::Key << "config_name" << YAML::Value << dir;
    if (first) y << YAML::Key << "default" << YAML::Value << true;
    first = false;
    y << YAML::Key << "data_files" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    y << YAML::Key << "split" << YAML::Value << "train";
    y << YAML::Key << "path" << YAML::Value << "sessions/" + dir + "/*.jsonl";
    y << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  }
  y << YAML::BeginMap << YAML::Key << "config_name" << YAML::Value << "index";
  y << YAML::Key << "data_files" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  y << YAML::Key << "split" << YAML::Value << "train";
  y << YAML::Key << "path" << YAML::Value << "data/*.jsonl";
  y << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  y << YAML::EndSeq;
  y << YAML::EndMap;

  const json cfg = manifest.value("workflow", json::object()).value("config", json::object());
  const std::string format = cfg.value("format", std::string("native"));
  std::ostringstream md;
  md << "---\n" << y.c_str() << "\n---\n\n";
  md << "# " << pretty << "\n\n";
  std::string description = manifest.value("description", "");
  if (!description.empty()) md << description << "\n\n";
  md << "AI coding-agent sessions captured by git-opentraces, redacted on the contributor's machine, reviewed, "
        "and published with `git opentraces dataset publish` as session files the Hugging Face trace viewer reads"
     << (format == "sts" ? " (Session Trace Simple Format)" : " (each agent's own JSONL format)") << ".\n\n";

  md << "## Sessions\n\n";
  md << "| directory | sessions |\n| --- | --- |\n";
  for (const auto& [dir, n] : by_dir) md << "| `sessions/" << cell(dir) << "/` | " << n << " |\n";
  md << "\n" << sessions.size() << " session" << (sessions.size() == 1 ? "" : "s")
     << " in all. Claude Code sub-agent transcripts sit beside their session in `<session>/subagents/`, as Claude "
        "Code writes them. `data/rows_*.jsonl` (config `index`) has one row per session: trace id, agent, files with "
        "their sha256, step and tool-call counts, and the redactions.\n\n";

  md << "## What was redacted\n\n";
  const json sec = manifest.value("security", json());
  std::vector<std::string> tools = {"regex", "entropy", "business_logic", "path_anonymizer"};
  if (sec.is_object())
    for (const auto& t : strings_of(sec.value("enabled_tools", json::array())))
      if (std::find(tools.begin(), tools.end(), t) == tools.end()) tools.push_back(t);
  md << "Every session was scanned on the contributor's machine before it left it (tools:";
  for (const auto& t : tools) md << " `" << t << "`";
  md << "; privacy tier `" << (sec.is_object() ? sec.value("privacy_tier", "medium") : "medium")
     << "`), then scanned again at publication. Secrets and personal data are replaced by typed placeholders "
        "(`[REDACTED:<kind>]`), user names in home paths by `[USER:<token>]`, and the contributor's home "
        "directory by `~`; a redacted tool input is still a JSON object of the same shape. Sessions whose source "
        "trace was not cleared by the local security gate were withheld"
     << (cfg.value("allow_findings", false) ? " unless the contributor deliberately included them (`--allow-findings`; "
                                              "their findings are listed in `opentraces/publication.json`)"
                                            : "")
     << ".\n\n";
  if (by_kind.empty()) {
    md << "No placeholder appears in the published sessions.\n\n";
  } else {
    md << "Placeholders in the published sessions, by kind (" << total_redactions << " in all):\n\n";
    md << "| kind | count |\n| --- | --- |\n";
    for (const auto& [k, n] : by_kind) md << "| `" << cell(k) << "` | " << n << " |\n";
    md << "\n";
  }

  md << "## Provenance\n\n";
  const json shards = contract.value("shards", json::array());
  for (const auto& s : shards) {
    md << "- `" << s.value("path", "") << "`: " << s.value("row_count", 0) << " session(s), run `" << s.value("run_id", "")
       << "`, published " << s.value("published_at", "") << ".\n";
  }
  const json policy = manifest.value("publication_policy", json::object());
  md << "- Review policy: " << policy.value("review", "required") << ". `" << kContractPath
     << "` lists every session file, its row and its redaction counts.\n\n";

  md << "## How to load\n\n";
  md << "Open the dataset page to browse the sessions in the trace viewer, or read the files:\n\n";
  md << "```js\nimport { listFiles, downloadFile } from \"@huggingface/hub\";\n\n"
        "for await (const f of listFiles({ repo: { type: \"dataset\", name: \""
     << repo_id << "\" }, path: \"sessions\", recursive: true })) {\n"
        "  const jsonl = await (await downloadFile({ repo: { type: \"dataset\", name: \""
     << repo_id << "\" }, path: f.path })).text();\n}\n```\n\n";
  md << "## License\n\n" << license << "\n";
  return md.str();
}

std::string render_card(const json& manifest, const json& row_schema, const json& contract, const std::string& repo_id) {
  if (manifest.value("workflow", json::object()).value("source_type", "") == "traces")
    return render_traces_card(manifest, contract, repo_id);
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
