// Bucket::list: rows from the pointer keys, narrowed by secondary indexes, ordered by
// (written_at, trace_id) and paged with an opaque cursor (reference 3.5 `bucket list`).
#include <algorithm>
#include <cstring>
#include <set>

#include "engine/bucket/bucket.h"
#include "engine/bucket/bucket_impl.h"
#include "engine/bucket/keys.h"
#include "engine/bucket/txn.h"
#include "engine/util/time.h"

namespace ot::bucket {

namespace {

const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url(std::string_view in) {
  std::string out;
  unsigned val = 0;
  int bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(kB64[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(kB64[((val << 8) >> (bits + 8)) & 0x3F]);
  return out;
}

std::optional<std::string> unb64url(std::string_view in) {
  std::string out;
  unsigned val = 0;
  int bits = -8;
  for (char c : in) {
    const char* p = std::strchr(kB64, c);
    if (!p || !*p) return std::nullopt;
    val = (val << 6) + static_cast<unsigned>(p - kB64);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

Error bad_cursor() {
  return make_error(ExitCode::kUsage, "INVALID_CURSOR", "bucket list", "the --cursor value is not one this command gave out",
                    "start again without --cursor");
}

}  // namespace

Result<ListPage> Bucket::list(const ListOptions& o) {
  leveldb::DB* db = impl_->db.get();
  int limit = std::clamp(o.limit, 1, 1000);

  // Candidate trace ids: the intersection of the index filters, else every pointer.
  std::optional<std::set<std::string>> ids;
  auto narrow = [&](const char* index, const std::optional<std::string>& value) -> Status {
    if (!value) return ok_status();
    std::set<std::string> hit;
    std::string pre = keys::index_prefix(index, *value);
    OT_TRY_STATUS(scan_keys(db, pre, [&](const std::string& k) {
      std::string rest = k.substr(pre.size());
      if (rest.find('/') == std::string::npos) hit.insert(rest);  // not a longer value sharing this prefix
      return true;
    }));
    if (ids) {
      std::set<std::string> both;
      std::set_intersection(ids->begin(), ids->end(), hit.begin(), hit.end(), std::inserter(both, both.end()));
      ids = std::move(both);
    } else {
      ids = std::move(hit);
    }
    return ok_status();
  };
  OT_TRY_STATUS(narrow("project", o.project));
  OT_TRY_STATUS(narrow("agent", o.agent));
  OT_TRY_STATUS(narrow("model", o.model));
  OT_TRY_STATUS(narrow("file", o.file));
  OT_TRY_STATUS(narrow("tool", o.tool));
  OT_TRY_STATUS(narrow("skill", o.skill));
  OT_TRY_STATUS(narrow("commit", o.commit));

  std::vector<json> rows;
  auto keep = [&](json row) {
    if (o.since_ms) {
      auto w = ms_from_iso(row.value("written_at", ""));
      if (w && *w < *o.since_ms) return;
    }
    if (o.unscanned && row.value("scanned", false)) return;
    if (o.unsynced && row.value("syncable", false)) return;
    if (o.unfiltered && !(row.value("scanned", false) && !row.value("syncable", false))) return;
    if (o.security_stale && !(row.value("scanned", false) && row.value("security_stale", false))) return;
    rows.push_back(std::move(row));
  };
  if (ids) {
    for (const auto& id : *ids) {
      auto raw = db_get(db, keys::pointer(id));
      if (!raw.ok()) return raw.error();
      if (!raw->has_value()) continue;
      auto j = parse_json(**raw, keys::pointer(id));
      if (j.ok()) keep(std::move(j).value());
    }
  } else {
    OT_TRY_STATUS(scan_prefix(db, "r/", [&](const std::string& k, const std::string& v) {
      auto j = parse_json(v, k);
      if (j.ok()) keep(std::move(j).value());
      return true;
    }));
  }
  auto order = [](const json& a, const json& b) {
    auto wa = a.value("written_at", ""), wb = b.value("written_at", "");
    return wa != wb ? wa < wb : a.value("trace_id", "") < b.value("trace_id", "");
  };
  std::sort(rows.begin(), rows.end(), order);

  ListPage page;
  page.total = static_cast<int64_t>(rows.size());
  size_t start = 0;
  if (!o.cursor.empty()) {
    auto text = unb64url(o.cursor);
    if (!text) return bad_cursor();
    auto c = parse_json(*text, "cursor");
    if (!c.ok() || !c->is_array() || c->size() != 3 || !(*c)[1].is_string() || !(*c)[2].is_string()) return bad_cursor();
    json probe = {{"written_at", (*c)[1]}, {"trace_id", (*c)[2]}};
    start = static_cast<size_t>(std::upper_bound(rows.begin(), rows.end(), probe, order) - rows.begin());
  }
  size_t end = std::min(rows.size(), start + static_cast<size_t>(limit));
  for (size_t i = start; i < end; ++i) page.rows.push_back(rows[i]);
  if (end < rows.size() && end > start) {
    const json& last = rows[end - 1];
    page.next_cursor = b64url(canonical_json(json::array({false, last.value("written_at", ""), last.value("trace_id", "")})));
  }
  return page;
}

}  // namespace ot::bucket
