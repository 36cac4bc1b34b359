// Fuzzes TraceRecord loading: arbitrary JSON must load or fail with an error, never
// crash; what loads must store and reload to the same bytes.
#include <cstdint>
#include <cstdlib>

#include "engine/schema/record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto j = ot::json::parse(reinterpret_cast<const char*>(data), reinterpret_cast<const char*>(data) + size, nullptr,
                           false);
  if (j.is_discarded()) return 0;
  auto r = ot::schema::record_from_json(j);
  if (!r.ok()) return 0;
  (void)ot::schema::validate(*r);
  std::string first = ot::canonical_json(ot::schema::to_json(*r));
  auto back = ot::schema::record_from_json(ot::json::parse(first));
  if (!back.ok() || ot::canonical_json(ot::schema::to_json(*back)) != first) std::abort();
  return 0;
}
