#include "engine/dataset/manifest.h"

#include <algorithm>
#include <set>

#include "engine/util/time.h"

namespace ot::dataset {

const std::vector<std::string>& row_tools() {
  static const std::vector<std::string> v{"regex", "entropy", "privacy_filter", "business_logic", "path_anonymizer"};
  return v;
}

const std::vector<std::string>& reader_floor() {
  static const std::vector<std::string> v{"regex", "entropy", "business_logic", "path_anonymizer"};
  return v;
}

json default_manifest(const std::string& name) {
  return json{{"schema_version", kManifestSchema},
              {"name", name},
              {"description", ""},
              {"created_at", utc_now_iso()},
              {"schema", {{"path", ".opentraces/row.schema.json"}, {"version", "1"}, {"digest", ""}}},
              {"workflow", {{"skill", ""}, {"digest", ""}, {"source", ""}, {"source_type", ""}, {"config", json::object()}}},
              {"executor", {{"default", "script"}, {"timeout_minutes", 30}}},
              {"identity", {{"mode", "payload_hash"}, {"fields", json::array()}}},
              {"candidate_query", nullptr},
              {"schedule", nullptr},
              {"discoverability",
               {{"license", "other"},
                {"pretty_name", name},
                {"tags", {"opentraces", "agent-traces"}},
                {"task_categories", json::array()},
                {"language", json::array({"en"})}}},
              {"remotes", json::object()},
              {"active_remote", nullptr},
              {"remote_schema", "refuse_if_newer"},
              {"publication_policy", {{"review", "required"}, {"security", "required"}, {"llm_review", "off"}}},
              {"security", nullptr}};
}

namespace {

Error contract_error(const std::string& msg) {
  return make_error(ExitCode::kUsage, "INVALID_SECURITY_CONTRACT", "workflow", msg,
                    "fix the `security` block of the workflow's SKILL.md");
}

Result<std::set<std::string>> tool_set(const json& c, const char* key) {
  std::set<std::string> out;
  if (!c.contains(key) || c[key].is_null()) return out;
  if (!c[key].is_array()) return contract_error(std::string("security.") + key + " must be a list of tool names");
  for (const auto& t : c[key]) {
    if (!t.is_string()) return contract_error(std::string("security.") + key + " must hold strings");
    out.insert(t.get<std::string>());
  }
  return out;
}

bool disjoint(const std::set<std::string>& a, const std::set<std::string>& b) {
  for (const auto& x : a)
    if (b.count(x)) return false;
  return true;
}

json to_array(const std::set<std::string>& s) { return json(std::vector<std::string>(s.begin(), s.end())); }

}  // namespace

Result<json> security_from_contract(const json& contract, const std::string& workflow_digest) {
  json c = contract.is_object() ? contract : json::object();
  auto req = tool_set(c, "required_tools");
  if (!req.ok()) return req.error();
  auto opt = tool_set(c, "optional_tools");
  if (!opt.ok()) return opt.error();
  auto def = tool_set(c, "default_enabled_tools");
  if (!def.ok()) return def.error();
  auto dis = tool_set(c, "disallowed_tools");
  if (!dis.ok()) return dis.error();
  if (!disjoint(*req, *opt) || !disjoint(*req, *dis) || !disjoint(*opt, *dis))
    return contract_error("required, optional and disallowed tools must not overlap");
  for (const auto& t : *def)
    if (!req->count(t) && !opt->count(t))
      return contract_error("default-enabled tool '" + t + "' is neither required nor optional");
  std::set<std::string> enabled = *req;
  enabled.insert(def->begin(), def->end());
  bool allow_disable = c.value("allow_disable_required", false);
  return json{{"source", "workflow"},
              {"source_workflow_digest", workflow_digest},
              {"required_tools", to_array(*req)},
              {"optional_tools", to_array(*opt)},
              {"enabled_tools", to_array(enabled)},
              {"disallowed_tools", to_array(*dis)},
              {"allow_disable_required", allow_disable},
              {"overrides", json::array()},
              {"privacy_tier", c.value("privacy_tier", std::string("medium"))}};
}

Status validate_manifest(const json& m) {
  auto bad = [](const std::string& key, const std::string& why) -> Status {
    return make_error(ExitCode::kResource, "MANIFEST_INVALID", "dataset",
                      "dataset manifest: " + key + " " + why,
                      "fix .opentraces/manifest.json or recreate the dataset");
  };
  if (!m.is_object()) return bad("(root)", "must be an object");
  static const std::set<std::string> known{
      "schema_version", "name", "description", "created_at", "schema", "workflow", "executor", "identity",
      "candidate_query", "schedule", "discoverability", "remotes", "active_remote", "remote_schema",
      "publication_policy", "security"};
  for (auto it = m.begin(); it != m.end(); ++it)
    if (!known.count(it.key())) return bad(it.key(), "is not a manifest key");
  for (const char* k : {"name", "schema_version"})
    if (!m.contains(k) || !m[k].is_string()) return bad(k, "must be a string");
  for (const char* k : {"schema", "workflow", "executor", "identity", "remotes", "publication_policy"})
    if (!m.contains(k) || !m[k].is_object()) return bad(k, "must be an object");
  const std::string mode = m["identity"].value("mode", "");
  if (mode != "payload_hash" && mode != "fields") return bad("identity.mode", "must be payload_hash or fields");
  if (mode == "fields" && (!m["identity"].contains("fields") || !m["identity"]["fields"].is_array() ||
                           m["identity"]["fields"].empty()))
    return bad("identity.fields", "must list at least one field when mode is fields");
  const auto& ar = m.value("active_remote", json());
  if (!ar.is_null()) {
    if (!ar.is_string()) return bad("active_remote", "must be a string or null");
    if (!m["remotes"].contains(ar.get<std::string>())) return bad("active_remote", "names a remote that does not exist");
  }
  const std::string review = m["publication_policy"].value("review", "required");
  if (review != "required" && review != "auto") return bad("publication_policy.review", "must be required or auto");
  return ok_status();
}

std::vector<std::string> effective_tools(const json& manifest) {
  std::set<std::string> out(reader_floor().begin(), reader_floor().end());
  const auto& sec = manifest.value("security", json());
  if (sec.is_object() && sec.contains("enabled_tools") && sec["enabled_tools"].is_array())
    for (const auto& t : sec["enabled_tools"])
      if (t.is_string() && std::find(row_tools().begin(), row_tools().end(), t.get<std::string>()) != row_tools().end())
        out.insert(t.get<std::string>());
  return {out.begin(), out.end()};
}

}  // namespace ot::dataset
