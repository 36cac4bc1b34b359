#include "engine/web/assets.h"

#include <string_view>
#include <utility>
#include <vector>

namespace ot::web {

// Defined in the generated web_assets.cpp (web/embed_gen.cmake).
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_files();

namespace {
std::string_view type_of(std::string_view name) {
  auto ends = [&](std::string_view ext) { return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext; };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}
}  // namespace

std::optional<Asset> find_asset(std::string_view name) {
  for (const auto& [n, body] : embedded_files())
    if (n == name) return Asset{body, type_of(n)};
  return std::nullopt;
}

}  // namespace ot::web
