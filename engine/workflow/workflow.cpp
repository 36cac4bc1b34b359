#include "engine/workflow/workflow.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "engine/util/fs.h"
#include "engine/util/hash.h"
#include "engine/util/paths.h"
#include "engine/workflow/names.h"

namespace ot::workflow {

fs::path workflows_root() { return ot_home() / "workflows"; }

namespace {

Error invalid(const fs::path& where, const std::string& why) {
  return make_error(ExitCode::kResource, "WORKFLOW_INVALID", "workflow", where.string() + ": " + why,
                    "a workflow needs SKILL.md (YAML front matter with name and description), "
                    "scripts/build_rows and schemas/row.schema.json");
}

// YAML scalars become strings, except true/false and plain integers.
json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& x : n) a.push_back(yaml_to_json(x));
      return a;
    }
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return o;
    }
    case YAML::NodeType::Scalar: {
      const std::string s = n.Scalar();
      if (n.Tag() != "!") {  // unquoted
        if (s == "true") return true;
        if (s == "false") return false;
        if (!s.empty() && s.size() < 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
          return std::stoll(s);
      }
      return s;
    }
    default:
      return nullptr;
  }
}

Result<json> read_front_matter(const fs::path& skill_md) {
  auto text = read_file(skill_md);
  if (!text.ok()) return invalid(skill_md, "cannot be read");
  const std::string& t = *text;
  if (t.rfind("---\n", 0) != 0) return invalid(skill_md, "does not start with a '---' front matter line");
  size_t end = t.find("\n---", 3);
  if (end == std::string::npos) return invalid(skill_md, "front matter is not closed by a '---' line");
  try {
    YAML::Node n = YAML::Load(t.substr(4, end - 3));
    json j = yaml_to_json(n);
    if (!j.is_object()) return invalid(skill_md, "front matter is not a mapping");
    return j;
  } catch (const YAML::Exception& e) {
    return invalid(skill_md, std::string("front matter is not valid YAML: ") + e.what());
  }
}

bool skipped(const fs::path& rel) {
  for (const auto& part : rel) {
    std::string s = part.string();
    if (s == "__pycache__" || (!s.empty() && s[0] == '.')) return true;
  }
  return false;
}

Result<fs::path> exe_dir() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return make_error(ExitCode::kResource, "IO_ERROR", "workflow", "cannot locate the running binary");
  return p.parent_path();
}

}  // namespace

json Workflow::to_json() const {
  return json{{"name", name},
              {"description", description},
              {"mode", mode},
              {"path", path.string()},
              {"digest", digest},
              {"requires", requires_},
              {"entrypoint", entrypoint},
              {"security", security}};
}

Result<fs::path> templates_root() {
  std::vector<fs::path> tries;
  if (const char* env = std::getenv("OT_WORKFLOW_TEMPLATES"); env && *env) tries.emplace_back(env);
  if (auto d = exe_dir(); d.ok()) {
    tries.push_back(*d / ".." / "share" / "git-opentraces" / "workflows" / "templates");
    tries.push_back(*d / ".." / "workflows" / "templates");        // build dir inside the source tree
    tries.push_back(*d / ".." / ".." / "workflows" / "templates");  // tests/ binaries of such a build
  }
  std::error_code ec;
  for (const auto& p : tries)
    if (fs::is_directory(p, ec)) return fs::weakly_canonical(p, ec);
  return make_error(ExitCode::kResource, "TEMPLATES_NOT_FOUND", "workflow", "the shipped workflow templates were not found",
                    "reinstall git-opentraces, or set OT_WORKFLOW_TEMPLATES to the workflows/templates directory");
}

Result<std::string> package_digest(const fs::path& dir, bool code_only) {
  std::map<std::string, json> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    fs::path rel = fs::relative(it->path(), dir, ec);
    if (skipped(rel)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    if (code_only && (rel == "SKILL.md" || rel == "WORKFLOW.md" || *rel.begin() == "examples")) continue;
    auto bytes = read_file(it->path());
    if (!bytes.ok()) return bytes.error();
    struct stat st{};
    bool exec = ::stat(it->path().c_str(), &st) == 0 && (st.st_mode & S_IXUSR);
    files[rel.generic_string()] = json{{"sha256", sha256_hex(*bytes)}, {"executable", exec}};
  }
  if (ec) return invalid(dir, "cannot be listed: " + ec.message());
  json j = json::object();
  for (auto& [k, v] : files) j[k] = v;
  return json_digest(json{{"files", j}});
}

