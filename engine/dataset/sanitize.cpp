#include "engine/dataset/sanitize.h"

namespace ot::dataset {

// Until engine/security lands: no tool runs, so no row can pass the reader floor.
bool security_available() { return false; }

Result<SanitizedRow> sanitize_row(const json& row, const std::vector<std::string>& tools, const std::string& tier,
                                  const std::string& scope) {
  SanitizedRow out;
  out.row = row;
  return out;
}

}  // namespace ot::dataset
