#include "engine/bucket/txn.h"

#include <leveldb/write_batch.h>

#include "engine/bucket/codec.h"

namespace ot::bucket {

Result<std::optional<std::string>> db_get(leveldb::DB* db, const std::string& key) {
  std::string stored;
  leveldb::Status s = db->Get(leveldb::ReadOptions(), key, &stored);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok())
    return make_error(ExitCode::kResource, s.IsCorruption() ? "BUCKET_CORRUPT" : "BUCKET_IO", "bucket",
                      "cannot read " + key + " from the bucket: " + s.ToString(),
                      "run `git opentraces bucket verify`; `git opentraces bucket repair` rebuilds what it can");
  auto plain = decode_value(stored, key);
  if (!plain.ok()) return plain.error();
  return std::optional<std::string>(std::move(plain).value());
}

Result<std::optional<std::string>> Txn::get(const std::string& key) {
  auto it = writes_.find(key);
  if (it != writes_.end()) return it->second;
  if (parent_) return parent_->get(key);
  return db_get(db_, key);
}

Result<std::optional<json>> Txn::get_json(const std::string& key) {
  auto raw = get(key);
  if (!raw.ok()) return raw.error();
  if (!raw->has_value()) return std::optional<json>();
  auto parsed = parse_json(**raw, key);
  if (!parsed.ok())
    return make_error(ExitCode::kResource, "BUCKET_CORRUPT", "bucket", "stored value at " + key + " is not JSON",
                      "run `git opentraces bucket repair`");
  return std::optional<json>(std::move(parsed).value());
}

void Txn::put(const std::string& key, std::string value) {
  bytes_ += key.size() + value.size();
  writes_[key] = std::move(value);
}

void Txn::del(const std::string& key) {
  bytes_ += key.size();
  writes_[key] = std::nullopt;
}

Result<Counters> Txn::counters() {
  auto j = get_json(kManifestKey);
  if (!j.ok()) return j.error();
  if (!j->has_value()) return Counters{};
  return Counters::from_json(**j);
}

void Txn::merge_into_parent() {
  for (auto& [k, v] : writes_) {
    if (v) parent_->put(k, std::move(*v));
    else parent_->del(k);
  }
  writes_.clear();
  bytes_ = 0;
}

Status Txn::commit(bool sync) {
  if (writes_.empty()) return ok_status();
  leveldb::WriteBatch batch;
  for (const auto& [k, v] : writes_) {
    if (v) batch.Put(k, encode_value(*v));
    else batch.Delete(k);
  }
  leveldb::WriteOptions wo;
  wo.sync = sync;
  leveldb::Status s = db_->Write(wo, &batch);
  if (!s.ok())
    return make_error(ExitCode::kResource, "BUCKET_WRITE_FAILED", "bucket",
                      "cannot write to the bucket: " + s.ToString(),
                      "check free disk space and permissions of $OPENTRACES_HOME/bucket", true);
  writes_.clear();
  bytes_ = 0;
  return ok_status();
}

}  // namespace ot::bucket
