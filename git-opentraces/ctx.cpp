// `git opentraces ctx`: Context Tree — what the agent saw at every step. The bare noun
// takes a reference (<trace>, <trace>:<N>, <trace>:last; or refs on stdin); verbs: tree,
// reads, writes, diff, compactions, resume, prune. Mechanism in engine/ctx.
#include <unistd.h>

#include <iostream>
#include <set>
#include <sstream>

#include "engine/bucket/bucket.h"
#include "engine/ctx/prune.h"
#include "engine/ctx/ref.h"
#include "engine/ctx/views.h"
#include "engine/otlp/flush.h"
#include "engine/trails/fact.h"
#include "git-opentraces/cli.h"
#include "notes/notes_store.h"
#include "notes/handle.h"

namespace ot::cmd {
void register_ctx_warmup(CLI::App& ctx_group);  // git-opentraces/ctx_warmup.cpp
namespace {

namespace fs = std::filesystem;

std::unique_ptr<bucket::Bucket> open_bucket() { return cli::unwrap(bucket::open_and_drain()); }

std::string short_id(const json& id) {
  std::string s = id.is_string() ? ctx::strip_sha(id.get<std::string>()) : std::string("-");
  return s.substr(0, 12);
}

std::string thousands(int64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > (v < 0 ? 1 : 0); i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

void emit(std::string_view schema, const json& payload) {
  auto doc = cli::envelope(schema);
  for (const auto& [k, v] : payload.items())
    if (k != "schema_version") doc[k] = v;
  cli::emit_json(doc);
}

// ---- the bare noun: overview / step / layer --------------------------------

struct ViewOptions {
  std::string layer;
  bool full = false, with_dropped = false;
  int64_t offset = 0, limit = 20;
};

json view_one(bucket::Bucket& b, const std::string& text, const ViewOptions& o) {
  auto ref = cli::unwrap(ctx::parse_ref(text));
  auto t = cli::unwrap(ctx::load(b, ref.trace));
  if (!t.tree) {
    json e = ctx::empty_state(t);
    e["view"] = "empty";
    return e;
  }
  // OTLP evidence (capture-otlp flush) rides beside the transcript's tree: docs/otlp.md.
  if (!ref.step && !ref.last && o.layer.empty()) {
    json v = ctx::overview(t);
    if (json otel = otlp::otel_summary(b, t.trace_id); !otel.is_null()) v["otel"] = otel;
    return v;
  }
  auto n = cli::unwrap(ctx::node_at(std::move(t), ref.last || !ref.step ? -1 : *ref.step));
  ctx::Reader r(b);
  if (o.layer.empty()) {
    json v = ctx::step_view(r, n);
    if (json otel = otlp::otel_for_step(b, n.trace.trace_id, n.index); !otel.is_null()) v["otel"] = otel;
    return v;
  }
  ctx::LayerOptions lo{o.layer, o.full, o.with_dropped, o.offset, o.limit};
  return cli::unwrap(ctx::layer_view(r, n, lo));
}

void render_view(const json& v, const ViewOptions& o) {
  std::string view = v.value("view", "");
  std::string trace = v.value("trace_id", "");
  if (view == "empty") {
    cli::say(cli::bold(trace) + "  no context tree captured (context_tree_not_captured)");
    return;
  }
  if (view == "overview") {
    std::string title = v.value("title", json()).is_string() ? v["title"].get<std::string>() : std::string();
    cli::say(cli::bold(trace) + (title.empty() ? "" : "  " + title));
    cli::say("  " + v.value("capture_method", std::string("?")) + " (" + v.value("fidelity", std::string("?")) + ") · " +
             std::to_string(v.value("step_count", 0)) + " steps · " + std::to_string(v.value("node_count", 0)) +
             " nodes · ~" + thousands(v.value("estimated_tokens", 0)) + " tokens at the last model call");
    const json& s = v["size"];
    if (s.value("sparkline", "").empty()) {
      cli::say("  size: no sizes known");
    } else {
      std::string peak = s["peak_step"].is_null() ? "" : "  peak step " + std::to_string(s["peak_step"].get<int>()) + " (~" +
                                                           thousands(s["peak_tokens"].get<int64_t>()) + " tokens)";
      cli::say("  size " + s.value("sparkline", "") + peak + "  " + cli::dim(s.value("note", "")));
    }
    std::string br;
    for (const auto& [k, c] : v["branch_counts"].items())
      if (c.get<int>() > 0) br += (br.empty() ? "" : ", ") + std::to_string(c.get<int>()) + " " + k;
    cli::say("  branches: " + br + (v.value("compaction_count", 0) ? " · " + std::to_string(v["compaction_count"].get<int>()) + " compaction(s)" : ""));
    if (v.contains("otel"))
      cli::say("  otel: " + std::to_string(v["otel"].value("requests", 0)) + " model requests (" +
               std::to_string(v["otel"].value("matched", 0)) + " matched to steps), " +
               thousands(v["otel"].value("prompt_tokens", int64_t{0})) + " prompt tokens reported by telemetry");
    for (const auto& l : v["look"]) cli::say("  look → " + l.get<std::string>());
    if (v.contains("otel")) cli::say("  look → " + v["otel"].value("look", ""));
    return;
  }
  if (view == "step") {
    cli::say(cli::bold(trace + ":" + std::to_string(v.value("step_index", 0))) + "  node " + short_id(v["node_id"]) + "  " +
             v.value("branch_type", "") + (v.value("orphan", false) ? " (orphan)" : "") + "  " +
             (v["role"].is_string() ? v["role"].get<std::string>() : ""));
    const json& saw = v["saw"];
    cli::say("  saw: system " + std::string(saw.value("system", false) ? "yes" : "unknown (stub)") + " · " +
             std::to_string(saw.value("messages", 0)) + " messages · " + std::to_string(saw.value("tools", 0)) + " tools · ~" +
             thousands(v["size"].value("estimate", 0)) + " tokens (" + v["size"].value("method", "") + ")");
    for (const auto& [alias, l] : v["layers"].items())
      cli::say("  " + alias + ": " + short_id(l["layer_id"]) + "  " + l.value("completeness", "?") + ", " +
               thousands(l.value("byte_count", 0)) + " bytes");
    if (v.contains("otel")) {
      const json& t = v["otel"]["otel"];
      cli::say("  otel: request " + v["otel"].value("request_id", "") + ": " + thousands(t.value("prompt", int64_t{0})) +
               " prompt tokens (" + thousands(t.value("input", int64_t{0})) + " in, " + thousands(t.value("cache_read", int64_t{0})) +
               " cache read, " + thousands(t.value("cache_creation", int64_t{0})) + " cache write), " +
               thousands(t.value("output", int64_t{0})) + " out" + (v["otel"].value("agrees", false) ? ", same as the session file" : ""));
    }
    for (const auto& r : v["read"]) cli::say("  read → " + r.get<std::string>());
    return;
  }
  // layer
  cli::say(cli::bold(trace + ":" + std::to_string(v.value("step_index", 0))) + "  " + v.value("layer", "") + " layer " +
           short_id(v["layer_id"]) + "  " + v.value("completeness", "") + ", ~" + thousands(v.value("estimate_tokens", 0)) +
           " tokens");
  if (v.value("layer_type", "") != "messages") {
    std::istringstream lines(v["content"].dump(2));
    for (std::string line; std::getline(lines, line);) cli::say("  " + line);
    return;
  }
  for (const auto& m : v["content"]["messages"]) {
    std::string role = m.value("role", "?");
    std::string tag = m.value("dropped", false) ? cli::dim(" (dropped)") : "";
    cli::say("  [" + std::to_string(m.value("index", 0)) + "] " + role + tag + ": " +
             ctx::preview(m, o.full ? std::string::npos : 240));
  }
  const json& p = v["page"];
  int64_t shown_end = p.value("offset", 0) + p.value("shown", 0);
  if (shown_end < p.value("total", 0))
    cli::say(cli::dim("  " + std::to_string(shown_end) + " of " + std::to_string(p.value("total", 0)) +
                      " messages; more with --offset " + std::to_string(shown_end) + " or --full"));
}

// Refs from stdin: JSON objects (ref, trace_ref, trace_step, id, or trace_id + step /
// step_index), one per line, or bare tokens; de-duplicated in order.
std::vector<std::string> stdin_refs() {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](std::string r) {
    if (!r.empty() && seen.insert(r).second) out.push_back(std::move(r));
  };
  for (std::string line; std::getline(std::cin, line);) {
    size_t a = line.find_first_not_of(" \t\r");
    if (a == std::string::npos) continue;
    if (line[a] == '{') {
      auto j = json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object())
        cli::fail(ExitCode::kUsage, "INVALID_REF", "ctx", "stdin line is not a JSON object: " + line.substr(0, 80),
                  "pipe one ref per line, or JSON objects with trace_id and step");
      std::string ref;
      for (const char* k : {"ref", "trace_ref", "trace_step", "id"})
        if (ref.empty() && j.contains(k) && j[k].is_string()) ref = j[k].get<std::string>();
      if (ref.empty() && j.contains("trace_id") && j["trace_id"].is_string()) {
        ref = j["trace_id"].get<std::string>();
        for (const char* k : {"step", "step_index"})
          if (j.contains(k) && j[k].is_number_integer()) {
            ref += ":" + std::to_string(j[k].get<int>());
            break;
          }
      }
      if (ref.empty())
        cli::fail(ExitCode::kUsage, "INVALID_REF", "ctx", "stdin object names no trace: " + line.substr(0, 80),
                  "give ref, or trace_id with step");
      add(ref);
    } else {
      std::istringstream ws(line);
      for (std::string tok; ws >> tok;) add(tok);
    }
  }
  return out;
}

void run_view(const std::vector<std::string>& positional, const ViewOptions& o) {
  if (positional.size() > 1)
    cli::fail(ExitCode::kUsage, "TOO_MANY_REFS", "ctx", "ctx takes one reference, got " + std::to_string(positional.size()),
              "pipe several refs on stdin, or loop: `... --json | jq`");
  std::vector<std::string> refs = positional;
  if (refs.empty() && !cli::globals().stdin_tty) refs = stdin_refs();
  if (refs.empty())
    cli::fail(ExitCode::kUsage, "MISSING_REF", "ctx", "no trace given",
              "git opentraces ctx <trace>[:<step>|:last]; list traces with `git opentraces bucket list`");
  auto b = open_bucket();
  std::vector<json> views;
  for (const auto& r : refs) views.push_back(view_one(*b, r, o));
  if (cli::globals().json) {
    if (views.size() == 1) emit("opentraces.ctx.view.v1", views[0]);
    else emit("opentraces.ctx.view.v1", json{{"views", views}});
    return;
  }
  for (size_t i = 0; i < views.size(); ++i) {
    if (i) cli::say("");
    render_view(views[i], o);
  }
}

ctx::Loaded load_tree_or_empty(bucket::Bucket& b, const std::string& ref, std::string_view schema, bool& empty) {
  auto p = cli::unwrap(ctx::parse_ref(ref));
  auto t = cli::unwrap(ctx::load(b, p.trace));
  empty = !t.tree;
  if (empty) {
    if (cli::globals().json) emit(schema, ctx::empty_state(t));
    else cli::say(cli::bold(t.trace_id) + "  no context tree captured (context_tree_not_captured)");
  }
  return t;
}

// ---- verbs -------------------------------------------------------------------

void run_tree(const std::string& ref, int depth, bool show_orphans) {
  auto b = open_bucket();
  bool empty = false;
  auto t = load_tree_or_empty(*b, ref, "opentraces.context_tree.v1", empty);
  if (empty) return;
  json v = ctx::tree_view(t, depth, show_orphans);
  if (cli::globals().json) return emit("opentraces.context_tree.v1", v);
  std::string br;
  for (const auto& [k, c] : v["branch_counts"].items())
    if (c.get<int>() > 0) br += (br.empty() ? "" : ", ") + std::to_string(c.get<int>()) + " " + k;
  cli::say(cli::bold(t.trace_id) + "  " + std::to_string(v.value("node_count", 0)) + " nodes (" + br + "), " +
           std::to_string(v.value("orphan_count", 0)) + " orphaned");
  cli::say("  root " + short_id(v["root_node_id"]) + "  active leaf " + short_id(v["active_leaf_id"]));
  // Linear runs fold into one line; every fork, root and orphan gets its own.
  const json& nodes = v["nodes"];
  for (size_t i = 0; i < nodes.size();) {
    const json& n = nodes[i];
    std::string pad = n.value("track", "main") == "main" ? "  " : "    ";
    if (n.value("branch_type", "") == "linear" && !n.value("orphan", false)) {
      size_t j = i;
      while (j + 1 < nodes.size() && nodes[j + 1].value("branch_type", "") == "linear" && !nodes[j + 1].value("orphan", false) &&
             nodes[j + 1].value("track", "") == n.value("track", ""))
        ++j;
      cli::say(pad + (j > i ? "│ steps " : "│ step ") + std::to_string(n.value("step_index", 0)) +
               (j > i ? "-" + std::to_string(nodes[j].value("step_index", 0)) : "") + " linear");
      i = j + 1;
      continue;
    }
    std::string extra = n.contains("subagent_session_id") ? " " + n["subagent_session_id"].get<std::string>() : "";
    cli::say(pad + (n.value("orphan", false) ? "✗ " : "● ") + "step " + std::to_string(n.value("step_index", 0)) + " " +
             n.value("branch_type", "") + extra + (n.value("orphan", false) ? cli::dim(" (orphan)") : "") + "  " +
             short_id(n["node_id"]));
    ++i;
  }
  if (!v["orphan_branch_roots"].empty() && !show_orphans)
    cli::say("  " + std::to_string(v["orphan_branch_roots"].size()) + " orphan branch(es): show them with --show-orphans");
}

std::map<std::string, std::string> trail_anchors(const std::string& trace_id) {
  std::map<std::string, std::string> out;
  auto repo = git::Repo::open(fs::current_path());
  if (!repo.ok()) return out;
  auto notes = git::all_notes(*repo);
  if (!notes.ok()) return out;
  for (const auto& n : *notes)
    for (const auto& f : trails::parse_note(n.text).facts)
      if (f.trace_id == trace_id) out.emplace(f.patch_id, n.commit_sha);
  return out;
}

void run_reads_writes(bool writes, const std::string& ref, int step, int from, int to) {
  if (step >= 0) from = to = step;
  auto b = open_bucket();
  const char* schema = writes ? "opentraces.context_writes.v1" : "opentraces.context_reads.v1";
  bool empty = false;
  auto t = load_tree_or_empty(*b, ref, schema, empty);
  if (empty) return;
  int last = static_cast<int>((*t.tree)["nodes"].size()) - 1;
  if (to < 0 || to > last) to = last;
  json v = writes ? cli::unwrap(ctx::writes_view(*b, t, from, to, trail_anchors(t.trace_id)))
                  : cli::unwrap(ctx::reads_view(*b, t, from, to));
  if (cli::globals().json) return emit(schema, v);
  const json& rows = v[writes ? "writes" : "reads"];
  cli::say(cli::bold(t.trace_id) + "  " + std::to_string(rows.size()) + (writes ? " writes" : " reads") + " in steps " +
           std::to_string(from) + ".." + std::to_string(to));
  for (const auto& r : rows) {
    if (writes) {
      std::string commit = r["trail_anchor_hint"].is_object() ? "  → " + r["trail_anchor_hint"]["commit_id"].get<std::string>().substr(0, 10) : "";
      cli::say("  step " + std::to_string(r.value("step_index", 0)) + "  " + (r["operation"].is_string() ? r["operation"].get<std::string>() : "?") + " " +
               (r["file_path"].is_string() ? r["file_path"].get<std::string>() : "?") + "  (" +
               (r["tool_name"].is_string() ? r["tool_name"].get<std::string>() : "?") + ")" + commit);
    } else {
      cli::say("  step " + std::to_string(r.value("step_index", 0)) + "  " +
               (r["tool_name"].is_string() ? r["tool_name"].get<std::string>() : "?") + "  " +
               thousands(r.value("byte_count", 0)) + " bytes" + (r.value("error", false) ? cli::red("  error") : ""));
    }
  }
}

void run_diff(const std::string& a, const std::string& b_ref, const std::string& layer) {
  auto b = open_bucket();
  auto na = cli::unwrap(ctx::resolve_node(*b, a));
  auto nb = cli::unwrap(ctx::resolve_node(*b, b_ref));
  ctx::Reader r(*b);
  json v = cli::unwrap(ctx::diff_view(r, na, nb, layer));
  if (cli::globals().json) return emit("opentraces.context_diff.v1", v);
  cli::say("diff " + short_id(v["node_a"]["node_id"]) + " (step " + std::to_string(na.index) + ") → " +
           short_id(v["node_b"]["node_id"]) + " (step " + std::to_string(nb.index) + ")");
  if (v["diff"]["changed"].empty()) cli::say("  no layer changed");
  for (const auto& c : v["diff"]["changed"]) {
    std::string type = c.value("layer_type", "");
    if (type == "messages") {
      cli::say("  messages: " + std::to_string(c.value("common_prefix", 0)) + " in common, " +
               std::to_string(c["removed_messages"].size()) + " only in A, " + std::to_string(c["added_messages"].size()) +
               " only in B");
      for (const auto& m : c["removed_messages"]) cli::say(cli::red("    - [" + std::to_string(m.value("index", 0)) + "] " + m.value("role", json("?")).get<std::string>() + ": " + m.value("preview", "")));
      for (const auto& m : c["added_messages"]) cli::say(cli::green("    + [" + std::to_string(m.value("index", 0)) + "] " + m.value("role", json("?")).get<std::string>() + ": " + m.value("preview", "")));
    } else {
      cli::say("  " + type + ": changed keys " + c.value("changed_keys", json::array()).dump() + ", added " +
               c["added_keys"].dump() + ", removed " + c["removed_keys"].dump());
    }
  }
}

void run_compactions(const std::string& ref, bool show_loss, int index) {
  auto b = open_bucket();
  bool empty = false;
  auto t = load_tree_or_empty(*b, ref, "opentraces.context_compactions.v1", empty);
  if (empty) return;
  ctx::Reader r(*b);
  json v = cli::unwrap(ctx::compactions_view(r, t, show_loss));
  if (index >= 0) {
    json keep = json::array();
    for (const auto& c : v["compactions"])
      if (c.value("index", -1) == index) keep.push_back(c);
    if (keep.empty())
      cli::fail(ExitCode::kResource, "COMPACTION_NOT_FOUND", "ctx", "trace " + t.trace_id + " has no compaction " + std::to_string(index),
                "list them with `git opentraces ctx compactions " + t.trace_id + "`");
    v["compactions"] = keep;
  }
  if (cli::globals().json) return emit("opentraces.context_compactions.v1", v);
  cli::say(cli::bold(t.trace_id) + "  " + std::to_string(v["compactions"].size()) + " compaction(s)");
  for (const auto& c : v["compactions"]) {
    std::string trig = c["trigger"].is_string() ? c["trigger"].get<std::string>() : "?";
    cli::say("  #" + std::to_string(c.value("index", 0)) + "  after step " + std::to_string(c.value("pre_step", 0)) +
             " → step " + std::to_string(c.value("post_step", 0)) + "  (" + trig + ")  " +
             std::to_string(c.value("removed_message_count", 0)) + " messages, " + thousands(c.value("removed_bytes", 0)) +
             " bytes → summary of " + thousands(c.value("summary_bytes", 0)) + " bytes");
    if (c.contains("loss_detail")) {
      const json& l = c["loss_detail"];
      cli::say("      lost: " + std::to_string(l.value("user_prompts", 0)) + " prompts, " +
               std::to_string(l.value("assistant_messages", 0)) + " assistant messages, " +
               std::to_string(l.value("tool_results", 0)) + " tool results; tools " + l["tools_used"].dump());
      for (const auto& p : l["user_prompt_previews"]) cli::say("      prompt: " + p.get<std::string>());
    }
  }
}

void run_resume(const std::string& ref, bool packet_only) {
  auto b = open_bucket();
  auto n = cli::unwrap(ctx::resolve_node(*b, ref));
  ctx::Reader r(*b);
  json packet = cli::unwrap(ctx::resume_packet(r, *b, n));
  std::string next = "git opentraces ctx prune " + packet["node_id"].get<std::string>() +
                     " --source-jsonl <session.jsonl> --write   # then: claude --resume <new session id>";
  if (packet_only) {
    json p = packet;
    p["schema_version"] = "opentraces.context_resume.v1";
    std::cout << pretty_json(p);
    return;
  }
  if (cli::globals().json) {
    json v = packet;
    v["next_command"] = next;
    return emit("opentraces.context_resume.v1", v);
  }
  cli::say(cli::bold(n.trace.trace_id + ":" + std::to_string(n.index)) + "  resume packet, " +
           std::to_string(packet["messages"].size()) + " messages, node " + short_id(packet["node_id"]));
  for (const auto& m : packet["messages"])
    cli::say("  [" + std::to_string(m.value("index", 0)) + "] " + m.value("role", "?") + ": " + ctx::preview(m, 160));
  cli::say("  next → " + next);
}

void run_prune(const std::string& ref, const std::string& source, const std::string& stem, bool write) {
  auto b = open_bucket();
  auto n = cli::unwrap(ctx::resolve_node(*b, ref));
  auto p = cli::unwrap(ctx::prune_session(n, source, stem, write));
  std::vector<std::string> sorted = p.uuid_set;
  std::sort(sorted.begin(), sorted.end());
  std::string next = "claude --resume " + p.stem;
  if (cli::globals().json) {
    json v = {{"node_id", n.node()["node_id"]},
              {"trace_id", n.trace.trace_id},
              {"step_index", n.index},
              {"source", p.source.string()},
              {"destination", p.destination.string()},
              {"to_session", p.stem},
              {"dry_run", !write},
              {"written", p.written},
              {"lines_in", p.lines_in},
              {"lines_out", p.lines_out},
              {"steps_on_path", p.steps_on_path},
              {"uuid_set", p.uuid_set},
              {"uuid_set_sorted", sorted},
              {"next_command", write ? next : "add --write to create " + p.destination.string()}};
    return emit("opentraces.context_prune.v1", v);
  }
  cli::say(std::string(write ? "wrote " : "would write ") + p.destination.string() + ": " + std::to_string(p.lines_out) +
           " of " + std::to_string(p.lines_in) + " lines, " + std::to_string(p.steps_on_path) + " steps on the path to step " +
           std::to_string(n.index));
  cli::say(write ? "  next → " + next : "  (dry run: add --write to create it)");
}

}  // namespace