Result<Workflow> load(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return invalid(dir, "is not a directory");
  fs::path md = dir / "SKILL.md";
  if (!fs::exists(md, ec) && fs::exists(dir / "WORKFLOW.md", ec)) md = dir / "WORKFLOW.md";
  auto fm = read_front_matter(md);
  if (!fm.ok()) return fm.error();
  Workflow wf;
  wf.path = dir;
  wf.front_matter = *fm;
  if (!fm->contains("name") || !(*fm)["name"].is_string()) return invalid(md, "front matter lacks `name`");
  if (!fm->contains("description") || !(*fm)["description"].is_string())
    return invalid(md, "front matter lacks `description`");
  wf.name = (*fm)["name"].get<std::string>();
  wf.description = (*fm)["description"].get<std::string>();
  wf.mode = fm->value("mode", std::string("agent-skill"));
  if (fm->contains("requires")) {
    if (!(*fm)["requires"].is_array()) return invalid(md, "`requires` must be a list");
    for (const auto& r : (*fm)["requires"]) wf.requires_.push_back(r.is_string() ? r.get<std::string>() : r.dump());
  }
  if (fm->contains("security")) {
    if (!(*fm)["security"].is_object()) return invalid(md, "`security` must be a mapping");
    wf.security = (*fm)["security"];
  }
  if (fm->contains("identity")) wf.identity = (*fm)["identity"];
  if (fm->contains("entrypoint")) {
    std::string ep = fm->value("entrypoint", std::string());
    if (ep.empty() || ep[0] == '/' || ep.find("..") != std::string::npos)
      return invalid(md, "`entrypoint` must be a relative path inside the package");
    wf.entrypoint = ep;
  }
  if (!fs::is_regular_file(wf.schema_path(), ec)) return invalid(wf.schema_path(), "is missing");
  if (!fs::is_regular_file(wf.script_path(), ec)) return invalid(wf.script_path(), "is missing");
  auto d = package_digest(dir);
  if (!d.ok()) return d.error();
  wf.digest = *d;
  return wf;
}

namespace {
Result<std::vector<Workflow>> list_dir(const fs::path& root) {
  std::vector<Workflow> out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root, ec))
    if (e.is_directory() && e.path().filename().string()[0] != '.') dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    auto wf = load(d);
    if (!wf.ok()) return wf.error();
    out.push_back(std::move(*wf));
  }
  return out;
}
}  // namespace

Result<std::vector<Workflow>> list_templates() {
  auto root = templates_root();
  if (!root.ok()) return root.error();
  return list_dir(*root);
}

Result<std::vector<Workflow>> list_installed() { return list_dir(workflows_root()); }

Result<Workflow> installed(const std::string& name) {
  OT_TRY_STATUS(validate_name(name, "workflow"));
  std::error_code ec;
  fs::path dir = workflows_root() / name;
  if (!fs::is_directory(dir, ec))
    return make_error(ExitCode::kResource, "WORKFLOW_NOT_FOUND", "workflow", "no installed workflow named '" + name + "'",
                      "install one with `git opentraces workflow create " + name + " --template <template>`");
  return load(dir);
}

