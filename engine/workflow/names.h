// Names of workflows and datasets become directory names under $OPENTRACES_HOME and
// appear in run packets handed to scripts: only a safe, boring alphabet is accepted.
#pragma once

#include <string_view>

#include "engine/util/result.h"

namespace ot::workflow {

// 1..64 characters of [A-Za-z0-9._-], starting with a letter or digit, no "..".
// `kind` is "dataset" or "workflow" (named in the error). INVALID_NAME, exit 2.
Status validate_name(std::string_view name, std::string_view kind);

}  // namespace ot::workflow
