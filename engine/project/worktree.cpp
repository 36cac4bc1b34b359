#include "engine/project/worktree.h"

#include <fstream>
#include <sstream>

namespace ot::project {
namespace {

namespace fs = std::filesystem;

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

bool is_sha(const std::string& s) {
  if (s.size() != 40 && s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::optional<std::string> resolve_ref(const WorkTree& t, const std::string& ref, int depth) {
  if (depth > 5) return std::nullopt;  // symbolic ref loop
  for (const fs::path& dir : {t.git_dir, t.common_dir}) {
    std::error_code ec;
    fs::path file = dir / ref;
    if (!fs::is_regular_file(file, ec)) continue;
    std::string v = first_line(file);
    if (v.rfind("ref: ", 0) == 0) return resolve_ref(t, v.substr(5), depth + 1);
    if (is_sha(v)) return v;
  }
  std::ifstream packed(t.common_dir / "packed-refs");
  std::string line;
  while (std::getline(packed, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '^') continue;
    auto space = line.find(' ');
    if (space != std::string::npos && line.compare(space + 1, std::string::npos, ref) == 0) {
      std::string sha = line.substr(0, space);
      if (is_sha(sha)) return sha;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<WorkTree> find_work_tree(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (ec) return std::nullopt;
  if (!dir.has_filename()) dir = dir.parent_path();
  while (true) {
    fs::path dot_git = dir / ".git";
    if (fs::is_directory(dot_git, ec)) {
      return WorkTree{dir, dot_git, dot_git};
    }
    if (fs::is_regular_file(dot_git, ec)) {
      // A linked worktree or submodule: "gitdir: <path>", relative to the work tree.
      std::string line = first_line(dot_git);
      if (line.rfind("gitdir: ", 0) == 0) {
        fs::path git_dir = line.substr(8);
        if (git_dir.is_relative()) git_dir = dir / git_dir;
        git_dir = git_dir.lexically_normal();
        fs::path common = git_dir;
        std::string rel = first_line(git_dir / "commondir");
        if (!rel.empty()) common = (fs::path(rel).is_relative() ? git_dir / rel : fs::path(rel)).lexically_normal();
        if (!common.has_filename()) common = common.parent_path();  // "a/.git/" → "a/.git"
        return WorkTree{dir, git_dir, common};
      }
    }
    if (dir == dir.root_path() || !dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

std::optional<std::string> read_head_sha(const WorkTree& tree) {
  std::string head = first_line(tree.git_dir / "HEAD");
  if (head.rfind("ref: ", 0) == 0) return resolve_ref(tree, head.substr(5), 0);
  if (is_sha(head)) return head;
  return std::nullopt;
}

}  // namespace ot::project