Result<Workflow> create(const std::string& name, const std::string& tmpl, const std::string& description) {
  OT_TRY_STATUS(validate_name(name, "workflow"));
  OT_TRY_STATUS(validate_name(tmpl, "template"));
  auto root = templates_root();
  if (!root.ok()) return root.error();
  std::error_code ec;
  fs::path src = *root / tmpl;
  if (!fs::is_directory(src, ec))
    return make_error(ExitCode::kResource, "TEMPLATE_NOT_FOUND", "workflow", "no workflow template named '" + tmpl + "'",
                      "list templates with `git opentraces workflow templates`");
  fs::path dst = workflows_root() / name;
  if (fs::exists(dst, ec))
    return make_error(ExitCode::kResource, "WORKFLOW_EXISTS", "workflow", "workflow '" + name + "' already exists at " + dst.string(),
                      "remove it first with `git opentraces workflow remove " + name + " --yes`");
  OT_TRY_STATUS(ensure_dir(workflows_root()));
  // Copy into a temp sibling, then rename: a half-copied package never appears.
  fs::path tmp = workflows_root() / ("." + name + ".tmp");
  fs::remove_all(tmp, ec);
  fs::copy(src, tmp, fs::copy_options::recursive, ec);
  if (ec) return make_error(ExitCode::kResource, "IO_ERROR", "workflow", "cannot copy " + src.string() + ": " + ec.message());
  for (auto it = fs::recursive_directory_iterator(tmp, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->path().filename() == "__pycache__") {
      fs::remove_all(it->path(), ec);
      break;
    }
  if (name != tmpl || !description.empty()) {
    // Rewrite name/description in the front matter (simple line edits on the known keys).
    fs::path md = tmp / "SKILL.md";
    auto text = read_file(md);
    if (!text.ok()) return text.error();
    std::string out;
    size_t pos = 0;
    int fences = 0;
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      if (nl == std::string::npos) nl = text->size();
      std::string line = text->substr(pos, nl - pos);
      if (line == "---") ++fences;
      if (fences == 1 && line.rfind("name:", 0) == 0) line = "name: " + name;
      if (fences == 1 && !description.empty() && line.rfind("description:", 0) == 0)
        line = "description: " + json(description).dump();
      out += line + "\n";
      pos = nl + 1;
    }
    OT_TRY_STATUS(write_file_atomic(md, out));
  }
  fs::rename(tmp, dst, ec);
  if (ec) return make_error(ExitCode::kResource, "IO_ERROR", "workflow", "cannot install " + dst.string() + ": " + ec.message());
  return load(dst);
}

Result<fs::path> remove(const std::string& name) {
  auto wf = installed(name);
  std::error_code ec;
  fs::path dir = workflows_root() / name;
  if (!wf.ok() && !fs::is_directory(dir, ec)) return wf.error();
  fs::remove_all(dir, ec);
  if (ec) return make_error(ExitCode::kResource, "IO_ERROR", "workflow", "cannot remove " + dir.string() + ": " + ec.message());
  return dir;
}

Result<std::pair<Workflow, std::string>> resolve(const std::string& ref) {
  std::error_code ec;
  bool path_like = ref.find('/') != std::string::npos || (ref.size() > 3 && ref.substr(ref.size() - 3) == ".md") ||
                   fs::exists(ref, ec);
  if (path_like) {
    fs::path p = fs::absolute(ref, ec);
    if (fs::is_regular_file(p, ec)) p = p.parent_path();
    if (!fs::is_directory(p, ec))
      return make_error(ExitCode::kUsage, "WORKFLOW_NOT_FOUND", "dataset new", "workflow path " + ref + " does not exist",
                        "pass an installed workflow name or a workflow package directory");
    auto wf = load(fs::weakly_canonical(p, ec));
    if (!wf.ok()) return wf.error();
    OT_TRY_STATUS(validate_name(wf->name, "workflow"));
    return std::make_pair(std::move(*wf), std::string("path"));
  }
  if (auto v = validate_name(ref, "workflow"); !v.ok()) {
    Error e = v.error();
    e.exit = ExitCode::kUsage;
    return e;
  }
  if (fs::is_directory(workflows_root() / ref, ec)) {
    auto wf = installed(ref);
    if (!wf.ok()) return wf.error();
    return std::make_pair(std::move(*wf), std::string("installed"));
  }
  auto root = templates_root();
  if (root.ok() && fs::is_directory(*root / ref, ec)) {
    auto wf = create(ref, ref);
    if (!wf.ok()) return wf.error();
    return std::make_pair(std::move(*wf), std::string("installed"));
  }
  return make_error(ExitCode::kUsage, "WORKFLOW_NOT_FOUND", "dataset new", "no workflow or template named '" + ref + "'",
                    "list them with `git opentraces workflow list` and `git opentraces workflow templates`");
}

std::string pristine_template(const Workflow& wf) {
  const std::string tmpl = wf.front_matter.value("template", std::string());
  if (tmpl.empty() || !validate_name(tmpl, "template").ok()) return {};
  auto root = templates_root();
  if (!root.ok()) return {};
  std::error_code ec;
  fs::path t = *root / tmpl;
  if (!fs::is_directory(t, ec)) return {};
  auto theirs = package_digest(t, true);
  auto ours = package_digest(wf.path, true);
  return theirs.ok() && ours.ok() && *theirs == *ours ? tmpl : std::string();
}

}  // namespace ot::workflow
