#include "engine/project/project.h"

#include <algorithm>
#include <cctype>
#include <random>

#include "engine/project/config.h"
#include "engine/project/enrolment.h"
#include "engine/project/marker.h"
#include "engine/project/worktree.h"
#include "engine/util/time.h"
#include "notes/repo.h"

namespace ot::project {
namespace {

namespace fs = std::filesystem;

// The work-tree root of the repository containing `cwd`, refusing bare repos.
Result<git::RepoInfo> work_tree(const fs::path& cwd) {
  auto repo = git::discover_repo(cwd);
  if (!repo.ok()) return repo.error();
  if (repo->bare || repo->workdir.empty()) {
    return make_error(ExitCode::kResource, "BARE_REPOSITORY", "project",
                      repo->git_dir.string() + " is a bare repository; projects live in work trees",
                      "run this inside a checkout with a working tree");
  }
  return repo;
}




json registry_row(const ProjectInfo& p, std::string_view enrolled_by) {
  return json{{"project_id", p.project_id},
              {"slug", p.slug},
              {"root_commit_sha", p.root_commit_sha ? json(*p.root_commit_sha) : json(nullptr)},
              {"enrolled_by", enrolled_by},
              {"registered_at", utc_now_iso()}};
}

// Records `p` in the registry under its path; drops rows of the same project whose
// checkout no longer exists (a moved checkout). Returns the path it moved from.
Result<std::optional<fs::path>> register_project(const ProjectInfo& p, std::string_view enrolled_by) {
  std::optional<fs::path> moved_from;
  auto updated = update_config([&](json& config) -> Status {
    json& projects = config["projects"];
    if (!projects.is_object()) projects = json::object();
    std::string key = registry_key(p.root);
    std::vector<std::string> stale;
    for (auto it = projects.begin(); it != projects.end(); ++it) {
      if (it.key() == key || !it.value().is_object()) continue;
      if (it.value().value("project_id", "") != p.project_id) continue;
      std::error_code ec;
      if (!fs::exists(it.key(), ec)) stale.push_back(it.key());
    }
    for (const auto& s : stale) {
      moved_from = fs::path(s);
      projects.erase(s);
    }
    json row = registry_row(p, enrolled_by);
    if (projects.contains(key) && projects[key].is_object()) {
      // Keep the first registration time and how it was enrolled.
      row["registered_at"] = projects[key].value("registered_at", row["registered_at"].get<std::string>());
      row["enrolled_by"] = projects[key].value("enrolled_by", std::string(enrolled_by));
    }
    projects[key] = row;
    return ok_status();
  });
  if (!updated.ok()) return updated.error();
  return moved_from;
}

// A registered project with the same root commit (same repository, other checkout).
std::optional<std::pair<std::string, json>> same_history(const json& config, const std::string& root_sha) {
  if (!config.contains("projects") || !config["projects"].is_object()) return std::nullopt;
  std::optional<std::pair<std::string, json>> found;
  for (auto it = config["projects"].begin(); it != config["projects"].end(); ++it) {
    if (!it.value().is_object() || it.value().value("root_commit_sha", json()) != json(root_sha)) continue;
    std::error_code ec;
    bool gone = !fs::exists(it.key(), ec);
    // Prefer a row whose checkout has disappeared: that is the one that moved here.
    if (!found || gone) found = std::make_pair(it.key(), it.value());
    if (gone) break;
  }
  return found;
}

Result<InitResult> enrol(const git::RepoInfo& repo, const std::vector<std::string>& agents,
                         std::string_view enrolled_by) {
  const fs::path root = repo.workdir;
  InitResult result;
  auto existing = read_marker(root);
  if (!existing.ok()) return existing.error();
  json marker;
  if (*existing) {
    marker = **existing;
    result.already_initialized = true;
  } else {
    auto config = load_config();
    if (!config.ok()) return config.error();
    auto root_sha = git::root_commit(repo);
    std::optional<std::string> sha = root_sha.ok() ? *root_sha : std::nullopt;
    std::string project_id = new_project_id();
    if (sha) {
      if (auto same = same_history(*config, *sha)) project_id = same->second.value("project_id", project_id);
    }
    marker = new_marker(project_id, sha);
  }
  if (!marker.contains("marker_version")) marker["marker_version"] = kMarkerVersion;
  result.agents_added = merge_agents(marker, agents);
  if (!*existing || !result.agents_added.empty()) OT_TRY_STATUS(write_marker(root, marker));
  result.project = info_from(root, marker);
  auto moved = register_project(result.project, enrolled_by);
  if (!moved.ok()) return moved.error();
  result.moved_from = *moved;
  return result;
}

}  // namespace


std::string new_project_id() {
  std::random_device rd;  // /dev/urandom on Linux
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) id += hex[rd() & 0xf];
  return id;
}

