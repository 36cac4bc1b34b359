// A throw-away $OPENTRACES_HOME for dataset/workflow unit tests.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace ot::test {

struct TempOtHome {
  std::filesystem::path dir;
  std::string old;
  TempOtHome() {
    const char* o = std::getenv("OPENTRACES_HOME");
    old = o ? o : "";
    char tmpl[] = "/tmp/ot-ds-test.XXXXXX";
    dir = mkdtemp(tmpl);
    ::setenv("OPENTRACES_HOME", (dir / "ot").c_str(), 1);
  }
  ~TempOtHome() {
    if (old.empty()) ::unsetenv("OPENTRACES_HOME");
    else ::setenv("OPENTRACES_HOME", old.c_str(), 1);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace ot::test
