// The scoped mini-bucket (mini_bucket.h).
#include "engine/capsule/mini_bucket.h"

#include <unistd.h>

#include <atomic>

#include "engine/bucket/bucket.h"
#include "engine/util/time.h"

namespace ot::capsule {

namespace fs = std::filesystem;

fs::path scratch_dir(const std::string& tag) {
  static std::atomic<int> n{0};
  std::error_code ec;
  fs::path p = fs::temp_directory_path(ec) /
               ("ot-capsule-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(now_ms()) + "-" + std::to_string(n++));
  fs::create_directories(p, ec);
  return p;
}

Result<std::string> write_mini_bucket(const json& record, const std::vector<json>& events, const std::string& project,
                                      const std::string& written_at, const fs::path& dest) {
  fs::path work = scratch_dir("mini");
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{work};
  std::string digest;
  {
    auto b = bucket::Bucket::open(work / "db");
    if (!b.ok()) return b.error();
    bucket::PutOptions po;
    po.project_slug = project;
    po.written_at = written_at;
    auto put = (*b)->put_record(record, po);
    if (!put.ok()) return put.error();
    if (!events.empty()) {
      auto st = (*b)->append_events(put->trace_id, events);
      if (!st.ok()) return st.error();
    }
    auto rep = (*b)->export_to(dest);
    if (!rep.ok()) return rep.error();
    digest = rep->bucket_digest;
  }
  return digest;
}

}  // namespace ot::capsule
