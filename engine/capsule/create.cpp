// Building and writing a capsule (create.h).
#include "engine/capsule/create.h"

#include <unistd.h>

#include "engine/capsule/manifest.h"
#include "engine/capsule/mini_bucket.h"
#include "engine/capsule/redact.h"
#include "engine/capsule/repo_pin.h"
#include "engine/capsule/slice.h"
#include "engine/ctx/tree.h"
#include "engine/util/fs.h"
#include "engine/util/time.h"
#include "engine/version.h"

namespace ot::capsule {

namespace fs = std::filesystem;

namespace {

// The context tree of the redacted slice, as the capsule carries it: layer ids per node
// (ids of what is carried, so nothing of the excluded text can be confirmed from them).
json context_layers(const json& record) {
  auto built = ctx::build_tree(record);
  json nodes = json::array();
  for (const auto& n : built.tree.value("nodes", json::array())) {
    const json& x = n.value("x", json::object());
    nodes.push_back({{"step_index", n.value("step_index", 0)},
                     {"node_id", n.value("node_id", "")},
                     {"branch_type", n.value("branch_type", json())},
                     {"system_layer_id", n.value("system_layer_id", json())},
                     {"messages_layer_id", n.value("messages_layer_id", json())},
                     {"tool_registry_layer_id", n.value("tool_registry_layer_id", json())},
                     {"runtime_state_layer_id", n.value("runtime_state_layer_id", json())},
                     {"message_count", x.value("message_count", 0)},
                     {"input_tokens", x.value("input_tokens", json())}});
  }
  return {{"context_tree_version", ctx::kTreeVersion},
          {"capture_method", built.tree.value("capture_method", json())},
          {"node_count", nodes.size()},
          {"nodes", nodes}};
}

std::string str(const json& j, const char* k) { return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; }

// From the redacted record only: the bucket row's title is cut from the unredacted text
// (a secret cut in half there is no longer recognisable as one).
std::string title_of(const json& record) {
  std::string t;
  if (record.contains("task")) t = str(record["task"], "description");
  if (t.empty())
    for (const auto& s : record["steps"])
      if (str(s, "role") == "user" && !str(s, "content").empty()) {
        t = str(s, "content");
        break;
      }
  return one_line(t.empty() ? "agent session" : t, 80);
}

Error write_failed(const fs::path& p, const std::string& why) {
  return make_error(ExitCode::kResource, "CAPSULE_WRITE_FAILED", "capsule create", "cannot write " + p.string() + ": " + why,
                    "check free space and permissions, or pass --out");
}

}  // namespace

Result<CreateResult> create_capsule(bucket::Bucket& b, const CreateOptions& o, bool write) {
  auto pin = pin_repo(o.repo_dir, o.pin.empty() ? "HEAD" : o.pin);
  if (!pin.ok()) return pin.error();
  auto slice = load_slice(b, o.ref);
  if (!slice.ok()) return slice.error();
  const std::string tid = slice->address.trace_id;
  auto row = b.row(tid);
  json row_j = row.ok() ? *row : json::object();

  auto policy = floor_policy();
  if (!policy.ok()) return policy.error();
  RedactOptions ro;
  ro.include_prompts = o.include_prompts;
  ro.home = o.home;
  ro.scope = tid;
  auto red = redact(slice->record, slice->events, *policy, ro);
  if (!red.ok()) return red.error();

  auto anchors = trail_anchors(pin->root, tid, slice->address.from_step, slice->address.to_step);
  if (!anchors.ok()) return anchors.error();

  json test = nullptr;
  if (!o.test_command.empty())
    test = {{"command", o.test_command}, {"expect_error", o.expect_error.empty() ? json() : json(o.expect_error)}};
  std::string remote = o.repo_url.empty() ? pin->remote_url : o.repo_url;
  json repo = {{"commit", pin->commit},
               {"branch", pin->branch.empty() ? json() : json(pin->branch)},
               {"remote_url", remote.empty() ? json() : json(remote)},
               {"github_repo", github_repo_of(remote).empty() ? json() : json(github_repo_of(remote))}};
  const json& rec = red->record;
  json material = {{"trace_id", tid},
                   {"from_step", slice->address.from_step},
                   {"to_step", slice->address.to_step},
                   {"record", json_digest(rec)},
                   {"commit", pin->commit},
                   {"test", test},
                   {"include_prompts", o.include_prompts},
                   {"bundle", o.bundle}};
  std::string id = capsule_id_of(material);

  // The record as the mini-bucket stores it names its capsule, so an imported slice says
  // where it came from.
  json stored = rec;
  stored["metadata"]["capsule"] = {{"capsule_id", id},
                                   {"source_from_step", slice->address.from_step},
                                   {"source_to_step", slice->address.to_step},
                                   {"source_step_count", slice->source_step_count}};

  fs::path out = o.out.empty() ? pin->root / ".opentraces" / "capsules" : o.out;
  CreateResult res;
  res.dir = out / id;
  fs::path stage = write ? out / ("." + id + ".partial-" + std::to_string(getpid())) : scratch_dir("preview");
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      if (!p.empty()) fs::remove_all(p, ec);
    }
  } cleanup{stage};
  std::error_code ec;
  fs::remove_all(stage, ec);
  fs::create_directories(stage, ec);
  if (ec) return write_failed(stage, ec.message());

  std::string written_at = str(rec, "timestamp_end");
  if (written_at.empty()) written_at = str(rec, "timestamp_start");
  std::string project = str(row_j, "project_slug");
  auto digest = write_mini_bucket(stored, red->events, project.empty() ? "_unassigned" : project, written_at, stage / "mini-bucket");
  if (!digest.ok()) return digest.error();

  json bundle = nullptr;
  if (o.bundle && write) {
    auto bj = write_bundle(pin->root, pin->commit, stage / "bundle.tar.gz");
    if (!bj.ok()) return bj.error();
    bundle = *bj;
  } else if (o.bundle) {
    bundle = {{"path", "bundle.tar.gz"}, {"format", "tar.gz"}, {"commit", pin->commit}};
  }

  json steps = step_outline(rec);
  json layers = context_layers(rec);
  json doc = {{"schema_version", kSchema},
              {"capsule_id", id},
              {"created_at", utc_now_iso()},
              {"generator", {{"name", "git-opentraces"}, {"version", OT_VERSION}}},
              {"title", title_of(rec)},
              {"trace",
               {{"trace_id", tid},
                {"session_id", str(rec, "session_id")},
                {"agent", rec.contains("agent") ? json(str(rec["agent"], "name")) : json()},
                {"model", rec.contains("agent") ? json(str(rec["agent"], "model")) : json()},
                {"timestamp_start", str(rec, "timestamp_start")},
                {"timestamp_end", str(rec, "timestamp_end")},
                {"step_count", slice->source_step_count}}},
              {"slice",
               {{"address", slice->address.input},
                {"kind", slice->address.kind == discovery::AddressKind::kTrace  ? "trace"
                         : slice->address.kind == discovery::AddressKind::kStep ? "step"
                                                                                 : "span"},
                {"from_step", slice->address.from_step},
                {"to_step", slice->address.to_step},
                {"step_count", steps.size()},
                {"source_step_count", slice->source_step_count},
                {"steps", steps},
                {"record", stored}}},
              {"trail_anchors", *anchors},
              {"context_layers", layers},
              {"repo", repo},
              {"test", test},
              {"bundle", bundle},
              {"mini_bucket", {{"path", "mini-bucket"}, {"digest", *digest}}},
              {"mini_bucket_digest", *digest},
              {"redaction", red->report},
              {"privacy_scope",
               {{"include_prompts", o.include_prompts},
                {"carries", {"slice", "trail_anchors", "context_layer_ids", "repo_pin", "mini_bucket"}},
                {"excludes", o.include_prompts ? json::array() : json{"system_prompts", "reasoning", "hook_events", "context_events"}}}}};
  res.doc = doc;
  res.markdown = render_markdown(doc);
  res.inventory = {{"steps", steps.size()},
                   {"trail_anchors", anchors->size()},
                   {"context_layers", layers["node_count"]},
                   {"has_test", !test.is_null()},
                   {"has_bundle", o.bundle},
                   {"mini_bucket_digest", *digest}};
  if (!write) return res;

  if (auto st = write_file_atomic(stage / "capsule.json", pretty_json(doc)); !st.ok()) return st.error();
  if (auto st = write_file_atomic(stage / "capsule.md", res.markdown); !st.ok()) return st.error();
  fs::remove_all(res.dir, ec);  // the same id is the same capsule: replace it whole
  fs::rename(stage, res.dir, ec);
  if (ec) return write_failed(res.dir, ec.message());
  cleanup.p.clear();
  res.files = {"capsule.json", "capsule.md", "mini-bucket/manifest.json"};
  if (o.bundle) res.files.push_back("bundle.tar.gz");
  return res;
}

}  // namespace ot::capsule
