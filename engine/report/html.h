// The report as one self-contained HTML file: inline CSS and SVG, no script, no font,
// no image or link to anything outside the file. A Content-Security-Policy meta tag
// (default-src 'none') makes the browser refuse any request the markup might still make.
#pragma once

#include <string>
#include <string_view>

#include "engine/util/html.h"
#include "engine/util/json.h"

namespace ot::report {

using ot::html_escape;  // engine/util/html.h

// `report` is the full opentraces.report.v1 document (envelope included).
std::string render_html(const ordered_json& report);

}  // namespace ot::report
