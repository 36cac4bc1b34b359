// `git opentraces workflow`: dataset workflows — shipped templates, installed
// packages (docs/datasets.md). Engine: engine/workflow/.
#include <memory>
#include <set>

#include "engine/dataset/rows.h"
#include "engine/workflow/workflow.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

namespace {

// Datasets whose manifest binds each workflow name.
std::map<std::string, std::vector<std::string>> bindings() {
  std::map<std::string, std::vector<std::string>> out;
  std::error_code ec;
  std::vector<std::filesystem::path> dirs;
  for (const auto& e : std::filesystem::directory_iterator(dataset::datasets_root(), ec))
    if (e.is_directory() && e.path().filename().string()[0] != '.') dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    auto ds = dataset::Dataset::open_dir(d);
    if (!ds.ok()) continue;
    out[ds->manifest()["workflow"].value("skill", "")].push_back(ds->name());
  }
  return out;
}

void run_templates() {
  auto ts = cli::unwrap(workflow::list_templates());
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.workflow.templates.v1");
    json arr = json::array();
    for (const auto& t : ts) arr.push_back(t.to_json());
    doc["templates"] = arr;
    cli::emit_json(doc);
    return;
  }
  for (const auto& t : ts) cli::say(cli::bold(t.name) + "  " + cli::dim(t.description));
}

void run_create(const std::string& name, const std::string& tmpl, const std::string& description) {
  auto wf = cli::unwrap(workflow::create(name, tmpl, description));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.workflow.create.v1");
    doc["workflow"] = wf.to_json();
    doc["workflow"]["template"] = tmpl;
    cli::emit_json(doc);
    return;
  }
  cli::say("Created workflow " + cli::bold(wf.name) + " from template " + tmpl + " at " + wf.path.string());
  cli::say(cli::dim("next: git opentraces dataset new NAME --workflow " + wf.name));
}

void run_list(bool digest) {
  auto wfs = cli::unwrap(workflow::list_installed());
  auto b = bindings();
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.workflow.list.v1");
    json arr = json::array();
    for (const auto& w : wfs) {
      json j = w.to_json();
      j["datasets"] = b.count(w.name) ? json(b[w.name]) : json::array();
      arr.push_back(j);
    }
    doc["workflows"] = arr;
    cli::emit_json(doc);
    return;
  }
  if (wfs.empty()) {
    cli::say("No workflows installed.");
    cli::say(cli::dim("install one: git opentraces workflow create NAME --template default"));
    return;
  }
  for (const auto& w : wfs) {
    std::string ds;
    for (const auto& d : b[w.name]) ds += (ds.empty() ? "" : ",") + d;
    std::string line = w.name + "\t" + w.path.string() + "\t" + (ds.empty() ? "<unused>" : ds);
    if (digest) line += "\t" + w.digest;
    cli::say(line);
  }
}

void run_remove(const std::string& name, bool yes) {
  if (!yes)
    cli::fail(ExitCode::kUsage, "CONFIRMATION_REQUIRED", "workflow remove",
              "removing workflow '" + name + "' deletes its directory", "pass --yes to confirm");
  auto path = cli::unwrap(workflow::remove(name));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.workflow.remove.v1");
    doc["removed"] = {{"name", name}, {"path", path.string()}};
    cli::emit_json(doc);
    return;
  }
  cli::say("Removed workflow " + name + " (" + path.string() + ")");
}

}  // namespace

void register_workflow(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "workflow", "Dataset workflows: templates and installed packages",
                                     "  git opentraces workflow templates\n"
                                     "  git opentraces workflow create my-bursts --template bursts-sft-v1\n"
                                     "  git opentraces workflow list --digest\n");
  group->require_subcommand(1);

  CLI::App* templates = cli::add_command(*group, "templates", "List the shipped workflow templates",
                                         "  git opentraces workflow templates --json\n");
  templates->callback([] { run_templates(); });

  auto name = std::make_shared<std::string>();
  auto tmpl = std::make_shared<std::string>("default");
  auto desc = std::make_shared<std::string>();
  CLI::App* create = cli::add_command(*group, "create", "Install a workflow from a template into $OPENTRACES_HOME/workflows/NAME",
                                      "  git opentraces workflow create my-bursts --template bursts-sft-v1\n"
                                      "  git opentraces workflow create evals --template trajectory-eval-v1 --description \"RL evals\"\n");
  create->add_option("name", *name, "Workflow name (letters, digits, . _ -)")->required();
  create->add_option("--template", *tmpl, "Template to copy (default: default)");
  create->add_option("--description", *desc, "Description written into SKILL.md");
  create->callback([name, tmpl, desc] { run_create(*name, *tmpl, *desc); });

  auto digest = std::make_shared<bool>(false);
  CLI::App* list = cli::add_command(*group, "list", "List installed workflows and the datasets bound to them",
                                    "  git opentraces workflow list\n  git opentraces workflow list --digest --json\n");
  list->add_flag("--digest", *digest, "Show each package's content digest");
  list->callback([digest] { run_list(*digest); });

  auto rname = std::make_shared<std::string>();
  auto yes = std::make_shared<bool>(false);
  CLI::App* remove = cli::add_command(*group, "remove", "Delete an installed workflow",
                                      "  git opentraces workflow remove my-bursts --yes\n");
  remove->add_option("name", *rname, "Workflow name")->required();
  remove->add_flag("--yes,-y", *yes, "Confirm the deletion");
  remove->callback([rname, yes] { run_remove(*rname, *yes); });
}

}  // namespace ot::cmd
