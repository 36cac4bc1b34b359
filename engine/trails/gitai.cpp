#include "engine/trails/gitai.h"

#include <cstdlib>

namespace ot::trails {

namespace {

std::string unquote_path(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out.push_back(s[i]);
  }
  return out;
}

std::string str_at(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}

}  // namespace

std::vector<std::pair<int, int>> parse_gitai_ranges(std::string_view s) {
  std::vector<std::pair<int, int>> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string_view::npos) j = s.size();
    std::string piece(s.substr(i, j - i));
    i = j + 1;
    if (piece.empty()) continue;
    size_t dash = piece.find('-');
    char* end = nullptr;
    long a = std::strtol(piece.c_str(), &end, 10);
    long b = a;
    if (dash != std::string::npos) b = std::strtol(piece.c_str() + dash + 1, nullptr, 10);
    if (a < 1 || b < a || b > 100000000) continue;
    out.emplace_back(static_cast<int>(a), static_cast<int>(b));
  }
  return out;
}

std::optional<GitAiNote> parse_gitai_note(std::string_view text) {
  GitAiNote note;
  size_t pos = 0;
  bool divider = false;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "---") {
      divider = true;
      break;
    }
    if (line.empty()) continue;
    if (line.front() != ' ' && line.front() != '\t') {
      note.files.push_back(GitAiFile{unquote_path(line), {}});
      continue;
    }
    if (note.files.empty()) continue;
    size_t b = line.find_first_not_of(" \t");
    std::string_view body = line.substr(b);
    size_t sp = body.rfind(' ');
    if (sp == std::string_view::npos) continue;
    GitAiEntry e{std::string(body.substr(0, sp)), parse_gitai_ranges(body.substr(sp + 1))};
    if (!e.key.empty() && !e.ranges.empty()) note.files.back().entries.push_back(std::move(e));
  }
  if (!divider && note.files.empty()) return std::nullopt;
  if (divider) {
    json j = json::parse(text.substr(std::min(pos, text.size())), nullptr, false);
    if (j.is_object()) note.metadata = std::move(j);
  }
  note.schema_version = str_at(note.metadata, "schema_version");
  return note;
}

GitAiAuthor GitAiNote::resolve(const std::string& key) const {
  GitAiAuthor a;
  if (key.rfind("h_", 0) == 0) {
    a.human = true;
    if (metadata.contains("humans") && metadata["humans"].contains(key)) a.author = str_at(metadata["humans"][key], "author");
    return a;
  }
  a.session = key.substr(0, key.find("::"));
  const json* rec = nullptr;
  for (const char* section : {"sessions", "prompts"}) {
    if (metadata.contains(section) && metadata[section].is_object() && metadata[section].contains(a.session)) {
      rec = &metadata[section][a.session];
      break;
    }
  }
  if (rec && rec->contains("agent_id")) {
    const json& id = (*rec)["agent_id"];
    a.tool = str_at(id, "tool");
    a.model = str_at(id, "model");
    a.conversation = str_at(id, "id");
  }
  return a;
}

const GitAiEntry* GitAiNote::entry_at(std::string_view path, int line) const {
  for (const auto& f : files) {
    if (f.path != path) continue;
    for (const auto& e : f.entries)
      for (auto [s, t] : e.ranges)
        if (line >= s && line <= t) return &e;
  }
  return nullptr;
}

std::vector<Fact> gitai_facts(const GitAiNote& note) {
  std::vector<Fact> out;
  for (const auto& f : note.files)
    for (const auto& e : f.entries) {
      GitAiAuthor a = note.resolve(e.key);
      if (a.human) continue;
      for (auto [s, t] : e.ranges) {
        Fact x;
        x.trace_id = a.session;
        x.agent = gitai_agent_name(a.tool) + " (git-ai)";
        x.model = a.model;
        x.file = f.path;
        x.start_line = s;
        x.end_line = t;
        x.tier = kGitAiTier;
        x.firmness = "imported";
        out.push_back(std::move(x));
      }
    }
  return out;
}

std::string gitai_agent_name(std::string_view tool) {
  if (tool == "claude" || tool == "claude-code" || tool == "claude_code") return "claude-code";
  if (tool == "codex" || tool == "codex-cli") return "codex";
  if (tool.empty()) return "git-ai";
  return std::string(tool);
}

}  // namespace ot::trails
