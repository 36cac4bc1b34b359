#include "engine/workflow/names.h"

#include <string>

namespace ot::workflow {

Status validate_name(std::string_view name, std::string_view kind) {
  auto bad = [&](const std::string& why) -> Status {
    return make_error(ExitCode::kUsage, "INVALID_NAME", std::string(kind),
                      std::string(kind) + " name '" + std::string(name) + "' is not allowed: " + why,
                      "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
  };
  if (name.empty()) return bad("it is empty");
  if (name.size() > 64) return bad("it is longer than 64 characters");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return bad("it contains the character '" + std::string(1, c) + "'");
  }
  if (name.front() == '.' || name.front() == '-' || name.front() == '_')
    return bad("it must start with a letter or digit");
  if (name.find("..") != std::string_view::npos) return bad("it contains '..'");
  return ok_status();
}

}  // namespace ot::workflow
