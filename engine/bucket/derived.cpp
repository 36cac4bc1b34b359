#include "engine/bucket/derived.h"

#include "engine/ctx/store.h"
#include "engine/discovery/fts_index.h"

namespace ot::bucket {

const std::vector<DerivedWriter>& derived_writers() {
  // One line per module that keeps derived data, e.g.
  //   {"fts", &discovery::forget_trace, &discovery::index_trace},
  static const std::vector<DerivedWriter> writers = {
      {"ctx", nullptr, &ctx::index_trace},
      {"fts", &discovery::fts_forget, &discovery::fts_index},
  };
  return writers;
}

Status write_derived(Txn& txn, const json& record, const RecordFacts& facts) {
  const auto& writers = derived_writers();
  if (writers.empty()) return ok_status();
  const std::string list_key = derived_list_key(facts.trace_id);
  auto old = txn.get_json(list_key);
  if (!old.ok()) return old.error();
  if (old->has_value()) {
    for (const auto& w : writers)
      if (w.forget) OT_TRY_STATUS(w.forget(txn, facts.trace_id));
    if ((*old)->is_array())
      for (const auto& k : **old)
        if (k.is_string()) txn.del(k.get<std::string>());
  }
  std::vector<std::string> owned;
  for (const auto& w : writers) OT_TRY_STATUS(w.index(txn, record, facts, owned));
  txn.put_json(list_key, owned);
  return ok_status();
}

}  // namespace ot::bucket
