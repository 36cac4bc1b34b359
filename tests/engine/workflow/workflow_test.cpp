#include "engine/workflow/workflow.h"

#include <stdlib.h>

#include <set>

#include <catch2/catch.hpp>

#include "engine/util/fs.h"
#include "engine/util/json_schema.h"
#include "tests/engine/dataset/temp_home.h"

using namespace ot;
using namespace ot::workflow;

namespace {
struct Templates {
  Templates() { ::setenv("OT_WORKFLOW_TEMPLATES", OT_FIXTURES_DIR "/../../workflows/templates", 1); }
  ~Templates() { ::unsetenv("OT_WORKFLOW_TEMPLATES"); }
};
}  // namespace

TEST_CASE("every shipped template loads, has a valid schema and an executable script") {
  Templates t;
  auto ts = list_templates();
  REQUIRE(ts.ok());
  std::set<std::string> names;
  for (const auto& w : *ts) {
    names.insert(w.name);
    INFO(w.name);
    CHECK(w.front_matter.value("template", "") == w.name);
    CHECK(JsonSchema::load(w.schema_path()).ok());
    CHECK(access(w.script_path().c_str(), X_OK) == 0);
    CHECK(w.digest.rfind("sha256:", 0) == 0);
    // Every example row satisfies the template's schema.
    std::error_code ec;
    auto schema = JsonSchema::load(w.schema_path());
    for (const auto& e : fs::directory_iterator(w.path / "examples", ec)) {
      auto text = read_file(e.path());
      REQUIRE(text.ok());
      size_t pos = 0;
      while (pos < text->size()) {
        size_t nl = text->find('\n', pos);
        if (nl == std::string::npos) nl = text->size();
        auto row = parse_json(text->substr(pos, nl - pos), e.path().string());
        REQUIRE(row.ok());
        INFO(e.path().string());
        CHECK(JsonSchema::summarize(schema->validate(*row)) == "");
        pos = nl + 1;
      }
    }
  }
  CHECK(names == std::set<std::string>{"bursts-sft-v1", "default", "pr-intent-summary-v1", "skill-episodes-v1",
                                       "trajectory-eval-v1"});
}

TEST_CASE("workflow create installs a renamed copy that still counts as the pristine template") {
  Templates t;
  test::TempOtHome home;
  auto wf = create("mine", "bursts-sft-v1", "my bursts");
  REQUIRE(wf.ok());
  CHECK(wf->name == "mine");
  CHECK(wf->description == "my bursts");
  CHECK(pristine_template(*wf) == "bursts-sft-v1");
  CHECK_FALSE(create("mine", "default").ok());
  CHECK(create("other", "nope").error().code == "TEMPLATE_NOT_FOUND");
  // Editing the script makes it a custom workflow.
  REQUIRE(write_file_atomic(wf->script_path(), "#!/bin/sh\nexit 0\n", 0755).ok());
  auto again = installed("mine");
  REQUIRE(again.ok());
  CHECK(again->digest != wf->digest);
  CHECK(pristine_template(*again).empty());
  auto listed = list_installed();
  REQUIRE(listed.ok());
  CHECK(listed->size() == 1);
  CHECK(workflow::remove("mine").ok());
  CHECK(installed("mine").error().code == "WORKFLOW_NOT_FOUND");
}

TEST_CASE("resolve installs a template on first use and refuses unsafe names") {
  Templates t;
  test::TempOtHome home;
  auto r = resolve("default");
  REQUIRE(r.ok());
  CHECK(r->second == "installed");
  CHECK(fs::exists(workflows_root() / "default" / "SKILL.md"));
  CHECK(resolve("nope").error().exit == ExitCode::kUsage);
  CHECK(resolve("a b").error().code == "INVALID_NAME");
}

TEST_CASE("a package without front matter is WORKFLOW_INVALID, naming the file") {
  test::TempOtHome home;
  fs::path d = home.dir / "pkg";
  REQUIRE(ensure_dir(d / "scripts").ok());
  REQUIRE(write_file_atomic(d / "SKILL.md", "no front matter\n").ok());
  auto wf = load(d);
  REQUIRE_FALSE(wf.ok());
  CHECK(wf.error().code == "WORKFLOW_INVALID");
  CHECK(wf.error().message.find("SKILL.md") != std::string::npos);
}
