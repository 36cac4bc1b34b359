// verify / rebuild / repair (filled in by the next landing).
#include "engine/bucket/bucket.h"
#include "engine/bucket/bucket_impl.h"

namespace ot::bucket {

namespace {
Error later(const char* what) {
  return make_error(ExitCode::kNotImplemented, "NOT_IMPLEMENTED", "bucket",
                    std::string("bucket ") + what + " is not implemented yet (issue #4)");
}
}  // namespace

json VerifyReport::to_json() const { return {{"ok", ok}, {"errors", errors}}; }
json RepairReport::to_json() const { return json::object(); }
Result<VerifyReport> Bucket::verify(const VerifyOptions&) { return later("verify"); }
Result<RepairReport> Bucket::rebuild() { return later("repair"); }
Result<ExportReport> Bucket::export_to(const std::filesystem::path&) { return later("export"); }
Result<ImportReport> Bucket::import_from(const std::filesystem::path&) { return later("import"); }
Result<RepairReport> repair_bucket(const std::filesystem::path&) { return later("repair"); }

}  // namespace ot::bucket
