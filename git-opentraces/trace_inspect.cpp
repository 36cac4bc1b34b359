// `git opentraces trace get|map|slice|skills|compare`: read one trace by address (and
// the bucket's skills). Flags here; the views are engine/discovery/inspect.h.
#include <optional>
#include <string>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/discovery/inspect.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {
namespace {

std::unique_ptr<bucket::Bucket> open_bucket() { return cli::unwrap(bucket::open_and_drain()); }

std::string s(const ordered_json& j, const char* k) {
  auto it = j.find(k);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

void emit_or(const ordered_json& doc, void (*human)(const ordered_json&)) {
  if (cli::globals().json) cli::emit_json(doc);
  else human(doc);
}

// ---- human renderings ----

void say_overview(const ordered_json& d) {
  const auto& t = d["trace"];
  cli::say(cli::bold(s(t, "trace_id")) + "  " + s(t, "title"));
  if (!s(t, "summary").empty()) cli::say("  " + s(t, "summary"));
  cli::say("  agent     " + s(t["agent"], "name") + " " + s(t["agent"], "version") + "  " + s(t["agent"], "model"));
  cli::say("  steps     " + s(t, "step_count"));
  cli::say("  outcome   committed=" + std::string(t["committed"].get<bool>() ? "yes" : "no") +
           (s(t, "commit_sha").empty() ? "" : " (" + s(t, "commit_sha").substr(0, 12) + ")") +
           "  success=" + (t["outcome"]["success"].is_null() ? "unknown" : t["outcome"]["success"].dump()));
  if (!t["duration_seconds"].is_null()) cli::say("  duration  " + s(t, "duration_seconds") + " s");
  std::string files;
  for (const auto& f : t["files_touched"]) files += (files.empty() ? "" : ", ") + f.get<std::string>();
  int more = t["files_touched_count"].get<int>() - static_cast<int>(t["files_touched"].size());
  cli::say("  files     " + (files.empty() ? std::string("(none)") : files) + (more > 0 ? " (+" + std::to_string(more) + " more)" : ""));
  cli::say(cli::dim("next: git opentraces trace map " + s(t, "trace_id") + "   |   trace get " + s(t, "trace_id") + ":<N>"));
}

void say_step(const ordered_json& d) {
  const auto& st = d["step"];
  cli::say(cli::bold(s(d, "trace_id") + ":" + s(st, "step_index")) + "  " + s(st, "role") +
           (s(st, "call_type") == "main" ? "" : " (" + s(st, "call_type") + ")") + "  " + s(st, "timestamp"));
  if (!s(st, "content_preview").empty()) cli::say("  " + s(st, "content_preview"));
  for (const auto& c : st["tool_calls"]) cli::say("  → " + s(c, "tool_name") + " " + s(c, "input_preview"));
  const auto& o = st["observations"];
  if (o["count"].get<int>() > 0)
    cli::say("  observations " + s(o, "count") + " (" + s(o, "total_chars") + " chars)" +
             (o["first_error"].is_null() ? "" : cli::red("  error: ") + s(o, "first_error")));
  for (const char* k : {"files_read", "files_modified"})
    if (!st[k].empty()) {
      std::string f;
      for (const auto& x : st[k]) f += (f.empty() ? "" : ", ") + x.get<std::string>();
      cli::say(std::string("  ") + k + "  " + f);
    }
  for (const auto& n : d["next_steps"]) cli::say(cli::dim("next: " + n.get<std::string>()));
}

void say_slice_line(const ordered_json& sl) {
  cli::say(s(sl, "slice_id") + "  steps " + s(sl, "start_step_index") + ".." + s(sl, "end_step_index") +
           "  nodes=" + s(sl, "node_count") + "  patches=" + s(sl, "patch_count"));
}

void say_nodes(const ordered_json& map) {
  for (const auto& n : map["nodes"])
    cli::say(s(n, "node_id") + "  " + s(n, "action_type") + "  " + s(n, "text_preview").substr(0, 100));
}

void say_get(const ordered_json& d) {
  std::string schema = s(d, "schema_version");
  if (schema == discovery::kRunIntelSchema) {
    const auto& c = d["counts"];
    cli::say(cli::bold(s(d, "trace_id")) + "  resteer=" + s(c, "resteer") + " failure=" + s(c, "failure") +
             " recovery=" + s(c, "recovery") + " loop=" + s(c, "loop"));
    for (const auto& sig : d["signals"])
      cli::say("  " + s(sig, "kind") + "  step " + s(sig, "step_index") + "  " + s(sig, "severity") + "  " +
               s(sig, "reason") + (s(sig, "matched_text").empty() ? "" : "  [" + s(sig, "matched_text").substr(0, 60) + "]"));
    if (d["signals"].empty()) cli::say("  no signals");
    return;
  }
  if (schema == discovery::kWasteSchema) {
    const auto& sum = d["summary"];
    cli::say(cli::bold(s(d, "trace_id")) + "  context waste: " + s(sum, "context_waste_count") + " finding(s)");
    for (const auto& f : d["findings"]) cli::say("  " + s(f, "pattern") + "  step " + s(f, "step_index") + "  " + s(f, "reason"));
    for (const auto& l : d["limitations"]) cli::say(cli::yellow("  limitation: ") + l.get<std::string>());
    return;
  }
  if (d.contains("card") || (d.contains("resource") && d["resource"].contains("card"))) {
    const auto& c = d.contains("card") ? d["card"] : d["resource"]["card"];
    cli::say(cli::bold(s(c, "trace_id")) + "  " + s(c, "headline"));
    cli::say("  " + s(c, "step_count") + " steps, " + s(c, "files_touched_count") + " files, " + s(c, "burst_count") +
             " burst(s) (" + s(c, "committed_bursts") + " committed)");
    cli::say("  run-intel " + c["run_intel"].dump() + "   waste " + s(c["context_waste"], "context_waste_count"));
    return;
  }
  if (d.contains("bursts")) {
    cli::say(cli::bold(s(d, "trace_id")) + "  bursts (gap " + s(d, "burst_gap") + ")");
    int i = 0;
    for (const auto& b : d["bursts"]) {
      cli::say("#" + std::to_string(i++) + " steps " + b["step_range"][0].dump() + ".." + b["step_range"][1].dump() +
               "  files=" + std::to_string(b["unique_files"].size()) + "  patches=" + std::to_string(b["patches"].size()) +
               "  anchors=" + std::to_string(b["unique_git_anchors"].size()) +
               (s(b, "burst_commit_sha").empty() ? "" : "  commit " + s(b, "burst_commit_sha").substr(0, 12) + " (" + s(b, "commit_source") + ")"));
      if (!s(b, "intent_text").empty()) cli::say("   intent: " + s(b, "intent_text").substr(0, 100));
    }
    if (d["bursts"].empty()) cli::say("  no file edits");
    return;
  }
  if (d.contains("trace")) return say_overview(d);
  if (d.contains("step")) return say_step(d);
  if (d.contains("span")) {
    cli::say(cli::bold(s(d, "trace_id")) + "  steps " + s(d["span"], "from_step") + ".." + s(d["span"], "to_step"));
    say_slice_line(d["slice"]);
    say_nodes(d["slice"]["map"]);
    return;
  }
  if (d.contains("map_node")) {
    const auto& n = d["map_node"];
    cli::say(s(n, "node_id") + "  " + s(n, "action_type") + "  step " + s(n, "step_index") + "  " + s(n, "text_preview"));
    return;
  }
  cli::say(d.dump(2));  // resources without a dedicated rendering
}

void say_map(const ordered_json& d) {
  if (d.contains("scope")) {
    cli::say(cli::bold("trace " + s(d, "trace_id")) + "  steps " + s(d["scope"]["span"], "from_step") + ".." +
             s(d["scope"]["span"], "to_step") + "  nodes " + s(d["scope"], "node_count"));
    cli::say("TYPE");
    for (auto it = d["facets"]["type"].begin(); it != d["facets"]["type"].end(); ++it)
      cli::say("  " + it.key() + "  " + it.value().dump());
    cli::say("FILE");
    for (auto it = d["facets"]["file"].begin(); it != d["facets"]["file"].end(); ++it)
      cli::say("  " + it.key() + "  " + it.value().dump());
    cli::say("SECTIONS (" + s(d, "section_total") + ")");
    for (const auto& x : d["sections"]) cli::say("  [" + s(x, "step") + "] " + s(x, "preview"));
    cli::say("LANDMARKS (" + s(d, "landmark_total") + ")");
    for (const auto& x : d["landmarks"]) cli::say("  [" + s(x, "step") + "] " + s(x, "type") + "  " + s(x, "preview"));
  } else {
    say_nodes(d["map"]);
  }
  if (d.contains("handoff")) cli::say(cli::dim("next: " + s(d["handoff"], "command")));
}

void say_slice(const ordered_json& d) {
  for (const auto& sl : d["slices"]) say_slice_line(sl);
  if (d["slices"].empty()) cli::say("no slices (the trace has no file edits)");
}

void say_skills(const ordered_json& d) {
  for (const auto& k : d["skills"]) cli::say(s(k, "skill") + "\t" + s(k, "invocations") + "\t" + s(k, "traces"));
  if (d["skills"].empty()) cli::say("no skills observed in " + s(d, "traces_scanned") + " trace(s)");
}

void say_compare(const ordered_json& d) {
  cli::say(cli::bold(s(d, "trace_a")) + "  vs  " + cli::bold(s(d, "trace_b")));
  auto line = [](const std::string& name, const ordered_json& v) {
    auto num = [](const ordered_json& x) { return x.is_null() ? std::string("?") : x.dump(); };
    cli::say("  " + name + "  " + num(v["a"]) + " -> " + num(v["b"]) + " (delta " + num(v["delta"]) + ")");
  };
  for (const char* k : {"total_steps", "tool_calls", "tool_errors", "input_tokens", "output_tokens", "estimated_cost_usd",
                        "duration_seconds", "patches"})
    line(k, d["delta"]["metrics"][k]);
  line("bursts", d["delta"]["bursts"]["count"]);
  for (auto it = d["delta"]["signals"].begin(); it != d["delta"]["signals"].end(); ++it) line(it.key(), it.value());
}

std::vector<std::string> split_commas(const std::string& v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    size_t c = v.find(',', start);
    std::string part = v.substr(start, c == std::string::npos ? std::string::npos : c - start);
    if (!part.empty()) out.push_back(part);
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return out;
}

void add_burst_flags(CLI::App* app, discovery::BurstOptions& b) {
  app->add_option("--burst-gap", b.gap, "split bursts where edits are more than N steps apart (default 35)");
  app->add_flag_function("--no-commit-lookup", [&b](int64_t) { b.commit_lookup = false; },
                         "do not read commits from git (files, hunks, subjects)");
}

}  // namespace

void register_trace_inspect(CLI::App& trace_group) {
  const char* exits = "Exit codes: 0 ok; 2 bad address or flags, ambiguous prefix (lists the matches); 3 bucket "
                      "unavailable; 6 trace or step not found (says the available range).";
  // ---- get ----
  static std::string get_ref;
  static discovery::GetOptions get;
  CLI::App* g = cli::add_command(
      trace_group, "get", "Show a trace, a step, a span of steps, or a derived view (card, bursts, run-intel, waste)",
      std::string("  git opentraces trace get 3f2a9c1e                  overview (unique prefix)\n"
                  "  git opentraces trace get 3f2a9c1e:4                step card of step 4\n"
                  "  git opentraces trace get 3f2a9c1e:last --json      the last step\n"
                  "  git opentraces trace get 3f2a9c1e:10-20            steps 10..20 with their map nodes\n"
                  "  git opentraces trace get ot://trace/<id>/steps/3   resource URI\n"
                  "  git opentraces trace get :last                     last step of the newest trace\n"
                  "  git opentraces trace get <id> --bursts --burst-gap 20\n"
                  "  git opentraces trace get <id> --run-intel --json   resteer / failure / recovery / loop\n"
                  "  git opentraces trace get <id> --waste --large-output-chars 8000\n"
                  "  git opentraces <id>:3                              same as trace get <id>:3\n") +
          exits);
  g->add_option("ref", get_ref, "trace address: <trace>, <trace>:<N>, <trace>:last, <trace>:<A>-<B>, ot://trace/...")
      ->required();
  g->add_flag("--card", get.card, "the trace's summary card");
  g->add_flag("--bursts", get.bursts, "change bursts: edits grouped by step gaps, with their commit and intent");
  add_burst_flags(g, get.burst);
  g->add_flag("--run-intel", get.run_intel, "run intelligence: resteer, failure, recovery, loop signals");
  g->add_flag("--waste", get.waste, "context waste: large outputs, repeated file reads, repeated searches");
  g->add_option("--large-output-chars", get.thresholds.large_output_chars, "waste: large output threshold (12000)");
  g->add_option("--file-read-window-min", get.thresholds.file_read_window_minutes, "waste: repeated-read window (20)");
  g->add_option("--file-read-repeat", get.thresholds.file_read_repeat_threshold, "waste: reads of one file that count (3)");
  g->add_option("--search-window-min", get.thresholds.search_window_minutes, "waste: repeated-search window (10)");
  g->add_option("--search-repeat", get.thresholds.search_repeat_threshold, "waste: searches that count (5)");
  g->callback([] {
    auto b = open_bucket();
    emit_or(cli::unwrap(discovery::trace_get(*b, get_ref, get)), say_get);
  });

  // ---- map ----
  static std::string map_ref, actions, walk = "forward", around, from_node;
  static discovery::MapOptions mo;
  CLI::App* m = cli::add_command(
      trace_group, "map", "A trace as typed actions: faceted overview, a node's neighbourhood, a walk, or bursts",
      std::string("  git opentraces trace map 3f2a9c1e                    overview: types, files, sections, landmarks\n"
                  "  git opentraces trace map 3f2a9c1e:0-40               overview of steps 0..40\n"
                  "  git opentraces trace map <id> --around tmn:<id>:step:3:0 --depth 2\n"
                  "  git opentraces trace map <id> --from-node tmn:<id>:step:3:0 --walk forward --until test_run\n"
                  "  git opentraces trace map <id> --bursts --json\n"
                  "  git opentraces trace map <id> --full --actions file_edit,test_run --json\n") +
          exits);
  m->add_option("target", map_ref, "trace address (a span scopes the overview)")->required();
  m->add_option("--around", around, "map node id (tmn:...): nodes within --depth edges");
  m->add_option("--depth", mo.depth, "with --around (default 2)");
  m->add_option("--from-node", from_node, "map node id to walk from");
  m->add_option("--walk", walk, "back | forward (default forward)")->check(CLI::IsMember({"back", "forward"}));
  m->add_option("--until", mo.until, "stop the walk after a node of this action type (repeatable)");
  m->add_option("--max-steps", mo.max_steps, "walk length limit (default 40)");
  m->add_option("--actions", actions, "only these action types, comma-separated");
  m->add_flag("--bursts", mo.bursts, "the change bursts as map nodes");
  m->add_flag("--full", mo.full, "every node and edge (instead of the overview)");
  add_burst_flags(m, mo.burst);
  m->callback([] {
    if (!around.empty()) mo.around = around;
    if (!from_node.empty()) mo.from_node = from_node;
    mo.walk_forward = walk != "back";
    mo.actions = split_commas(actions);
    auto b = open_bucket();
    emit_or(cli::unwrap(discovery::trace_map(*b, map_ref, mo)), say_map);
  });

  // ---- slice ----
  static std::string slice_ref, tmpl;
  static int around_step = 0, from_step = 0, to_step = 0;
  static CLI::Option *around_opt = nullptr, *from_opt = nullptr, *to_opt = nullptr;
  static discovery::SliceOptions so;
  CLI::App* sl = cli::add_command(
      trace_group, "slice", "Windows of a trace with their map nodes and patch refs",
      std::string("  git opentraces trace slice 3f2a9c1e --template bursts\n"
                  "  git opentraces trace slice 3f2a9c1e --around-step 12 --radius 5\n"
                  "  git opentraces trace slice 3f2a9c1e --from-step 10 --to-step 20 --json\n") +
          exits);
  sl->add_option("target", slice_ref, "trace address")->required();
  sl->add_option("--template", tmpl, "bursts: one slice per change burst")->check(CLI::IsMember({"bursts"}));
  around_opt = sl->add_option("--around-step", around_step, "a window centred on this step");
  sl->add_option("--radius", so.radius, "with --around-step (default 3)");
  from_opt = sl->add_option("--from-step", from_step, "first step of a manual range (with --to-step)");
  to_opt = sl->add_option("--to-step", to_step, "last step of a manual range");
  add_burst_flags(sl, so.burst);
  sl->callback([] {
    bool has_around = around_opt->count() > 0, has_from = from_opt->count() > 0, has_to = to_opt->count() > 0;
    int modes = int(!tmpl.empty()) + int(has_around) + int(has_from || has_to);
    if (modes != 1)
      cli::fail(ExitCode::kUsage, "USAGE", "trace slice",
                "give exactly one of --template bursts, --around-step N, --from-step A --to-step B",
                "e.g. `trace slice <id> --around-step 12 --radius 5`");
    if (has_from != has_to)
      cli::fail(ExitCode::kUsage, "USAGE", "trace slice", "--from-step and --to-step go together",
                "e.g. `trace slice <id> --from-step 10 --to-step 20`");
    so.mode = !tmpl.empty() ? "template" : has_around ? "around_step" : "manual_step_range";
    so.around_step = around_step;
    so.from_step = from_step;
    so.to_step = to_step;
    auto b = open_bucket();
    emit_or(cli::unwrap(discovery::trace_slice(*b, slice_ref, so)), say_slice);
  });

  // ---- skills ----
  static std::string since;
  static std::string project, skill;
  static int limit = 50;
  CLI::App* sk = cli::add_command(
      trace_group, "skills", "Rank the skills agents used (Skill tool, slash commands, Pi skills)",
      "  git opentraces trace skills\n"
      "  git opentraces trace skills --since 7d --project my-app-1a2b3c4d --json\n"
      "  git opentraces trace skills --skill release-notes\n"
      "Output: <skill> TAB <invocations> TAB <traces>.\n"
      "Exit codes: 0 ok (also when none were seen); 2 bad --since; 3 bucket unavailable.");
  sk->add_option("--since", since, "traces written at or after: 7d, 12h, 30m or an ISO date");
  sk->add_option("--project", project, "only this project slug");
  sk->add_option("--skill", skill, "only this skill");
  sk->add_option("--limit", limit, "at most N skills (default 50)");
  sk->callback([] {
    discovery::SkillOptions opts;
    if (!since.empty()) opts.since_ms = cli::unwrap(parse_since(since));
    if (!project.empty()) opts.project = project;
    if (!skill.empty()) opts.skill = skill;
    opts.limit = limit;
    auto b = open_bucket();
    emit_or(cli::unwrap(discovery::trace_skills(*b, opts)), say_skills);
  });

  // ---- compare ----
  static std::string cmp_a, cmp_b;
  static discovery::BurstOptions cmp_burst;
  CLI::App* c = cli::add_command(trace_group, "compare", "Two traces side by side: metrics, bursts, signals",
                                 std::string("  git opentraces trace compare 3f2a9c1e 77b0d4aa\n"
                                             "  git opentraces trace compare <a> <b> --json | jq .delta.metrics\n") +
                                     exits);
  c->add_option("a", cmp_a, "first trace")->required();
  c->add_option("b", cmp_b, "second trace")->required();
  add_burst_flags(c, cmp_burst);
  static bool no_quality = false;
  c->add_flag("--no-quality", no_quality, "accepted for compatibility: quality scores are not computed");
  c->callback([] {
    auto b = open_bucket();
    emit_or(cli::unwrap(discovery::trace_compare(*b, cmp_a, cmp_b, cmp_burst)), say_compare);
  });
}

// `git opentraces <address>`: the argv with "trace get" inserted before a bare address.
std::vector<std::string> dispatch_bare_address(int argc, char** argv, const CLI::App& root) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (!a.empty() && a[0] == '-') continue;  // global flags such as --json
    bool command = false;
    for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; }))
      if (sub->check_name(a)) command = true;
    if (command) break;
    if (auto full = discovery::dispatchable_address(a)) {
      args[i] = *full;
      args.insert(args.begin() + static_cast<long>(i), {"trace", "get"});
    }
    break;
  }
  return args;
}

}  // namespace ot::cmd
