#include "engine/trails/candidates.h"

#include <set>

#include "engine/schema/patch.h"
#include "engine/util/time.h"

namespace ot::trails {

namespace fs = std::filesystem;

namespace {

std::string str_at(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

MatchablePatch from_schema(const schema::Patch& p, const TraceCandidate& t) {
  MatchablePatch m;
  m.trace_id = t.trace_id;
  m.agent = t.agent;
  m.model = t.model;
  m.patch_id = p.patch_id;
  m.step_index = p.step_index;
  m.hunk_index = p.hunk_index;
  m.file_path = p.file_path;
  m.cwd = t.cwd;
  m.operation = p.operation;
  m.old_text = p.old_text;
  m.authored_text = p.authored_text;
  return m;
}

}  // namespace

void complete_from_record(TraceCandidate& t, const json& record) {
  if (!record.is_object()) return;
  if (t.trace_id.empty()) t.trace_id = str_at(record, "trace_id");
  const json agent = record.value("agent", json::object());
  if (t.agent.empty()) t.agent = agent.is_object() ? str_at(agent, "name") : (agent.is_string() ? agent.get<std::string>() : "");
  if (t.model.empty() && agent.is_object()) t.model = str_at(agent, "model");
  if (t.cwd.empty()) {
    for (const char* path : {"/metadata/cwd", "/environment/cwd", "/metadata/project_root"}) {
      json::json_pointer ptr(path);
      if (record.contains(ptr) && record[ptr].is_string()) {
        t.cwd = record[ptr].get<std::string>();
        break;
      }
    }
  }
  if (t.last_activity_ms == 0) {
    if (auto ms = ms_from_iso(str_at(record, "timestamp_end"))) t.last_activity_ms = *ms;
  }
}

std::vector<MatchablePatch> patches_for_trace(const TraceCandidate& trace, const json& record,
                                              const std::vector<json>& events) {
  std::vector<MatchablePatch> out;
  std::set<std::string> seen;
  auto add = [&](const json& pj) {
    auto p = schema::patch_from_json(pj);
    if (!p.ok() || p->file_path.empty()) return;
    if (p->authored_text.empty() && p->operation != "delete") return;
    if (!p->patch_id.empty() && !seen.insert(p->patch_id).second) return;
    out.push_back(from_schema(*p, trace));
  };
  if (record.is_object() && record.contains("patches") && record["patches"].is_array())
    for (const auto& pj : record["patches"]) add(pj);
  for (const auto& e : events) {
    if (str_at(e, "event_type") != "trace_patch_created") continue;
    if (e.contains("patch")) add(e["patch"]);
    else if (e.contains("payload") && e["payload"].is_object() && e["payload"].contains("patch")) add(e["payload"]["patch"]);
  }
  return out;
}

bool cwd_in_repo(const std::string& cwd, const fs::path& repo_root) {
  if (cwd.empty() || repo_root.empty()) return false;
  std::error_code ec;
  fs::path c = fs::weakly_canonical(fs::path(cwd), ec);
  if (ec) c = fs::path(cwd).lexically_normal();
  fs::path r = fs::weakly_canonical(repo_root, ec);
  if (ec) r = repo_root.lexically_normal();
  fs::path rel = c.lexically_relative(r);
  return !rel.empty() && *rel.begin() != "..";
}

std::vector<MatchablePatch> patches_from_documents(const std::vector<json>& docs) {
  std::vector<MatchablePatch> out;
  for (const auto& d : docs) {
    if (!d.is_object()) continue;
    TraceCandidate t;
    t.trace_id = str_at(d, "trace_id");
    if (d.contains("patch")) {
      t.agent = str_at(d, "agent");
      t.model = str_at(d, "model");
      t.cwd = str_at(d, "cwd");
      auto ps = patches_for_trace(t, json{{"patches", json::array({d["patch"]})}}, {});
      out.insert(out.end(), ps.begin(), ps.end());
    } else {
      complete_from_record(t, d);
      auto ps = patches_for_trace(t, d, {});
      out.insert(out.end(), ps.begin(), ps.end());
    }
  }
  return out;
}

}  // namespace ot::trails
