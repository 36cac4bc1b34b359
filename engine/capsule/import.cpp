// Importing a capsule into the bucket (import.h).
#include "engine/capsule/import.h"

#include "engine/util/fs.h"

namespace ot::capsule {

json ImportResult::to_json() const {
  return {{"trace_id", trace_id},     {"capsule_id", capsule_id},         {"via", via},
          {"trail_anchor_count", trail_anchor_count}, {"generations_added", generations_added},
          {"events_added", events_added}, {"conflicts", conflicts}, {"result", status}};
}

Result<ImportResult> import_capsule(bucket::Bucket& b, const Capsule& c) {
  ImportResult r;
  r.trace_id = c.doc["trace"].value("trace_id", "");
  r.capsule_id = c.doc.value("capsule_id", "");
  r.trail_anchor_count = static_cast<int>(c.doc.value("trail_anchors", json::array()).size());
  r.via = c.has_mini_bucket() ? "mini_bucket" : "record";

  auto existing = b.get_record(r.trace_id);
  if (existing.ok()) {
    const json& meta = existing->value("metadata", json::object());
    std::string have = meta.contains("capsule") && meta["capsule"].is_object() ? meta["capsule"].value("capsule_id", "") : "";
    if (have == r.capsule_id) {
      r.status = "unchanged";
      return r;
    }
    if (have.empty()) {
      r.status = "conflict";
      r.conflicts.push_back({{"code", "local_trace_exists"},
                             {"detail", "this bucket holds trace " + r.trace_id + " from its own capture; the capsule's slice was not imported over it"}});
      return r;
    }
    r.conflicts.push_back({{"code", "replaced_capsule"}, {"detail", "the trace came from capsule " + have + "; now from " + r.capsule_id}});
  } else if (existing.error().code != "TRACE_NOT_FOUND") {
    return existing.error();
  }

  if (c.has_mini_bucket()) {
    // The manifest's digest must be the one capsule.json names; import_from then checks
    // the files against the manifest before writing anything.
    auto text = read_file(c.mini_bucket_dir() / "manifest.json");
    if (!text.ok()) return text.error();
    auto m = parse_json(*text, (c.mini_bucket_dir() / "manifest.json").string());
    std::string digest = m.ok() && m->is_object() ? m->value("bucket_digest", "") : "";
    if (digest != c.doc.value("mini_bucket_digest", ""))
      return make_error(ExitCode::kResource, "CAPSULE_DIGEST_MISMATCH", "capsule import",
                        "the mini-bucket in " + c.dir.string() + " (" + (digest.empty() ? "no digest" : digest) +
                            ") is not the one capsule.json names (" + c.doc.value("mini_bucket_digest", "none") + "); nothing was imported",
                        "the capsule directory was edited or mixed with another: fetch or create it again");
    auto rep = b.import_from(c.mini_bucket_dir());
    if (!rep.ok()) return rep.error();
    r.generations_added = rep->generations_added;
    r.events_added = rep->events_added;
  } else {
    auto put = b.put_record(c.doc["slice"]["record"]);
    if (!put.ok()) return put.error();
    r.generations_added = put->changed ? 1 : 0;
  }
  r.status = r.generations_added > 0 ? "imported" : "unchanged";
  return r;
}

}  // namespace ot::capsule
