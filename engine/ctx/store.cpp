#include "engine/ctx/store.h"

#include <algorithm>

#include "engine/ctx/tree.h"

namespace ot::ctx {

std::string strip_sha(std::string_view id) {
  if (id.rfind("sha256:", 0) == 0) id.remove_prefix(7);
  return std::string(id);
}

Status index_trace(bucket::Txn& txn, const json& record, const bucket::RecordFacts& facts, std::vector<std::string>& owned) {
  if (!record.contains("steps") || !record["steps"].is_array() || record["steps"].empty()) return ok_status();
  Built b = build_tree(record);
  for (auto& [hex, bytes] : b.blobs) txn.put(bucket::derived_blob_key(hex), std::move(bytes));
  for (const auto& node : b.tree["nodes"]) {
    std::string k = node_key(strip_sha(node.value("node_id", std::string())));
    txn.put(k, facts.trace_id);
    owned.push_back(std::move(k));
  }
  std::string k = tree_key(facts.trace_id);
  txn.put_json(k, b.tree);
  owned.push_back(std::move(k));
  return ok_status();
}

Result<std::optional<json>> Reader::tree(std::string_view trace_id) {
  auto raw = b_.get_derived(tree_key(trace_id));
  if (!raw.ok()) return raw.error();
  if (!raw->has_value()) return std::optional<json>();
  auto j = parse_json(**raw, tree_key(trace_id));
  if (!j.ok()) return j.error();
  return std::optional<json>(std::move(j).value());
}

Result<std::optional<std::string>> Reader::trace_of_node(std::string_view node_id) {
  return b_.get_derived(node_key(strip_sha(node_id)));
}

Result<json> Reader::blob(const std::string& hex, std::string_view what) {
  auto raw = b_.get_derived(bucket::derived_blob_key(hex));
  if (!raw.ok()) return raw.error();
  if (!raw->has_value())
    return make_error(ExitCode::kResource, "CONTEXT_LAYER_UNAVAILABLE", "ctx",
                      std::string(what) + " sha256:" + hex + " is not in the bucket",
                      "run `git opentraces bucket repair` to rebuild derived data");
  return parse_json(**raw, "c/" + hex);
}

Result<json> Reader::layer(std::string_view layer_id) { return blob(strip_sha(layer_id), "context layer"); }

Result<std::vector<json>> Reader::chain(const json& head) {
  std::vector<json> links;
  std::string cur = head.is_string() ? head.get<std::string>() : std::string();
  while (!cur.empty()) {
    auto link = blob(cur, "messages chain link");
    if (!link.ok()) return link.error();
    const json& prev = (*link)["prev"];
    cur = prev.is_string() ? prev.get<std::string>() : std::string();
    links.push_back(std::move(link).value());
  }
  std::reverse(links.begin(), links.end());
  return links;
}

Result<Page> Reader::messages(const json& head, int64_t offset, int64_t limit) {
  auto links = chain(head);
  if (!links.ok()) return links.error();
  Page page;
  page.total = static_cast<int64_t>(links->size());
  int64_t end = limit < 0 ? page.total : std::min(page.total, offset + limit);
  for (int64_t i = std::max<int64_t>(offset, 0); i < end; ++i) {
    const json& l = (*links)[static_cast<size_t>(i)];
    auto m = blob(l.value("msg", std::string()), "message");
    if (!m.ok()) return m.error();
    page.messages.push_back({l.value("step", -1), false, std::move(m).value()});
  }
  return page;
}

}  // namespace ot::ctx
