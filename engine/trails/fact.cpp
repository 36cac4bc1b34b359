#include "engine/trails/fact.h"

#include <algorithm>

namespace ot::trails {

bool Fact::operator==(const Fact& o) const { return fact_line(*this) == fact_line(o); }

int tier_rank(std::string_view tier) {
  if (tier == "exact_blob_hash" || tier == "exact_range_hash") return 1;
  if (tier == "git_clean_range_hash" || tier == "patch_id") return 2;
  if (tier == "structural_symbol" || tier == "structural_match") return 3;
  if (tier == "formatter_divergent") return 4;
  if (tier == "overlapping_hunk") return 5;
  if (tier == "time_file_overlap") return 6;
  if (tier == "orphan") return 99;
  return 100;
}

std::string anchor_id_for(const Fact& f, std::string_view commit_sha) {
  json material = {
      {"commit_id", {{"algo", commit_sha.size() == 64 ? "sha256" : "sha1"}, {"hex", std::string(commit_sha)}}},
      {"evidence_tier", f.tier},
      {"path", f.file},
      {"range", {{"start_line", f.start_line}, {"end_line", f.end_line}}},
      {"trace_patch_id", f.patch_id},
  };
  std::string d = domain_digest("opentraces.git_anchor.v1", material);  // "sha256:<hex>"
  return "gitanchor-" + d;
}

json fact_to_json(const Fact& f) {
  json j = {
      {"v", kFactVersion},
      {"trace_id", f.trace_id},
      {"agent", f.agent},
      {"patch_id", f.patch_id},
      {"file", f.file},
      {"start_line", f.start_line},
      {"end_line", f.end_line},
      {"evidence_tier", f.tier},
      {"evidence_firmness", f.firmness},
      {"range_hash", f.range_hash},
      {"anchor_id", f.anchor_id},
  };
  if (!f.model.empty()) j["model"] = f.model;
  if (f.step_index >= 0) j["step_index"] = f.step_index;
  if (!f.limitation.empty()) j["limitation"] = f.limitation;
  return j;
}

std::optional<Fact> fact_from_json(const json& j) {
  if (!j.is_object() || !j.contains("trace_id") || !j.contains("file") || !j.contains("start_line") ||
      !j.contains("end_line"))
    return std::nullopt;
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  auto num = [&](const char* k, int d) { return j.contains(k) && j[k].is_number_integer() ? j[k].get<int>() : d; };
  Fact f;
  f.trace_id = str("trace_id");
  f.agent = str("agent");
  f.model = str("model");
  f.patch_id = str("patch_id");
  f.step_index = num("step_index", -1);
  f.file = str("file");
  f.start_line = num("start_line", 0);
  f.end_line = num("end_line", 0);
  f.tier = str("evidence_tier");
  f.firmness = str("evidence_firmness");
  f.range_hash = str("range_hash");
  f.limitation = str("limitation");
  f.anchor_id = str("anchor_id");
  if (f.trace_id.empty() || f.file.empty() || f.start_line < 1 || f.end_line < f.start_line) return std::nullopt;
  return f;
}

std::string fact_line(const Fact& f) { return canonical_json(fact_to_json(f)); }

ParsedNote parse_note(std::string_view text) {
  ParsedNote out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    std::optional<Fact> f;
    if (line.front() == '{') {
      json j = json::parse(line.begin(), line.end(), nullptr, false);
      if (!j.is_discarded()) f = fact_from_json(j);
    }
    if (f) out.facts.push_back(std::move(*f));
    else out.other_lines.emplace_back(line);
  }
  return out;
}

std::string render_note(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  std::string out;
  for (const auto& l : lines) {
    if (l.empty()) continue;
    out += l;
    out += '\n';
  }
  return out;
}

std::string render_note(const std::vector<Fact>& facts, const std::vector<std::string>& other_lines) {
  std::vector<std::string> lines = other_lines;
  for (const auto& f : facts) lines.push_back(fact_line(f));
  return render_note(std::move(lines));
}

}  // namespace ot::trails
