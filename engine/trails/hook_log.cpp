#include "engine/trails/hook_log.h"

#include <fstream>
#include <system_error>

#include "engine/util/fs.h"
#include "engine/util/log.h"

namespace ot::trails {

void append_hook_log(const std::filesystem::path& git_dir, const json& line) {
  std::string text = canonical_json(line);
  log().info("trail-hook {}", text);
  if (git_dir.empty()) return;
  try {
    auto path = git_dir / "opentraces-hook.log";
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    constexpr uintmax_t kMax = 5u << 20;
    if (!ec && size > kMax) {
      auto old = read_file(path);
      if (old.ok()) {
        std::string keep = old->substr(old->size() / 2);
        size_t nl = keep.find('\n');
        keep = nl == std::string::npos ? std::string() : keep.substr(nl + 1);
        (void)write_file_atomic(path, keep);
      }
    }
    std::ofstream out(path, std::ios::app);
    out << text << '\n';
  } catch (...) {
    // A hook log must never break a commit.
  }
}

}  // namespace ot::trails
