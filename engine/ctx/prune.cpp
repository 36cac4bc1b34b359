#include "engine/ctx/prune.h"

#include <fstream>
#include <set>
#include <unordered_map>

#include "engine/ctx/store.h"
#include "engine/util/fs.h"

namespace ot::ctx {

namespace fs = std::filesystem;

namespace {

std::string uuid_from_hex(const std::string& hex) {
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

bool valid_stem(const std::string& s) {
  if (s.empty() || s.size() > 200 || s[0] == '.') return false;
  for (char c : s)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

}  // namespace

Result<PruneResult> prune_session(const NodeRef& n, const fs::path& source, std::string stem, bool write) {
  PruneResult out;
  out.source = source;
  std::ifstream in(source, std::ios::binary);
  if (!in)
    return make_error(ExitCode::kUsage, "FILE_NOT_FOUND", "ctx", "cannot read the session file " + source.string(),
                      "pass the Claude Code session .jsonl with --source-jsonl");
  if (stem.empty()) stem = uuid_from_hex(strip_sha(n.node().value("node_id", std::string())));
  if (!valid_stem(stem))
    return make_error(ExitCode::kUsage, "INVALID_STEM", "ctx", "\"" + stem + "\" is not a usable session name",
                      "use letters, digits, '-', '_' and '.' only");
  out.stem = stem;
  out.destination = source.parent_path() / (stem + ".jsonl");

  std::vector<std::string> lines;
  std::vector<std::string> uuids;
  std::unordered_map<std::string, std::string> parent, logical;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    std::string u;
    auto j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      if (j.contains("uuid") && j["uuid"].is_string()) u = j["uuid"].get<std::string>();
      if (!u.empty()) {
        parent[u] = j.value("parentUuid", json()).is_string() ? j["parentUuid"].get<std::string>() : std::string();
        if (j.value("logicalParentUuid", json()).is_string()) logical[u] = j["logicalParentUuid"].get<std::string>();
      }
    }
    uuids.push_back(u);
  }
  out.lines_in = static_cast<int64_t>(lines.size());

  const json& x = n.node()["x"];
  std::string end = x.value("transcript_end_uuid", json()).is_string() ? x["transcript_end_uuid"].get<std::string>() : std::string();
  if (end.empty() || !parent.count(end))
    return make_error(ExitCode::kResource, "NODE_NOT_IN_SOURCE", "ctx",
                      source.string() + " does not hold the transcript lines of step " + std::to_string(n.index) + " of " +
                          n.trace.trace_id,
                      "pass the session file this trace was captured from (a sub-agent step needs its agent-*.jsonl)");
  std::set<std::string> keep;
  for (std::string cur = end; !cur.empty() && keep.insert(cur).second;) {
    auto lp = logical.find(cur);
    std::string up = parent.count(cur) ? parent[cur] : std::string();
    cur = !up.empty() ? up : lp != logical.end() ? lp->second : std::string();
  }

  // Steps the parser will read back: the node's track on the path.
  const json& nodes = (*n.trace.tree)["nodes"];
  std::string track = x.value("track", "main");
  std::unordered_map<std::string, int> index_of;
  for (size_t i = 0; i < nodes.size(); ++i) index_of[nodes[i].value("node_id", "")] = static_cast<int>(i);
  for (int i = n.index; i >= 0;) {
    if (nodes[static_cast<size_t>(i)]["x"].value("track", "") == track) ++out.steps_on_path;
    auto it = index_of.find(nodes[static_cast<size_t>(i)].value("parent_node_id", json()).is_string()
                                ? nodes[static_cast<size_t>(i)]["parent_node_id"].get<std::string>()
                                : std::string());
    i = it == index_of.end() ? -1 : it->second;
  }

  std::string text;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (uuids[i].empty() || !keep.count(uuids[i])) continue;
    auto j = ordered_json::parse(lines[i], nullptr, false);
    if (j.contains("sessionId")) j["sessionId"] = stem;
    text += j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
    out.uuid_set.push_back(uuids[i]);
  }
  out.lines_out = static_cast<int64_t>(out.uuid_set.size());
  if (!write) return out;
  std::error_code ec;
  if (fs::exists(out.destination, ec))
    return make_error(ExitCode::kOffline, "DESTINATION_EXISTS", "ctx", out.destination.string() + " already exists",
                      "pick another name with --to-session STEM, or remove the file");
  OT_TRY_STATUS(write_file_atomic(out.destination, text));
  out.written = true;
  return out;
}

}  // namespace ot::ctx
