// Reading a capsule back: a directory, a capsule.json file, or hub:owner/name[/path]
// (manifest.h, load_capsule).
#include <set>

#include "engine/capsule/manifest.h"
#include "engine/hub/auth.h"
#include "engine/hub/client.h"
#include "engine/util/fs.h"

namespace ot::capsule {

namespace fs = std::filesystem;

namespace {

Error not_found(const std::string& what) {
  return make_error(ExitCode::kResource, "CAPSULE_NOT_FOUND", "capsule", what,
                    "pass a capsule directory, its capsule.json, or hub:owner/name/capsules/<capsule_id>");
}

Result<Capsule> from_hub(std::string_view ref, std::string_view spec) {
  // owner/name[/path...]
  std::string s(spec);
  if (s.rfind("datasets/", 0) == 0) s = s.substr(9);
  auto first = s.find('/');
  if (first == std::string::npos) return not_found(std::string(ref) + " names no Hub repository (hub:owner/name[/path])");
  auto second = s.find('/', first + 1);
  std::string repo_text = s.substr(0, second);
  std::string path = second == std::string::npos ? "" : s.substr(second + 1);
  while (!path.empty() && path.back() == '/') path.pop_back();
  auto repo = hub::parse_repo_id(repo_text);
  if (!repo.ok()) return repo.error();
  auto token = hub::resolve_token();
  hub::Client client(hub::options_from_env(token ? token->token : ""));
  if (path.empty()) {
    auto tree = client.list_tree(*repo);
    if (!tree.ok()) return tree.error();
    std::set<std::string> found;
    for (const auto& e : *tree)
      if (e.type == "file" && e.path.size() > 13 && e.path.compare(e.path.size() - 13, 13, "/capsule.json") == 0)
        found.insert(e.path);
    if (found.size() != 1)
      return not_found(repo->id + " holds " + std::to_string(found.size()) + " capsules; name one: hub:" + repo->id +
                       "/capsules/<capsule_id>");
    path = *found.begin();
  } else if (path.size() < 5 || path.compare(path.size() - 5, 5, ".json") != 0) {
    path += "/capsule.json";
  }
  auto bytes = client.download(*repo, path);
  if (!bytes.ok()) {
    if (bytes.error().code == "HUB_NOT_FOUND") return not_found("no " + path + " in the Hub dataset " + repo->id);
    return bytes.error();
  }
  auto doc = parse_json(*bytes, "hub:" + repo->id + "/" + path);
  if (!doc.ok()) return make_error(ExitCode::kUsage, "CAPSULE_INVALID", "capsule", doc.error().message);
  OT_TRY_STATUS(check_doc(*doc, "hub:" + repo->id + "/" + path));
  Capsule c;
  c.doc = std::move(doc).value();
  c.source = std::string(ref);
  return c;
}

}  // namespace

Result<Capsule> load_capsule(std::string_view ref) {
  if (ref.rfind("hub:", 0) == 0) return from_hub(ref, ref.substr(4));
  if (ref.rfind("hf://", 0) == 0) return from_hub(ref, ref.substr(5));
  fs::path p{std::string(ref)};
  std::error_code ec;
  if (fs::is_directory(p, ec)) p /= "capsule.json";
  if (!fs::exists(p, ec)) return not_found("no capsule at " + std::string(ref));
  auto text = read_file(p);
  if (!text.ok()) return text.error();
  auto doc = parse_json(*text, p.string());
  if (!doc.ok()) return make_error(ExitCode::kUsage, "CAPSULE_INVALID", "capsule", doc.error().message);
  OT_TRY_STATUS(check_doc(*doc, p.string()));
  Capsule c;
  c.doc = std::move(doc).value();
  c.dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  c.source = std::string(ref);
  return c;
}

}  // namespace ot::capsule
