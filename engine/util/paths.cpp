#include "engine/util/paths.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace ot {

std::filesystem::path user_home() {
  if (const char* h = std::getenv("HOME"); h && *h) return h;
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/";
}

std::filesystem::path ot_home() {
  if (const char* h = std::getenv("OPENTRACES_HOME"); h && *h) return h;
  return user_home() / ".opentraces";
}

}  // namespace ot
