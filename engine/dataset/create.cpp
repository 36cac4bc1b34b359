// `dataset new`: a dataset bound to a workflow, a skill, or imported rows.
#include <unistd.h>

#include <set>

#include "engine/dataset/common.h"
#include "engine/dataset/manifest.h"
#include "engine/dataset/rows.h"
#include "engine/dataset/run.h"
#include "engine/dataset/sanitize.h"
#include "engine/dataset/traces.h"
#include "engine/util/fs.h"
#include "engine/util/json_schema.h"
#include "engine/util/time.h"
#include "engine/workflow/workflow.h"

namespace ot::dataset {

Result<json> create_dataset(const NewOptions& o) {
  int sources = (!o.workflow_ref.empty()) + (!o.from_skill.empty()) + (!o.rows_file.empty() || !o.schema_file.empty()) +
                o.traces;
  if (sources != 1)
    return make_error(ExitCode::kUsage, "DATASET_SOURCE_REQUIRED", "dataset new",
                      "give exactly one source: --workflow REF, --from-skill SKILL, --traces, or --rows-file F --schema S");
  if (!o.traces && (o.format != "native" || o.allow_findings || !o.privacy_tier.empty()))
    return make_error(ExitCode::kUsage, "TRACES_ONLY_FLAG", "dataset new",
                      "--format, --allow-findings and --privacy-tier apply to traces datasets only", "add --traces");
  if (o.traces && o.format != "native" && o.format != "sts")
    return make_error(ExitCode::kUsage, "INVALID_FORMAT", "dataset new", "unknown session format \"" + o.format + "\"",
                      "use --format native (the agent's own JSONL) or --format sts (Session Trace Simple Format)");
  if (o.traces && !o.privacy_tier.empty() && o.privacy_tier != "low" && o.privacy_tier != "medium" && o.privacy_tier != "high")
    return make_error(ExitCode::kUsage, "INVALID_PRIVACY_TIER", "dataset new", "unknown privacy tier \"" + o.privacy_tier + "\"",
                      "use low, medium or high");
  if (!o.rows_file.empty() != !o.schema_file.empty())
    return make_error(ExitCode::kUsage, "DATASET_SOURCE_REQUIRED", "dataset new", "--rows-file and --schema go together");
  auto dir = dataset_dir(o.name);
  if (!dir.ok()) return dir.error();
  std::error_code ec;
  if (fs::exists(*dir, ec))
    return make_error(ExitCode::kResource, "DATASET_EXISTS", "dataset new", "dataset '" + o.name + "' already exists at " + dir->string(),
                      "pick another name, or remove it with `git opentraces dataset remove " + o.name + " --yes`");

  json m = default_manifest(o.name);
  m["description"] = o.description;
  m["publication_policy"]["review"] = o.review;
  fs::path schema_src;
  std::string schema_text_builtin;
  bool manual = false;
  json next = nullptr;
  if (o.traces) {
    m["workflow"] = traces_workflow(o.format, o.allow_findings);
    auto sec = security_from_contract(json::object(), m["workflow"]["digest"].get<std::string>());
    if (!sec.ok()) return sec.error();
    m["security"] = *sec;
    m["security"]["source"] = "traces";
    if (!o.privacy_tier.empty()) m["security"]["privacy_tier"] = o.privacy_tier;
    m["discoverability"]["tags"] = json::array({"opentraces", "agent-traces", "traces"});
    schema_text_builtin = trace_row_schema_text();
    next = "git opentraces dataset run " + o.name + " --json";
  } else if (!o.rows_file.empty()) {
    manual = true;
    schema_src = o.schema_file;
    m["workflow"] = json{{"skill", "manual"}, {"digest", "sha256:manual"}, {"source", nullptr}, {"source_type", "manual"},
                         {"config", json::object()}};
    auto sec = security_from_contract(json::object(), "sha256:manual");
    if (!sec.ok()) return sec.error();
    m["security"] = *sec;
  } else {
    std::string ref = o.from_skill.empty() ? o.workflow_ref : "skill-episodes-v1";
    auto wf = workflow::resolve(ref);
    if (!wf.ok()) return wf.error();
    const auto& w = wf->first;
    schema_src = w.schema_path();
    m["workflow"] = json{{"skill", w.name}, {"digest", w.digest}, {"source", w.path.string()}, {"source_type", wf->second},
                         {"config", json::object()}};
    auto sec = security_from_contract(w.security, w.digest);
    if (!sec.ok()) return sec.error();
    m["security"] = *sec;
    if (w.identity.is_object()) m["identity"] = w.identity;
    if (!o.from_skill.empty()) {
      m["workflow"]["config"]["skill"] = o.from_skill;
      m["candidate_query"] = json{{"name", o.name + "-" + o.from_skill + "-query"},
                                  {"scope", "all-projects"},
                                  {"args", {{"skill", o.from_skill}, {"candidate_kind", "skill_invocation"}}},
                                  {"facets", json::object()}};
    }
    next = "git opentraces dataset run " + o.name + (o.from_skill.empty() ? "" : " --executor script") + " --json";
  }
  if (o.candidate_query.is_object() && !o.candidate_query.empty()) {
    json q = m["candidate_query"].is_object() ? m["candidate_query"] : json{{"name", o.name + "-query"}, {"scope", "all-projects"},
                                                                          {"args", json::object()}, {"facets", json::object()}};
    for (auto it = o.candidate_query.begin(); it != o.candidate_query.end(); ++it) {
      if (it.value().is_object() && q.contains(it.key()) && q[it.key()].is_object()) q[it.key()].update(it.value());
      else q[it.key()] = it.value();
    }
    m["candidate_query"] = q;
  }
  Result<std::string> schema_text = schema_text_builtin;
  if (!o.traces) schema_text = read_file(schema_src);
  if (!schema_text.ok()) return schema_text.error();
  auto schema = o.traces ? JsonSchema::parse(json::parse(*schema_text), kTraceRowSchemaId) : JsonSchema::load(schema_src);
  if (!schema.ok()) return schema.error();
  auto schema_json = parse_json(*schema_text, o.traces ? std::string(kTraceRowSchemaId) : schema_src.string());
  if (!schema_json.ok()) return schema_json.error();
  m["schema"] = json{{"path", ".opentraces/row.schema.json"},
                     {"version", schema_json->value("$id", std::string("1"))},
                     {"digest", json_digest(*schema_json)}};

  // Build in a hidden sibling and rename: a failed `new` leaves nothing behind.
  OT_TRY_STATUS(ensure_dir(datasets_root()));
  fs::path tmp = datasets_root() / ("." + o.name + ".new-" + std::to_string(getpid()));
  fs::remove_all(tmp, ec);
  auto cleanup = [&] { fs::remove_all(tmp, ec); };
  OT_TRY_STATUS(ensure_dir(tmp / ".opentraces"));
  OT_TRY_STATUS(ensure_dir(tmp / "data"));
  if (auto s = write_file_atomic(tmp / "data" / "train.jsonl", ""); !s.ok()) {  // HF shape from the start
    cleanup();
    return s.error();
  }
  if (auto s = write_file_atomic(tmp / ".opentraces" / "row.schema.json", *schema_text); !s.ok()) {
    cleanup();
    return s.error();
  }
  if (auto s = write_file_atomic(tmp / ".opentraces" / "manifest.json", pretty_json(m)); !s.ok()) {
    cleanup();
    return s.error();
  }
  int64_t row_count = 0;
  if (manual) {
    auto rows = read_output(o.rows_file);
    if (!rows.ok()) {
      cleanup();
      Error e = rows.error();
      e.code = "ROWS_INVALID";
      e.exit = ExitCode::kUsage;
      e.kind = "dataset new";
      return e;
    }
    auto ds = Dataset::open_dir(tmp);
    if (!ds.ok()) {
      cleanup();
      return ds.error();
    }
    const std::string run_id = "manual_" + stamp_compact();
    std::vector<std::pair<RowIndexEntry, json>> add;
    std::vector<RowState> states;
    std::set<std::string> seen;
    const auto tools = effective_tools(m);
    auto sanitizer = RowSanitizer::make(tools, m["security"].value("privacy_tier", "medium"));
    if (!sanitizer.ok()) {
      cleanup();
      return sanitizer.error();
    }
    int line = 0;
    for (const auto& r : *rows) {
      ++line;
      auto san = sanitizer->sanitize(r, o.name);
      if (!san.ok()) {
        cleanup();
        return san.error();
      }
      auto v = schema->validate(san->row);
      if (!v.empty()) {
        cleanup();
        return make_error(ExitCode::kUsage, "ROWS_INVALID", "dataset new",
                          "row " + std::to_string(line) + " of " + o.rows_file + " fails the schema: " + JsonSchema::summarize(v),
                          "fix the rows or the schema; nothing was created");
      }
      RowIndexEntry e;
      e.identity_hash = json_digest(identity_input(san->row, m));
      if (!seen.insert(e.identity_hash).second) continue;
      e.payload_hash = json_digest(san->row);
      e.row_id = "row_" + e.identity_hash.substr(7, 16);
      e.schema_digest = m["schema"]["digest"];
      e.run_id = run_id;
      e.appended_at = utc_now_iso();
      e.provenance.source_ref = san->row.value("source_ref", std::string("raw:manual:" + std::to_string(line)));
      e.provenance.security = json{{"privacy_tier", m["security"].value("privacy_tier", "medium")},
                                   {"requested_tools", tools},
                                   {"tools_applied", san->tools_applied},
                                   {"redactions_applied", san->redactions_applied},
                                   {"findings", san->findings},
                                   {"security_version", san->security_version},
                                   {"source_scanned", true},  // synthetic source: nothing to scan in the bucket
                                   {"source", "raw:manual"}};
      RowState s;
      s.row_id = e.row_id;
      s.updated_at = e.appended_at;
      states.push_back(s);
      add.emplace_back(std::move(e), std::move(san->row));
    }
    if (auto s = ds->append(add, states); !s.ok()) {
      cleanup();
      return s.error();
    }
    if (auto s = ds->save_state(evaluate_states(*ds)); !s.ok()) {
      cleanup();
      return s.error();
    }
    row_count = ds->row_count();
  }
  fs::rename(tmp, *dir, ec);
  if (ec) {
    cleanup();
    return make_error(ExitCode::kResource, "IO_ERROR", "dataset new", "cannot create " + dir->string() + ": " + ec.message());
  }
  json out{{"dataset",
            {{"name", o.name},
             {"path", dir->string()},
             {"manifest", m},
             {"security", m["security"]},
             {"manual", manual},
             {"traces", o.traces},
             {"row_count", row_count}}},
           {"next_command", next}};
  return out;
}

}  // namespace ot::dataset
