// GitHub issue bodies for capsules (issue.h).
#include "engine/capsule/issue.h"

#include "engine/capsule/manifest.h"
#include "engine/capsule/repo_pin.h"
#include "engine/util/process.h"

namespace ot::capsule {

std::string issue_marker(const std::string& capsule_id) { return "<!-- opentraces-capsule: " + capsule_id + " -->"; }

std::string issue_title(const json& doc, const std::string& override_title) {
  std::string t = override_title.empty() ? "[agent capsule] " + doc.value("title", "agent session") : override_title;
  for (auto& c : t)
    if (c == '\n' || c == '\r') c = ' ';
  if (t.size() > 90) {
    t.resize(87);
    while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80) t.pop_back();  // no split UTF-8
    if (!t.empty() && static_cast<unsigned char>(t.back()) >= 0xC0) t.pop_back();
    t += "...";
  }
  return t;
}

std::string issue_body(const json& doc) {
  std::string md = render_markdown(doc);
  // The issue title already says what this is: the summary's H1 becomes a section.
  if (md.rfind("# ", 0) == 0) md = "## Summary\n\n" + md.substr(md.find('\n') + 1);
  return issue_marker(doc.value("capsule_id", "")) + "\n\n" + md +
         "\n---\nFiled by `git opentraces capsule issue`. Import the capsule with `git opentraces capsule import <capsule>`.\n";
}

Result<std::string> issue_repo(const json& doc, const std::string& explicit_repo) {
  if (!explicit_repo.empty()) return explicit_repo;
  std::string url = doc.contains("repo") && doc["repo"]["remote_url"].is_string() ? doc["repo"]["remote_url"].get<std::string>() : "";
  std::string r = github_repo_of(url);
  if (r.empty())
    return make_error(ExitCode::kUsage, "NO_ISSUE_REPO", "capsule issue",
                      "the capsule's repository (" + (url.empty() ? std::string("no remote") : url) + ") is not on GitHub",
                      "pass --issue-repo owner/name");
  return r;
}

namespace {

Error gh_failed(const std::string& what, const ProcessResult& r) {
  return make_error(ExitCode::kResource, "GH_FAILED", "capsule issue", "`gh " + what + "` failed (exit " + std::to_string(r.exit_code) + "): " + r.err,
                    "check `gh auth status` and the repository name");
}

}  // namespace

Result<json> publish_issue(const std::string& repo, const std::string& capsule_id, const std::string& title, const std::string& body) {
  if (!program_on_path("gh"))
    return make_error(ExitCode::kResource, "GH_NOT_FOUND", "capsule issue", "--publish files the issue through the GitHub CLI `gh`, which is not on PATH",
                      "install gh (https://cli.github.com) and run `gh auth login`, or drop --publish and paste the printed body");
  ProcessOptions po;
  po.timeout_ms = 60000;
  auto list = run_process({"gh", "issue", "list", "--repo", repo, "--state", "all", "--search", capsule_id + " in:body", "--json",
                           "number,url,body", "--limit", "50"},
                          po);
  if (!list.ok()) return list.error();
  if (list->exit_code != 0) return gh_failed("issue list", *list);
  auto found = parse_json(list->out, "gh issue list");
  std::string marker = issue_marker(capsule_id);
  if (found.ok() && found->is_array())
    for (const auto& i : *found)
      if (i.value("body", "").find(marker) != std::string::npos) {
        std::string num = std::to_string(i.value("number", 0));
        ProcessOptions eo = po;
        eo.stdin_data = body;
        auto ed = run_process({"gh", "issue", "edit", num, "--repo", repo, "--title", title, "--body-file", "-"}, eo);
        if (!ed.ok()) return ed.error();
        if (ed->exit_code != 0) return gh_failed("issue edit", *ed);
        return json{{"action", "updated"}, {"url", i.value("url", "")}, {"number", i.value("number", 0)}};
      }
  ProcessOptions co = po;
  co.stdin_data = body;
  auto cr = run_process({"gh", "issue", "create", "--repo", repo, "--title", title, "--body-file", "-"}, co);
  if (!cr.ok()) return cr.error();
  if (cr->exit_code != 0) return gh_failed("issue create", *cr);
  std::string url = cr->out;
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
  auto slash = url.rfind('/');
  int number = slash == std::string::npos ? 0 : std::atoi(url.c_str() + slash + 1);
  return json{{"action", "created"}, {"url", url}, {"number", number}};
}

}  // namespace ot::capsule