Result<InitResult> init_project(const fs::path& cwd, const std::vector<std::string>& agents) {
  auto repo = work_tree(cwd);
  if (!repo.ok()) return repo.error();
  return enrol(*repo, agents, "init");
}

Result<RemoveResult> remove_project(const fs::path& cwd, bool purge_refs) {
  auto repo = work_tree(cwd);
  if (!repo.ok()) return repo.error();
  RemoveResult result;
  result.root = repo->workdir;
  auto marker = read_marker(result.root);
  // A corrupt marker is still ours to delete: remove is how users start over.
  std::error_code ec;
  if (fs::exists(marker_path(result.root), ec)) {
    fs::remove(marker_path(result.root), ec);
    if (ec)
      return make_error(ExitCode::kResource, "REMOVE_FAILED", "remove",
                        "cannot delete " + marker_path(result.root).string() + ": " + ec.message());
    result.removed_marker = true;
  }
  std::string key = registry_key(result.root);
  auto updated = update_config([&](json& config) -> Status {
    if (config["projects"].is_object() && config["projects"].contains(key)) {
      config["projects"].erase(key);
      result.unregistered = true;
    }
    return ok_status();
  });
  if (!updated.ok()) return updated.error();
  if (purge_refs) {
    auto deleted = git::delete_opentraces_refs(*repo);
    if (!deleted.ok()) return deleted.error();
    result.purged_refs = *deleted;
  }
  (void)marker;
  return result;
}

Result<std::optional<ProjectInfo>> find_project(const fs::path& cwd) {
  auto repo = work_tree(cwd);
  if (!repo.ok()) return repo.error();
  auto marker = read_marker(repo->workdir);
  if (!marker.ok()) return marker.error();
  if (!*marker) return std::optional<ProjectInfo>{};
  return std::optional<ProjectInfo>{info_from(repo->workdir, **marker)};
}


Result<std::optional<ProjectInfo>> ensure_enrolled(const fs::path& cwd, std::string_view agent) {
  using Out = std::optional<ProjectInfo>;
  auto check = check_enrolment(cwd, agent);
  if (!check.ok()) return check.error();
  if (check->state == EnrolmentCheck::State::kNotCaptured) return Out{};
  if (check->state == EnrolmentCheck::State::kEnrolled) return Out{check->info};
  bool global = check->global;
  bool lists_agent = check->lists_agent;
  auto canonical = canonical_agent(agent);
  if (!canonical.ok()) return canonical.error();
  bool has_marker = check->has_marker;

  // First capture here, a new agent, or a checkout not yet in the registry: enrol
  // through libgit2 (root commit for the identity).
  auto repo = git::discover_repo(cwd);
  if (!repo.ok() || repo->bare || repo->workdir.empty()) return Out{};
  std::vector<std::string> agents;
  if (global || lists_agent) agents.push_back(*canonical);
  auto enrolled = enrol(*repo, agents, has_marker ? "init" : "auto");
  if (!enrolled.ok()) return enrolled.error();
  return Out{enrolled->project};
}

Result<json> registered_projects() {
  auto config = load_config();
  if (!config.ok()) return config.error();
  return config->value("projects", json::object());
}

}  // namespace ot::project
