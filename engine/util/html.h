// Escaping for HTML text and double- or single-quoted attribute values; shared by the
// `report --html` file and the `serve` pages.
#pragma once

#include <string>
#include <string_view>

namespace ot {

std::string html_escape(std::string_view text);

}  // namespace ot
