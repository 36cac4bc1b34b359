// Static files of the local web view (web/static/*), embedded at build time by
// web/embed.cmake: the binary needs no data directory beside it.
#pragma once

#include <optional>
#include <string_view>

namespace ot::web {

struct Asset {
  std::string_view body;
  std::string_view content_type;
};

// `name` is the file name under web/static ("app.css"); nullopt when there is none.
std::optional<Asset> find_asset(std::string_view name);

}  // namespace ot::web
