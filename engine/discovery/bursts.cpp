#include "engine/discovery/bursts.h"

#include <algorithm>
#include <set>

#include "engine/discovery/run_intel.h"
#include "engine/discovery/steps.h"
#include "engine/trails/fact.h"
#include "notes/diff.h"
#include "notes/handle.h"
#include "notes/notes_store.h"

namespace ot::discovery {

namespace {

struct EditItem {
  int step = 0;
  std::string file;
  json patch;  // {patch_id, git_anchor_id, commit_sha, evidence_firmness, evidence_tier, file_path, step_index}
  std::string old_text, new_text;
};

std::string str_at(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json null_or(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// (step, head) pairs the hooks recorded, in event order.
std::vector<std::pair<int, std::string>> head_trail(const schema::TraceRecord& r, const std::vector<json>& events) {
  std::map<std::string, int> step_of;
  for (const auto& s : r.steps)
    for (const auto& c : s.tool_calls) step_of[c.tool_call_id] = s.step_index;
  std::vector<std::pair<int, std::string>> out;
  for (const auto& e : events) {
    if (str_at(e, "event_type") != "hook_event") continue;
    std::string head = str_at(e.value("git", json::object()), "head");
    if (head.empty()) continue;
    const json& p = e.value("payload", json::object());
    std::string call = str_at(p, "tool_use_id");
    if (call.empty()) call = str_at(p, "tool_call_id");
    if (call.empty()) call = str_at(p, "toolCallId");
    auto it = step_of.find(call);
    if (it == step_of.end()) continue;
    out.emplace_back(it->second, head);
  }
  return out;
}

// Intent from the user instructions at or before the burst start, latest first.
void fill_intent(Burst& b, const TraceMap& m, const schema::TraceRecord& r) {
  std::vector<const schema::Step*> asks;
  for (const auto& n : m.nodes)
    if (n.action_type == "user_instruction" && n.step_index <= b.from_step)
      asks.push_back(&r.steps.at(static_cast<size_t>(n.step_index)));
  std::string trigger, spec;
  int spec_step = -1, trigger_step = -1;
  json chain = json::array();
  for (auto it = asks.rbegin(); it != asks.rend(); ++it) {
    const std::string& text = (*it)->content;
    if (is_trigger(text)) {
      if (trigger.empty() && spec.empty()) trigger = text.substr(0, 200), trigger_step = (*it)->step_index;
      continue;
    }
    chain.insert(chain.begin(), {{"step", (*it)->step_index}, {"text", preview(text, 500)}});
    // A substantive spec says enough to act on; short remarks join the chain and the walk goes on.
    if (text.size() >= 40 || it + 1 == asks.rend()) {
      spec = text.substr(0, 500);
      spec_step = (*it)->step_index;
      break;
    }
  }
  b.intent_text = spec.empty() ? trigger : spec;
  b.intent_user_step = spec.empty() ? trigger_step : spec_step;
  b.intent["trigger"] = null_or(trigger);
  b.intent["most_substantive_spec"] = null_or(spec);
  b.intent["spec_chain"] = chain;
}

// Keeps the patches a known commit took (reference 4.7 step 5).
void refine_with_commit(Burst& b, std::vector<EditItem>& items, const git::Repo& repo, const std::string& root) {
  // Patch paths are relative to the session cwd; the commit's to the repository top.
  std::string sub = relative_to(root, repo.workdir().string());
  if (sub == "." || sub == root) sub.clear();
  auto in_repo = [&](const std::string& f) { return sub.empty() || f.empty() || f[0] == '/' ? f : sub + "/" + f; };
  auto diff = git::commit_diff(repo, b.commit_sha, git::DiffOptions{false, false, 4 << 20});
  if (!diff.ok()) {
    b.intent["commit_lookup_error"] = diff.error().message;
    return;
  }
  b.commit_sha = diff->commit.sha;
  b.commit_subject = diff->commit.subject;
  std::map<std::string, int> hunks;
  for (const auto& f : diff->files) hunks[f.path] = static_cast<int>(f.hunks.size());
  std::vector<EditItem> kept;
  for (auto& it : items)
    if (hunks.count(in_repo(it.file)) && (b.commit_step < 0 || it.step <= b.commit_step)) kept.push_back(it);
  if (kept.empty()) {
    b.intent["commit_lookup_error"] = "none of the burst's files is in commit " + b.commit_sha;
    return;
  }
  // A later edit whose old text lies inside an earlier edit's new text refines that edit.
  std::vector<EditItem> merged;
  for (auto& it : kept) {
    bool chained = false;
    for (const auto& prev : merged)
      if (prev.file == it.file && !it.old_text.empty() && prev.new_text.find(it.old_text) != std::string::npos)
        chained = true;
    if (!chained) merged.push_back(it);
  }
  // More edits than the commit has hunks in a file (by at most 2): the oldest are superseded.
  std::map<std::string, int> count;
  for (const auto& it : merged) count[it.file]++;
  std::vector<EditItem> out;
  std::map<std::string, int> dropped;
  for (const auto& it : merged) {
    int extra = count[it.file] - hunks[in_repo(it.file)];
    if (extra > 0 && extra <= 2 && dropped[it.file] < extra) {
      dropped[it.file]++;
      continue;
    }
    out.push_back(it);
  }
  items = std::move(out);
}

}  // namespace

Result<BurstContext> burst_context(bucket::Bucket& bucket, const schema::TraceRecord& r, bool commit_lookup) {
  BurstContext ctx;
  auto events = bucket.events(r.trace_id);
  if (!events.ok()) return events.error();
  ctx.events = std::move(events).value();
  std::string root = record_root(r);
  if (root.empty()) {
    ctx.limitations.push_back("no_cwd_no_git_lookup");
    return ctx;
  }
  auto repo = git::Repo::open(root);
  if (!repo.ok()) {
    ctx.limitations.push_back("repository_not_found");
    return ctx;
  }
  if (commit_lookup) ctx.repo_dir = root;
  auto notes = git::all_notes(*repo);
  if (!notes.ok()) {
    ctx.limitations.push_back("notes_unreadable");
    return ctx;
  }
  for (const auto& n : *notes)
    for (const auto& f : trails::parse_note(n.text).facts)
      if (f.trace_id == r.trace_id && !f.patch_id.empty() && !ctx.patch_anchors.count(f.patch_id))
        ctx.patch_anchors[f.patch_id] = {{"commit_sha", n.commit_sha}, {"anchor_id", f.anchor_id},
                                         {"tier", f.tier}, {"firmness", f.firmness}};
  return ctx;
}

std::vector<Burst> compute_bursts(const schema::TraceRecord& r, const TraceMap& m, const BurstContext& ctx,
                                  const BurstOptions& opts) {
  int gap = std::max(1, opts.gap);
  std::map<std::string, const schema::Patch*> patch_by_id;
  for (const auto& p : r.patches) patch_by_id[p.patch_id] = &p;
  std::set<std::string> with_patches;
  for (const auto& e : m.edges)
    if (e.edge_type == "edits") with_patches.insert(e.source_node_id);

  std::vector<EditItem> items;
  for (const auto& n : m.nodes) {
    if (n.action_type == "patch_created") {
      EditItem it;
      it.step = n.step_index;
      it.file = str_at(n.metadata, "file_path");
      std::string pid = str_at(n.metadata, "patch_id");
      std::string sha = str_at(n.metadata, "commit_sha"), anchor, tier = str_at(n.metadata, "evidence_tier"),
                  firm = str_at(n.metadata, "evidence_firmness");
      if (auto a = ctx.patch_anchors.find(pid); a != ctx.patch_anchors.end()) {
        if (sha.empty()) sha = str_at(a->second, "commit_sha");
        anchor = str_at(a->second, "anchor_id");
        if (tier.empty()) tier = str_at(a->second, "tier");
        if (firm.empty()) firm = str_at(a->second, "firmness");
      }
      it.patch = {{"patch_id", pid},           {"git_anchor_id", null_or(anchor)}, {"commit_sha", null_or(sha)},
                  {"evidence_firmness", null_or(firm)}, {"evidence_tier", null_or(tier)}, {"file_path", it.file},
                  {"step_index", it.step}};
      if (auto p = patch_by_id.find(pid); p != patch_by_id.end()) {
        it.old_text = p->second->old_text;
        it.new_text = p->second->authored_text;
      }
      items.push_back(std::move(it));
    } else if (n.action_type == "file_edit" && !with_patches.count(n.node_id)) {
      for (const auto& f : n.files_modified) {
        EditItem it;
        it.step = n.step_index;
        it.file = f;
        it.patch = {{"patch_id", "file_edit:" + n.node_id}, {"git_anchor_id", nullptr}, {"commit_sha", nullptr},
                    {"evidence_firmness", nullptr}, {"evidence_tier", nullptr}, {"file_path", f},
                    {"step_index", it.step}};
        items.push_back(std::move(it));
      }
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const EditItem& a, const EditItem& b) { return a.step < b.step; });

  std::vector<std::vector<EditItem>> groups;
  for (auto& it : items) {
    if (groups.empty() || it.step - groups.back().back().step > gap) groups.emplace_back();
    groups.back().push_back(std::move(it));
  }

  auto heads = head_trail(r, ctx.events);
  std::optional<git::Repo> repo;
  if (opts.commit_lookup && !ctx.repo_dir.empty())
    if (auto opened = git::Repo::open(ctx.repo_dir); opened.ok()) repo = std::move(opened).value();

  std::vector<Burst> out;
  int last_step = r.steps.empty() ? 0 : static_cast<int>(r.steps.size()) - 1;
  for (size_t g = 0; g < groups.size(); ++g) {
    auto& group = groups[g];
    Burst b;
    b.index = static_cast<int>(g);
    b.from_step = group.front().step;
    b.to_step = group.back().step;
    // The commit that took the burst may come after its last edit, up to the next burst.
    int window_end = g + 1 < groups.size() ? groups[g + 1].front().step - 1 : last_step;
    for (const auto& it : group) b.unique_files[it.file]++;

    // Tier 1: the most common commit among the burst's patches.
    std::map<std::string, int> votes;
    std::map<std::string, int> latest;
    bool from_notes = false;
    for (const auto& it : group) {
      std::string sha = str_at(it.patch, "commit_sha");
      if (sha.empty()) continue;
      votes[sha]++;
      latest[sha] = std::max(latest[sha], it.step);
    }
    if (!votes.empty()) {
      auto best = std::max_element(votes.begin(), votes.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
      b.commit_sha = best->first;
      b.commit_step = latest[best->first];
      for (const auto& it : group)
        if (str_at(it.patch, "commit_sha") == b.commit_sha && ctx.patch_anchors.count(str_at(it.patch, "patch_id")))
          from_notes = true;
      b.commit_source = from_notes ? "notes" : "patch_anchor";
    }
    // Tier 2: the first HEAD move the hooks saw inside the burst's window.
    if (b.commit_sha.empty() && !heads.empty()) {
      std::string prev;
      for (const auto& [step, head] : heads) {
        if (step < b.from_step) {
          prev = head;
          continue;
        }
        if (step > window_end) break;
        if (prev.empty()) {
          prev = head;
          continue;
        }
        if (head != prev) {
          b.commit_sha = head;
          b.commit_step = step;
          b.commit_source = "git_head";
          break;
        }
      }
    }
    // Tier 3 (no hooks, no notes): a `git commit` the agent ran inside the window.
    if (b.commit_sha.empty())
      for (const auto& n : m.nodes)
        if (n.action_type == "git_anchor" && n.step_index >= b.from_step && n.step_index <= window_end &&
            !n.anchor_refs.empty()) {
          b.commit_sha = n.anchor_refs.front();
          b.commit_step = n.step_index;
          b.commit_source = "shell_output";
          break;
        }

    if (!b.commit_sha.empty() && repo) refine_with_commit(b, group, *repo, record_root(r));
    std::set<std::string> anchors;
    for (const auto& it : group) {
      b.patches.push_back(it.patch);
      std::string a = str_at(it.patch, "git_anchor_id");
      if (a.empty()) a = str_at(it.patch, "commit_sha");
      if (!a.empty()) anchors.insert(a);
    }
    b.git_anchors.assign(anchors.begin(), anchors.end());
    fill_intent(b, m, r);
    b.intent["burst_commit_sha"] = null_or(b.commit_sha);
    b.intent["commit_subject"] = null_or(b.commit_subject);
    b.intent["commit_body"] = nullptr;  // not read: subjects only (docs/discovery.md)
    out.push_back(std::move(b));
  }
  return out;
}

std::string Burst::node_id(const std::string& trace_id) const {
  return "tmn:" + trace_id + ":burst:" + std::to_string(index);
}

json Burst::to_json() const {
  return {{"index", index},
          {"step_range", {from_step, to_step}},
          {"intent_user_step", intent_user_step < 0 ? json(nullptr) : json(intent_user_step)},
          {"intent_text", null_or(intent_text)},
          {"intent", intent},
          {"burst_commit_sha", null_or(commit_sha)},
          {"commit_source", null_or(commit_source)},
          {"commit_step", commit_step < 0 ? json(nullptr) : json(commit_step)},
          {"unique_files", unique_files},
          {"patches", patches},
          {"unique_git_anchors", git_anchors},
          {"has_git_anchor", !git_anchors.empty() || !commit_sha.empty()}};
}

json bursts_as_map(const std::string& trace_id, const std::vector<Burst>& bursts) {
  json nodes = json::array(), edges = json::array();
  for (const auto& b : bursts) {
    std::vector<std::string> files;
    for (const auto& [f, n] : b.unique_files) files.push_back(f);
    nodes.push_back({{"node_id", b.node_id(trace_id)},
                     {"trace_id", trace_id},
                     {"unit_id", "tu:" + trace_id + ":burst:" + std::to_string(b.index)},
                     {"action_type", "change_burst"},
                     {"step_index", b.from_step},
                     {"start_step_index", b.from_step},
                     {"end_step_index", b.to_step},
                     {"files_modified", files},
                     {"anchor_refs", b.commit_sha.empty() ? json::array() : json::array({b.commit_sha})},
                     {"text_preview", preview(b.intent_text, 160)},
                     {"metadata", b.to_json()},
                     {"confidence", "deterministic"}});
    if (b.index > 0)
      edges.push_back({{"edge_id", "tme:" + trace_id + ":burst:" + std::to_string(b.index - 1)},
                       {"trace_id", trace_id},
                       {"source_node_id", bursts[static_cast<size_t>(b.index - 1)].node_id(trace_id)},
                       {"target_node_id", b.node_id(trace_id)},
                       {"edge_type", "previous_next"},
                       {"confidence", "deterministic"}});
  }
  json roots = json::array();
  if (!bursts.empty()) roots.push_back(bursts.front().node_id(trace_id));
  return {{"trace_id", trace_id}, {"root_node_ids", roots}, {"nodes", nodes}, {"edges", edges},
          {"limitations", json::array()}};
}

}  // namespace ot::discovery