void register_ctx(CLI::App& root) {
  auto refs = std::make_shared<std::vector<std::string>>();
  auto vo = std::make_shared<ViewOptions>();
  CLI::App* group = cli::add_command(
      root, "ctx", "Context Tree: what the agent saw at every step",
      "  git opentraces ctx <trace>                       overview: steps, nodes, context size sparkline\n"
      "  git opentraces ctx <trace>:12                    what the model had at step 12\n"
      "  git opentraces ctx <trace>:last --layer messages the conversation, 20 messages a page\n"
      "  git opentraces ctx <trace>:40 --layer messages --with-dropped   include what compactions removed\n"
      "  git opentraces ctx tree <trace> --show-orphans   branches: compactions, rewinds, sub-agents\n"
      "  git opentraces ctx diff <trace>:3 <trace>:9      what changed between two nodes\n"
      "  git opentraces trace query --json | jq -c '.results[]' | git opentraces ctx --json\n");
  group->add_option("ref", *refs, "<trace>, <trace>:<N> or <trace>:last (or refs on stdin)");
  group->add_option("--layer", vo->layer, "Show one layer: system, messages, tools, runtime");
  group->add_flag("--full", vo->full, "All messages, untruncated (no paging)");
  group->add_flag("--with-dropped", vo->with_dropped, "Messages layer: include messages removed by compactions");
  group->add_option("--offset", vo->offset, "Messages layer: first message shown (default 0)")->check(CLI::NonNegativeNumber);
  group->add_option("--limit", vo->limit, "Messages layer: messages per page (default 20)")->check(CLI::PositiveNumber);
  group->require_subcommand(0, 1);
  group->callback([group, refs, vo] {
    if (group->get_subcommands().empty()) run_view(*refs, *vo);
  });

  {
    auto ref = std::make_shared<std::string>();
    auto depth = std::make_shared<int>(-1);
    auto orphans = std::make_shared<bool>(false);
    CLI::App* c = cli::add_command(*group, "tree", "The context tree of a trace: nodes, branch types, active leaf, orphans",
                                   "  git opentraces ctx tree <trace>\n"
                                   "  git opentraces ctx tree <trace> --show-orphans --json\n"
                                   "  git opentraces ctx tree <trace> --depth 3\n");
    c->add_option("trace", *ref, "Trace id or unique prefix")->required();
    c->add_option("--depth", *depth, "Only nodes at most N parents below their root")->check(CLI::NonNegativeNumber);
    c->add_flag("--show-orphans", *orphans, "Also list nodes off the active path (rewound branches)");
    c->callback([ref, depth, orphans] { run_tree(*ref, *depth, *orphans); });
  }
  for (bool writes : {false, true}) {
    auto ref = std::make_shared<std::string>();
    auto step = std::make_shared<int>(-1), from = std::make_shared<int>(0), to = std::make_shared<int>(-1);
    CLI::App* c = cli::add_command(
        *group, writes ? "writes" : "reads",
        writes ? "Edits the agent made (agent → environment), with the commit Trails anchored them to"
               : "Tool results that flowed into the agent's context (environment → agent)",
        writes ? "  git opentraces ctx writes <trace>\n  git opentraces ctx writes <trace> --from-step 10 --to-step 20 --json\n"
               : "  git opentraces ctx reads <trace>\n  git opentraces ctx reads <trace> --step 4\n");
    c->add_option("trace", *ref, "Trace id or unique prefix")->required();
    c->add_option("--step", *step, "Only this step")->check(CLI::NonNegativeNumber);
    c->add_option("--from-step", *from, "First step (default 0)")->check(CLI::NonNegativeNumber);
    c->add_option("--to-step", *to, "Last step (default: the last)")->check(CLI::NonNegativeNumber);
    c->callback([writes, ref, step, from, to] { run_reads_writes(writes, *ref, *step, *from, *to); });
  }
  {
    auto a = std::make_shared<std::string>(), b = std::make_shared<std::string>(), layer = std::make_shared<std::string>();
    CLI::App* c = cli::add_command(*group, "diff", "What changed between two context nodes, layer by layer",
                                   "  git opentraces ctx diff <trace>:3 <trace>:9\n"
                                   "  git opentraces ctx diff sha256:<nodeA> sha256:<nodeB> --layer messages --json\n");
    c->add_option("node_a", *a, "Node id (sha256:...) or <trace>:<N>")->required();
    c->add_option("node_b", *b, "Node id (sha256:...) or <trace>:<N>")->required();
    c->add_option("--layer", *layer, "Only this layer: system, messages, tools (tool_registry), runtime (runtime_state)");
    c->callback([a, b, layer] { run_diff(*a, *b, *layer); });
  }
  {
    auto ref = std::make_shared<std::string>();
    auto loss = std::make_shared<bool>(false);
    auto index = std::make_shared<int>(-1);
    CLI::App* c = cli::add_command(*group, "compactions", "Compactions of a trace: where, what they dropped",
                                   "  git opentraces ctx compactions <trace>\n"
                                   "  git opentraces ctx compactions <trace> --show-loss --json\n");
    c->add_option("trace", *ref, "Trace id or unique prefix")->required();
    c->add_flag("--show-loss", *loss, "Detail what each compaction removed (prompts, tool results, tools)");
    c->add_option("--index", *index, "Only compaction i")->check(CLI::NonNegativeNumber);
    c->callback([ref, loss, index] { run_compactions(*ref, *loss, *index); });
  }
  {
    auto ref = std::make_shared<std::string>();
    auto packet_only = std::make_shared<bool>(false);
    CLI::App* c = cli::add_command(*group, "resume", "A packet a new agent session can start from: the context at a node",
                                   "  git opentraces ctx resume <trace>:12\n"
                                   "  git opentraces ctx resume sha256:<node> --packet-only > packet.json\n");
    c->add_option("node", *ref, "Node id (sha256:...) or <trace>:<N> / <trace>:last")->required();
    c->add_flag("--packet-only", *packet_only, "Print only the packet (opentraces.context_resume.v1), no envelope");
    c->callback([ref, packet_only] { run_resume(*ref, *packet_only); });
  }
  {
    auto ref = std::make_shared<std::string>(), src = std::make_shared<std::string>(), stem = std::make_shared<std::string>();
    auto write = std::make_shared<bool>(false);
    CLI::App* c = cli::add_command(
        *group, "prune", "Cut a Claude Code session file down to the active path ending at a node (dry run by default)",
        "  git opentraces ctx prune <trace>:7 --source-jsonl ~/.claude/projects/<dir>/<session>.jsonl\n"
        "  git opentraces ctx prune <trace>:7 --source-jsonl S.jsonl --to-session my-branch --write\n");
    c->add_option("node", *ref, "Node id (sha256:...) or <trace>:<N> / <trace>:last")->required();
    c->add_option("--source-jsonl", *src, "The Claude Code session file the trace came from")->required();
    c->add_option("--to-session", *stem, "Name (stem) of the new session file; default: a UUID from the node id");
    c->add_flag("--write", *write, "Write the file (it is never overwritten)");
    c->callback([ref, src, stem, write] { run_prune(*ref, *src, *stem, *write); });
  }
  register_ctx_warmup(*group);
}

}  // namespace ot::cmd
