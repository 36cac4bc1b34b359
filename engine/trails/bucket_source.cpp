#include "engine/trails/bucket_source.h"

#include <set>

#include "engine/util/fs.h"

namespace ot::trails {

Result<CandidateSet> candidates_from_file(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text.ok()) return text.error();
  std::vector<json> docs;
  json whole = json::parse(*text, nullptr, false);
  if (!whole.is_discarded() && whole.is_object()) {
    docs.push_back(std::move(whole));
  } else {
    size_t start = 0;
    int lineno = 0;
    while (start < text->size()) {
      size_t nl = text->find('\n', start);
      if (nl == std::string::npos) nl = text->size();
      std::string line = text->substr(start, nl - start);
      start = nl + 1;
      ++lineno;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded())
        return make_error(ExitCode::kUsage, "INVALID_JSON", "trail",
                          file.string() + ":" + std::to_string(lineno) + ": not valid JSON",
                          "give a TraceRecord JSON file, or one JSON document per line");
      docs.push_back(std::move(j));
    }
  }
  CandidateSet out;
  out.patches = patches_from_documents(docs);
  std::set<std::string> seen;
  for (const auto& d : docs) {
    TraceCandidate t;
    if (d.is_object() && d.contains("trace_id") && d["trace_id"].is_string()) t.trace_id = d["trace_id"].get<std::string>();
    complete_from_record(t, d);
    if (!t.trace_id.empty() && seen.insert(t.trace_id).second) out.traces.push_back(t);
  }
  out.traces_in_window = static_cast<int>(out.traces.size());
  return out;
}

// The bucket module (engine/bucket/bucket.h) is landing; until then there are no
// candidates from it and the hook says so in its log.
Result<CandidateSet> candidates_from_bucket(const std::filesystem::path&, int64_t, int64_t) {
  return make_error(ExitCode::kUnavailable, "BUCKET_UNAVAILABLE", "trail",
                    "the bucket module is not built into this binary yet");
}

}  // namespace ot::trails
