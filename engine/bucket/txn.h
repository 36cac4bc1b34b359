// A write transaction over the bucket's LevelDB: reads see the transaction's own
// pending writes; commit turns them into one WriteBatch. A child transaction stages
// one spool item so a bad item can be dropped without touching the rest of the batch.
#pragma once

#include <leveldb/db.h>

#include <map>
#include <optional>
#include <string>

#include "engine/bucket/manifest.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::bucket {

class Txn {
 public:
  explicit Txn(leveldb::DB* db) : db_(db) {}
  explicit Txn(Txn& parent) : db_(parent.db_), parent_(&parent) {}
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // Decoded value, nullopt when absent.
  Result<std::optional<std::string>> get(const std::string& key);
  Result<std::optional<json>> get_json(const std::string& key);
  void put(const std::string& key, std::string value);
  void put_json(const std::string& key, const json& value) { put(key, canonical_json(value)); }
  void del(const std::string& key);

  Result<Counters> counters();
  void put_counters(const Counters& c) { put_json(kManifestKey, c.to_json()); }

  // Child only: hands the staged writes to the parent.
  void merge_into_parent();
  // Root only: one WriteBatch; sync=true waits for the disk.
  Status commit(bool sync);

  bool empty() const { return writes_.empty(); }
  size_t staged_bytes() const { return bytes_; }

  static inline const std::string kManifestKey = "m/manifest";

 private:
  leveldb::DB* db_;
  Txn* parent_ = nullptr;
  std::map<std::string, std::optional<std::string>> writes_;  // nullopt = delete
  size_t bytes_ = 0;
};

// Reads one key straight from the DB (decoded).
Result<std::optional<std::string>> db_get(leveldb::DB* db, const std::string& key);

}  // namespace ot::bucket
