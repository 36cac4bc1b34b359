// Bucket::Impl, shared by the files that implement Bucket (internal).
#pragma once

#include <leveldb/db.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "engine/bucket/bucket.h"

namespace ot::bucket {

struct Bucket::Impl {
  std::filesystem::path dir;
  std::unique_ptr<leveldb::DB> db;
  DrainReport last_drain;
};

// Calls fn(key, plain_value) for every key with `prefix`, starting at `start` (>= prefix)
// when given; fn returns false to stop. Decoding errors are returned.
Status scan_prefix(leveldb::DB* db, const std::string& prefix,
                   const std::function<bool(const std::string&, const std::string&)>& fn,
                   const std::string& start = {});

// Keys only (no decoding).
Status scan_keys(leveldb::DB* db, const std::string& prefix, const std::function<bool(const std::string&)>& fn,
                 const std::string& start = {});

Error not_found(std::string_view trace_id);

}  // namespace ot::bucket
