#include "engine/schema/patch.h"

#include "engine/schema/reader.h"

namespace ot::schema {

namespace {
json null_if_empty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
}  // namespace

std::string make_patch_id(const std::string& trace_id, const std::string& tool_call_id,
                          const std::string& file_path, int hunk_index, const std::string& authored_text) {
  json material = {{"trace_id", trace_id},
                   {"tool_call_id", tool_call_id},
                   {"file_path", file_path},
                   {"hunk_index", hunk_index},
                   {"authored_text", authored_text}};
  return domain_digest(kTracePatchDomain, material);
}

json to_json(const GitAnchor& a) {
  json j = {{"last_searched_at", null_if_empty(a.last_searched_at)},
            {"found", a.found},
            {"commit_sha", null_if_empty(a.commit_sha)},
            {"path", null_if_empty(a.path)},
            {"blob_sha", null_if_empty(a.blob_sha)},
            {"git_patch_id", null_if_empty(a.git_patch_id)},
            {"evidence_tier", null_if_empty(a.evidence_tier)},
            {"evidence_firmness", null_if_empty(a.evidence_firmness)}};
  merge_extras(j, a.extra);
  return j;
}

json to_json(const Patch& p) {
  json j = {{"patch_id", p.patch_id},
            {"file_path", p.file_path},
            {"step_index", p.step_index},
            {"hunk_index", p.hunk_index},
            {"tool_call_id", p.tool_call_id},
            {"tool_name", p.tool_name},
            {"capture_method", p.capture_method},
            {"authored_text", p.authored_text},
            {"old_text", p.old_text},
            {"operation", p.operation},
            {"old_path", null_if_empty(p.old_path)},
            {"snapshot_before_id", null_if_empty(p.snapshot_before_id)},
            {"snapshot_after_id", null_if_empty(p.snapshot_after_id)},
            {"anchor", p.anchor ? to_json(*p.anchor) : json(nullptr)},
            {"superseded_by", p.superseded_by},
            {"limitations", p.limitations}};
  merge_extras(j, p.extra);
  return j;
}

Result<GitAnchor> anchor_from_json(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  GitAnchor a;
  a.last_searched_at = r.str("last_searched_at");
  a.found = r.boolean("found");
  a.commit_sha = r.str("commit_sha");
  a.path = r.str("path");
  a.blob_sha = r.str("blob_sha");
  a.git_patch_id = r.str("git_patch_id");
  a.evidence_tier = r.str("evidence_tier");
  a.evidence_firmness = r.str("evidence_firmness");
  if (!r.ok()) return r.error();
  a.extra = r.extras();
  return a;
}

Result<Patch> patch_from_json(const json& j) { return patch_from_json(j, "patch"); }

Result<Patch> patch_from_json(const json& j, const std::string& path) {
  ObjectReader r(j, path);
  Patch p;
  p.patch_id = r.str("patch_id", true);
  p.file_path = r.str("file_path", true);
  p.step_index = static_cast<int>(r.integer("step_index"));
  p.hunk_index = static_cast<int>(r.integer("hunk_index"));
  p.tool_call_id = r.str("tool_call_id");
  p.tool_name = r.str("tool_name");
  p.capture_method = r.str_list("capture_method");
  p.authored_text = r.str("authored_text");
  p.old_text = r.str("old_text");
  p.operation = r.str("operation");
  p.old_path = r.str("old_path");
  p.snapshot_before_id = r.str("snapshot_before_id");
  p.snapshot_after_id = r.str("snapshot_after_id");
  if (const json* a = r.raw("anchor")) {
    auto anchor = anchor_from_json(*a, r.child("anchor"));
    if (!anchor.ok()) return anchor.error();
    p.anchor = std::move(anchor).value();
  }
  p.superseded_by = r.str_list("superseded_by");
  p.limitations = r.str_list("limitations");
  if (r.ok() && !p.operation.empty() && p.operation != "create" && p.operation != "edit" &&
      p.operation != "delete" && p.operation != "rename")
    r.fail(schema_error(r.child("operation"), "expected create|edit|delete|rename, got \"" + p.operation + "\""));
  if (r.ok() && p.patch_id.empty()) r.fail(schema_error(r.child("patch_id"), "must not be empty"));
  if (!r.ok()) return r.error();
  p.extra = r.extras();
  return p;
}

}  // namespace ot::schema
