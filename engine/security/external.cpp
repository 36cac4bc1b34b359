#include "engine/security/external.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "engine/util/fs.h"
#include "engine/util/json.h"

namespace ot::security {

namespace {

std::string type_name(const std::string& tool, std::string rule) {
  std::string out = tool + "_";
  for (char c : rule) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_');
  return out;
}

// Runs argv with stdout to `out_file` (or /dev/null), stderr discarded; returns the exit status.
int run(const std::vector<std::string>& argv, const fs::path& out_file) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    FILE* out = freopen(out_file.empty() ? "/dev/null" : out_file.c_str(), "w", stdout);
    FILE* err = freopen("/dev/null", "w", stderr);
    (void)out;
    (void)err;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

Result<std::vector<ExternalSecret>> run_external(const std::string& tool, const std::vector<std::string>& texts) {
  std::string tmpl = (fs::temp_directory_path() / "ot-scan-XXXXXX").string();
  if (!mkdtemp(tmpl.data()))
    return make_error(ExitCode::kResource, "EXTERNAL_SCAN_FAILED", "security", "cannot create a temp directory");
  fs::path dir(tmpl);
  std::string all;
  for (const auto& t : texts) all += t + "\n";
  std::vector<ExternalSecret> found;
  Status wrote = write_file_atomic(dir / "src" / "scan.txt", all, 0600);
  std::error_code ec;
  if (!wrote.ok()) {
    fs::remove_all(dir, ec);
    return wrote.error();
  }
  fs::path report = dir / "report.json";
  int rc = 0;
  if (tool == "gitleaks") {
    rc = run({"gitleaks", "detect", "--no-git", "--no-banner", "--source", (dir / "src").string(), "--report-format",
              "json", "--report-path", report.string(), "--exit-code", "0"},
             {});
  } else if (tool == "trufflehog") {
    rc = run({"trufflehog", "filesystem", (dir / "src").string(), "--json", "--no-verification", "--no-update"}, report);
  } else {
    rc = -2;
  }
  auto bytes = read_file(report);
  fs::remove_all(dir, ec);
  if (rc != 0 || !bytes.ok())
    return make_error(ExitCode::kResource, "EXTERNAL_SCAN_FAILED", "security",
                      tool + " did not produce a report (exit " + std::to_string(rc) + ")");
  auto add = [&](const json& j, const char* secret_key, const char* rule_key) {
    if (!j.is_object() || !j.contains(secret_key) || !j[secret_key].is_string()) return;
    std::string s = j[secret_key].get<std::string>();
    if (s.size() < 6) return;  // too short to redact safely by literal match
    found.push_back({s, type_name(tool, j.value(rule_key, "secret"))});
  };
  if (tool == "gitleaks") {
    auto doc = parse_json(*bytes, "gitleaks report");
    if (doc.ok() && doc->is_array())
      for (const auto& j : *doc) add(j, "Secret", "RuleID");
  } else {
    size_t pos = 0;  // JSON lines
    while (pos < bytes->size()) {
      size_t nl = bytes->find('\n', pos);
      if (nl == std::string::npos) nl = bytes->size();
      auto j = parse_json(std::string_view(*bytes).substr(pos, nl - pos), "trufflehog output");
      if (j.ok()) add(*j, "Raw", "DetectorName");
      pos = nl + 1;
    }
  }
  return found;
}

}  // namespace ot::security
