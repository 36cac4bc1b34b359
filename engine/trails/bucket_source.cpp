#include "engine/trails/bucket_source.h"

#include <set>

#include "engine/bucket/bucket.h"
#include "engine/parse/session.h"
#include "engine/schema/record.h"
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

Result<CandidateSet> candidates_from_bucket(const std::filesystem::path& repo_root, int64_t from_ms, int64_t to_ms,
                                            int lock_wait_ms) {
  std::error_code ec;
  if (!std::filesystem::exists(bucket_dir(), ec) && !std::filesystem::exists(spool_dir(), ec))
    return make_error(ExitCode::kResource, "NO_BUCKET", "trail",
                      "no bucket at " + bucket_dir().string() + " (nothing captured on this machine yet)",
                      "install capture with `git opentraces setup claude-code` (or codex / pi)");
  bucket::OpenOptions oo;
  oo.lock_wait_ms = lock_wait_ms;
  auto b = bucket::open_and_drain(bucket_dir(), spool_dir(), oo);
  if (!b.ok()) return b.error();
  auto active = (*b)->traces_active_since(from_ms);
  if (!active.ok()) return active.error();
  CandidateSet out;
  for (const auto& a : *active) {
    if (to_ms && a.last_activity_ms > to_ms) continue;
    ++out.traces_in_window;
    TraceCandidate t{a.trace_id, a.agent, "", a.cwd, a.last_activity_ms};
    json record;
    auto rec = (*b)->get_record(a.trace_id);
    if (rec.ok()) record = std::move(*rec);
    complete_from_record(t, record);
    if (!cwd_in_repo(t.cwd, repo_root)) continue;
    std::vector<json> events;
    auto ev = (*b)->events(a.trace_id);
    if (ev.ok()) events = std::move(*ev);
    // The live session file is the freshest account of what the agent wrote (some
    // agents' hooks carry no edit payloads): parse it now when the hooks named it.
    std::string session_file;
    for (auto it = events.rbegin(); it != events.rend() && session_file.empty(); ++it)
      if (it->is_object() && it->contains("session_file") && (*it)["session_file"].is_string())
        session_file = (*it)["session_file"].get<std::string>();
    if (!session_file.empty()) {
      std::error_code fec;
      auto size = std::filesystem::file_size(session_file, fec);
      if (!fec && size < (64u << 20)) {
        auto parsed = parse::parse_session_file(session_file);
        if (parsed.ok()) {
          json live = schema::to_json(*parsed);
          complete_from_record(t, live);
          if (live.contains("patches") && live["patches"].is_array())
            for (const auto& pj : live["patches"]) events.push_back({{"event_type", "trace_patch_created"}, {"patch", pj}});
        }
      }
    }
    auto patches = patches_for_trace(t, record, events);
    if (patches.empty()) continue;
    out.traces.push_back(t);
    out.patches.insert(out.patches.end(), patches.begin(), patches.end());
  }
  return out;
}

}  // namespace ot::trails
