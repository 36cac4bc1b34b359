// Verdicts on capsule issues through gh (verdict.h).
#include "engine/capsule/verdict.h"

#include <regex>

#include "engine/util/process.h"

namespace ot::capsule {
namespace {

Error bad_ref(const std::string& ref) {
  return make_error(ExitCode::kUsage, "BAD_ISSUE_REF", "capsule", "'" + ref + "' does not name a GitHub issue",
                    "give the issue number (123, #123), owner/name#123 or the issue's URL");
}

Error gh_missing(const char* verb) {
  return make_error(ExitCode::kResource, "GH_NOT_FOUND", verb, "the GitHub CLI `gh` is not on PATH",
                    "install gh (https://cli.github.com) and run `gh auth login`");
}

Error gh_failed(const char* verb, const std::string& what, const ProcessResult& r) {
  return make_error(ExitCode::kResource, "GH_FAILED", verb,
                    "`gh " + what + "` failed (exit " + std::to_string(r.exit_code) + "): " + r.err,
                    "check `gh auth status`, the repository name and the issue number");
}

Result<ProcessResult> gh(const char* verb, const std::string& what, std::vector<std::string> argv, std::string stdin_data = {}) {
  if (!program_on_path("gh")) return gh_missing(verb);
  ProcessOptions po;
  po.timeout_ms = 60000;
  po.stdin_data = std::move(stdin_data);
  argv.insert(argv.begin(), "gh");
  auto r = run_process(argv, po);
  if (!r.ok()) return r.error();
  if (r->exit_code != 0) return gh_failed(verb, what, *r);
  return std::move(r).value();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<IssueRef> parse_issue_ref(const std::string& ref, const std::string& default_repo) {
  static const std::regex url(R"(^https?://github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/(?:issues|pull)/([0-9]+)/?(?:[#?].*)?$)");
  static const std::regex qualified(R"(^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#([0-9]+)$)");
  static const std::regex bare(R"(^#?([0-9]+)$)");
  std::smatch m;
  IssueRef out;
  std::string digits;
  if (std::regex_match(ref, m, url) || std::regex_match(ref, m, qualified)) {
    out.repo = m[1].str();
    digits = m[2].str();
  } else if (std::regex_match(ref, m, bare)) {
    out.repo = default_repo;
    digits = m[1].str();
  } else {
    return bad_ref(ref);
  }
  if (digits.size() > 9 || std::stoi(digits) <= 0) return bad_ref(ref);
  out.number = std::stoi(digits);
  if (out.repo.empty())
    return make_error(ExitCode::kUsage, "NO_ISSUE_REPO", "capsule", "issue #" + digits + " of which repository?",
                      "pass --repo owner/name, --capsule (its GitHub remote), or run inside a clone of the GitHub repository");
  return out;
}

bool valid_verdict_state(const std::string& s) { return s == "fixed" || s == "reproduces" || s == "inconclusive"; }

std::string verdict_marker(const VerdictInput& v) {
  std::string m = "<!-- opentraces-verdict: " + v.state;
  if (!v.capsule_id.empty()) m += " capsule=" + v.capsule_id;
  if (!v.ref_commit.empty()) m += " ref=" + v.ref_commit;
  return m + " -->";
}

std::string verdict_comment(const VerdictInput& v) {
  std::string s = verdict_marker(v) + "\n\n**Verdict: " + v.state + "**";
  if (!v.ref_commit.empty())
    s += " at `" + v.ref_commit.substr(0, 12) + "`" + (v.ref_name.empty() || v.ref_name == v.ref_commit ? "" : " (" + v.ref_name + ")");
  s += "\n";
  static const char* kMeaning[][2] = {{"fixed", "the capsule's failure no longer happens"},
                                      {"reproduces", "the capsule's failure still happens"},
                                      {"inconclusive", "the check could not tell"}};
  for (const auto& kv : kMeaning)
    if (v.state == kv[0]) s += "\n" + std::string(kv[1]) + (v.capsule_id.empty() ? "." : " (capsule `" + v.capsule_id + "`).") + "\n";
  if (!v.note.empty()) s += "\n" + v.note + "\n";
  return s + "\n---\nPosted by `git opentraces capsule verdict`; `git opentraces capsule watch` reads it back.\n";
}

json issue_status_from(const json& view, const IssueRef& issue) {
  static const std::regex marker(R"(<!-- opentraces-verdict: (fixed|reproduces|inconclusive)((?: [a-z_]+=[^ >]+)*) -->)");
  static const std::regex field(R"( ([a-z_]+)=([^ >]+))");
  json out{{"repo", issue.repo}, {"number", issue.number}, {"url", view.value("url", "")},
           {"state", view.value("state", "")}, {"verdict", nullptr}, {"verdict_capsule_id", nullptr},
           {"verdict_ref", nullptr}, {"verdict_at", nullptr}};
  // Comments come oldest first; the newest verdict wins (a later "reproduces" overrides "fixed").
  if (view.contains("comments") && view["comments"].is_array())
    for (const auto& c : view["comments"]) {
      std::string body = c.value("body", "");
      std::smatch m;
      if (!std::regex_search(body, m, marker)) continue;
      out["verdict"] = m[1].str();
      out["verdict_capsule_id"] = nullptr;
      out["verdict_ref"] = nullptr;
      std::string rest = m[2].str();
      for (std::sregex_iterator it(rest.begin(), rest.end(), field), end; it != end; ++it) {
        if ((*it)[1] == "capsule") out["verdict_capsule_id"] = (*it)[2].str();
        if ((*it)[1] == "ref") out["verdict_ref"] = (*it)[2].str();
      }
      out["verdict_at"] = c.value("createdAt", json()).is_string() ? c["createdAt"] : json();
    }
  bool fixed = out["verdict"] == "fixed", closed = out["state"] == "CLOSED";
  out["unblocked"] = fixed || closed;
  out["unblocked_by"] = fixed ? json("verdict") : closed ? json("closed") : json();
  return out;
}

Result<json> post_verdict(const IssueRef& issue, const std::string& body, bool close) {
  const std::string num = std::to_string(issue.number);
  auto c = gh("capsule verdict", "issue comment", {"issue", "comment", num, "--repo", issue.repo, "--body-file", "-"}, body);
  if (!c.ok()) return c.error();
  json out{{"comment_url", trimmed(c->out)}, {"closed", false}};
  if (close) {
    auto cl = gh("capsule verdict", "issue close", {"issue", "close", num, "--repo", issue.repo});
    if (!cl.ok()) return cl.error();
    out["closed"] = true;
  }
  return out;
}

Result<json> issue_status(const IssueRef& issue) {
  auto v = gh("capsule watch", "issue view",
              {"issue", "view", std::to_string(issue.number), "--repo", issue.repo, "--json", "state,comments,url"});
  if (!v.ok()) return v.error();
  auto j = parse_json(v->out, "gh issue view");
  if (!j.ok() || !j->is_object())
    return make_error(ExitCode::kResource, "GH_FAILED", "capsule watch", "`gh issue view` did not answer a JSON object",
                      "check the gh version (`gh issue view --json` needs gh 2.0 or later)");
  return issue_status_from(*j, issue);
}

}  // namespace ot::capsule
