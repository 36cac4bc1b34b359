#include "engine/bucket/spool.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>

#include "engine/util/fs.h"
#include "engine/util/time.h"

namespace ot::bucket {

Result<std::filesystem::path> spool_append(const json& item, const std::filesystem::path& spool) {
  OT_TRY_STATUS(ensure_dir(spool, 0700));
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  char name[96];
  std::snprintf(name, sizeof name, "%013lld-%d-%u-%06x.json", static_cast<long long>(now_ms()),
                static_cast<int>(getpid()), counter.fetch_add(1), rd() & 0xffffff);
  std::filesystem::path path = spool / name;
  OT_TRY_STATUS(write_file_atomic(path, canonical_json(item) + "\n", 0600));
  return path;
}

Result<std::vector<std::filesystem::path>> spool_pending(const std::filesystem::path& spool) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  if (!std::filesystem::exists(spool, ec)) return out;
  for (std::filesystem::directory_iterator it(spool, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    std::string name = p.filename().string();
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0 && name.find(".tmp-") == std::string::npos)
      out.push_back(p);
  }
  if (ec)
    return make_error(ExitCode::kResource, "SPOOL_UNREADABLE", "spool",
                      "cannot list spool " + spool.string() + ": " + ec.message(), "check permissions", true);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace ot::bucket
