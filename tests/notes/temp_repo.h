// A throw-away git repository for tests, driven by the real git CLI.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace ot::test {

inline std::string sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = pclose(p);
  if (rc != 0) throw std::runtime_error("command failed (" + std::to_string(rc) + "): " + cmd + "\n" + out);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

class TempRepo {
 public:
  TempRepo() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ot-repo-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = std::filesystem::canonical(tmpl);
    git("init -q -b main");
    git("config user.name 'Test Human'");
    git("config user.email human@example.com");
    git("config commit.gpgsign false");
  }
  ~TempRepo() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::string git(const std::string& args) const { return sh("git -C '" + dir_.string() + "' " + args + " 2>&1"); }

  void write(const std::string& rel, const std::string& content) const {
    auto p = dir_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  // Stages everything and commits; returns the new commit's sha.
  std::string commit(const std::string& msg) const {
    git("add -A");
    git("commit -q --allow-empty -m '" + msg + "'");
    return git("rev-parse HEAD");
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace ot::test
