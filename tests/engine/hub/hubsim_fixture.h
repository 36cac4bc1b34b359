// Starts the Hub simulator (tests/hubsim/hubsim.js, Node) on a free loopback port for one
// test, with tokens for alice (write) and bob (write), and stops it afterwards.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/hub/http.h"
#include "engine/util/json.h"

namespace ot::test {

class HubSim {
 public:
  static constexpr const char* kAlice = "hf_alice_unit_token_0123456789";
  static constexpr const char* kBob = "hf_bob_unit_token_0123456789";

  explicit HubSim(std::vector<std::string> extra = {}) {
    namespace fs = std::filesystem;
    dir_ = fs::temp_directory_path() / ("ot-hubsim-" + std::to_string(getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string script = std::string(OT_FIXTURES_DIR) + "/../hubsim/hubsim.js";
    std::vector<std::string> args = {"node", script, "--data", (dir_ / "data").string(), "--port-file",
                                     (dir_ / "port").string(), "--token", std::string("alice=") + kAlice,
                                     "--token", std::string("bob=") + kBob};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      std::string log = (dir_ / "sim.log").string();
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      execvp("node", argv.data());
      _exit(127);
    }
    for (int i = 0; i < 200 && port_.empty(); ++i) {
      std::ifstream in(dir_ / "port");
      std::getline(in, port_);
      if (port_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    url_ = "http://127.0.0.1:" + port_;
  }
  ~HubSim() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool started() const { return !port_.empty(); }
  const std::string& url() const { return url_; }
  const std::filesystem::path& dir() const { return dir_; }

  // Calls the control API (/_sim/...).
  json ctl(const std::string& method, const std::string& path, const json& body = nullptr) {
    hub::HttpSession s;
    hub::HttpRequest r;
    r.method = method;
    r.url = url_ + path;
    if (!body.is_null()) {
      r.body = body.dump();
      r.headers.emplace_back("Content-Type", "application/json");
    }
    auto a = s.send(r);
    if (!a.ok()) return nullptr;
    return json::parse(a->body, nullptr, false);
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  pid_t pid_ = -1;
  std::filesystem::path dir_;
  std::string port_;
  std::string url_;
};

}  // namespace ot::test
