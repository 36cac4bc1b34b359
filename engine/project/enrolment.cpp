#include "engine/project/enrolment.h"

#include <algorithm>
#include <cctype>

#include "engine/project/config.h"
#include "engine/project/marker.h"
#include "engine/project/worktree.h"

namespace ot::project {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> string_list(const json& doc, const char* key) {
  std::vector<std::string> out;
  if (doc.contains(key) && doc[key].is_array())
    for (const auto& v : doc[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

std::string registry_key(const fs::path& root) {
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(root, ec);
  return (ec ? root : canon).lexically_normal().string();
}

ProjectInfo info_from(const fs::path& root, const json& marker) {
  ProjectInfo info;
  info.project_id = marker.value("project_id", "");
  info.slug = make_slug(root.filename().string(), info.project_id);
  info.root = root;
  info.agents = string_list(marker, "agents");
  info.excluded = marker.value("excluded", false);
  if (marker.contains("root_commit_sha") && marker["root_commit_sha"].is_string())
    info.root_commit_sha = marker["root_commit_sha"].get<std::string>();
  info.marker = marker;
  return info;
}

std::string make_slug(std::string_view basename, std::string_view project_id) {
  std::string slug;
  bool dash = false;
  for (unsigned char c : basename) {
    char l = static_cast<char>(std::tolower(c));
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) {
      if (dash && !slug.empty()) slug += '-';
      slug += l;
      dash = false;
    } else {
      dash = true;
    }
  }
  if (slug.size() > 48) slug.resize(48);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "project";
  return slug + "-" + std::string(project_id.substr(0, 8));
}

bool is_excluded(const json& config, const fs::path& root, const json& marker) {
  if (marker.is_object() && marker.value("excluded", false)) return true;
  if (!config.contains("excluded_projects") || !config["excluded_projects"].is_array()) return false;
  std::string key = registry_key(root);
  for (const auto& p : config["excluded_projects"])
    if (p.is_string() && registry_key(p.get<std::string>()) == key) return true;
  return false;
}

Result<EnrolmentCheck> check_enrolment(const fs::path& cwd, std::string_view agent) {
  EnrolmentCheck out;
  auto tree = find_work_tree(cwd);
  if (!tree) return out;  // nothing to anchor to
  auto canonical = canonical_agent(agent);
  if (!canonical.ok()) return canonical.error();
  auto config = load_config();
  if (!config.ok()) return config.error();
  auto marker = read_marker(tree->root);
  if (!marker.ok()) return marker.error();

  const json marker_doc = *marker ? **marker : json::object();
  if (is_excluded(*config, tree->root, marker_doc)) return out;
  out.global = tracking_mode(*config) == "global";
  out.has_marker = marker->has_value();
  if (!out.has_marker && !out.global) return out;

  if (out.has_marker) out.info = info_from(tree->root, **marker);
  bool registered = config->contains("projects") && (*config)["projects"].is_object() &&
                    (*config)["projects"].contains(registry_key(tree->root));
  out.lists_agent = std::find(out.info.agents.begin(), out.info.agents.end(), *canonical) != out.info.agents.end();
  out.state = out.has_marker && registered && (out.lists_agent || !out.global) ? EnrolmentCheck::State::kEnrolled
                                                                                 : EnrolmentCheck::State::kNeedsEnrolment;
  return out;
}

}  // namespace ot::project
