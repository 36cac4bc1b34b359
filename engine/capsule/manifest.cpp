// The capsule document and its Markdown summary (manifest.h).
#include "engine/capsule/manifest.h"

#include <cstdlib>

namespace ot::capsule {

namespace fs = std::filesystem;

bool Capsule::has_mini_bucket() const {
  std::error_code ec;
  return !dir.empty() && fs::exists(mini_bucket_dir() / "manifest.json", ec);
}

std::string capsule_id_of(const json& material) {
  std::string d = domain_digest(kSchema, material);  // "sha256:<hex>"
  return "cap_" + d.substr(7, 16);
}

Status check_doc(const json& doc, std::string_view where) {
  std::string sv = doc.is_object() ? doc.value("schema_version", "") : "";
  const std::string prefix = "opentraces.capsule.v";
  if (sv.rfind(prefix, 0) != 0)
    return make_error(ExitCode::kUsage, "CAPSULE_INVALID", "capsule", std::string(where) + " is not a capsule (no " + kSchema + " schema_version)",
                      "pass a directory written by `git opentraces capsule create`, or its capsule.json");
  int major = std::atoi(sv.c_str() + prefix.size());
  if (major > kSchemaMajor)
    return make_error(ExitCode::kUsage, "CAPSULE_SCHEMA_TOO_NEW", "capsule",
                      std::string(where) + " is a " + sv + " capsule; this git-opentraces reads up to " + kSchema,
                      "upgrade git-opentraces");
  if (!doc.contains("capsule_id") || !doc.contains("trace") || !doc["trace"].contains("trace_id") || !doc.contains("slice") ||
      !doc["slice"].contains("record") || !doc["slice"]["record"].is_object() || !doc.contains("repo") || !doc["repo"].is_object())
    return make_error(ExitCode::kUsage, "CAPSULE_INVALID", "capsule", std::string(where) + " lacks capsule_id, trace, slice.record or repo",
                      "the file is damaged or was edited: create the capsule again");
  return ok_status();
}

namespace {
// `text` on one line (newlines and tabs become spaces), cut to about `max` bytes of output
// on a whole UTF-8 sequence with "…"; `put` appends each byte's output form.
template <class Put>
std::string clipped(std::string_view text, size_t max, Put put) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max) {
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      out += "…";
      break;
    }
    put(out, (c == '\n' || c == '\r' || c == '\t') ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}
}  // namespace

std::string md_cell(std::string_view text, size_t max) {
  return clipped(text, max, [](std::string& out, char c) {
    if (c == '|') out += "\\|";
    else if (c == '<') out += "&lt;";
    else if (c == '`') out += "'";
    else out += c;
  });
}

std::string one_line(std::string_view text, size_t max) {
  return clipped(text, max, [](std::string& out, char c) { out += c; });
}

json step_outline(const json& record) {
  json out = json::array();
  const json& steps = record.contains("steps") && record["steps"].is_array() ? record["steps"] : json::array();
  for (const auto& s : steps) {
    json tools = json::array();
    const json& calls = s.contains("tool_calls") && s["tool_calls"].is_array() ? s["tool_calls"] : json::array();
    for (const auto& c : calls) tools.push_back(text_of(c, "tool_name"));
    std::string content = text_of(s, "content");
    if (content.empty() && !calls.empty()) content = "(tool calls)";
    out.push_back({{"step_index", s.value("step_index", 0)},
                   {"source_step_index", s.value("source_step_index", s.value("step_index", 0))},
                   {"role", text_of(s, "role")},
                   {"tools", tools},
                   {"summary", one_line(content, 160)}});
  }
  return out;
}

namespace {

std::string str(const json& j, const char* k, const std::string& dflt = "") {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : dflt;
}

}  // namespace

std::string render_markdown(const json& doc) {
  const json& t = doc["trace"];
  const json& sl = doc["slice"];
  const json& repo = doc.value("repo", json::object());
  const json& red = doc.value("redaction", json::object());
  std::string md;
  md += "# Agent capsule: " + md_cell(str(doc, "title", "(untitled)"), 120) + "\n\n";
  md += "| field | value |\n| --- | --- |\n";
  md += "| capsule | `" + str(doc, "capsule_id") + "` |\n";
  md += "| trace | `" + str(t, "trace_id") + "` |\n";
  md += "| agent | " + md_cell(str(t, "agent", "?") + (str(t, "model").empty() ? "" : " (" + str(t, "model") + ")")) + " |\n";
  md += "| steps | " + std::to_string(sl.value("from_step", 0)) + "–" + std::to_string(sl.value("to_step", 0)) + " of " +
        std::to_string(sl.value("source_step_count", 0)) + " (`" + md_cell(str(sl, "address")) + "`) |\n";
  md += "| pinned commit | `" + str(repo, "commit", "none") + "` |\n";
  if (!str(repo, "remote_url").empty()) md += "| repository | " + md_cell(str(repo, "remote_url")) + " |\n";
  md += "| trail anchors | " + std::to_string(doc.value("trail_anchors", json::array()).size()) + " |\n";
  md += "| redactions | " + std::to_string(red.value("redactions_applied", 0)) + " |\n";
  md += "| mini-bucket digest | `" + str(doc, "mini_bucket_digest") + "` |\n\n";

  md += "## Steps\n\n| step | role | tools | summary |\n| --- | --- | --- | --- |\n";
  for (const auto& s : sl.value("steps", json::array())) {
    std::string tools;
    for (const auto& n : s.value("tools", json::array())) tools += (tools.empty() ? "" : ", ") + n.get<std::string>();
    md += "| " + std::to_string(s.value("source_step_index", 0)) + " | " + str(s, "role") + " | " + md_cell(tools, 60) + " | " +
          md_cell(str(s, "summary"), 100) + " |\n";
  }
  md += "\n";

  const json& anchors = doc.value("trail_anchors", json::array());
  if (!anchors.empty()) {
    md += "## Trail anchors\n\n| commit | file | lines | step |\n| --- | --- | --- | --- |\n";
    for (const auto& a : anchors)
      md += "| `" + str(a, "commit").substr(0, 12) + "` | " + md_cell(str(a, "file"), 80) + " | " +
            std::to_string(a.value("start_line", 0)) + "–" + std::to_string(a.value("end_line", 0)) + " | " +
            (a["source_step_index"].is_number() ? std::to_string(a["source_step_index"].get<int>()) : "?") + " |\n";
    md += "\n";
  }

  md += "## Reproduce\n\n";
  const json& test = doc.value("test", json());
  md += "```sh\ngit checkout " + str(repo, "commit", "<commit>") + "\n";
  if (test.is_object()) md += str(test, "command") + "\n";
  md += "```\n\n";
  if (test.is_object())
    md += "`git opentraces capsule test <capsule> --against HEAD` runs this command at the pinned commit and at HEAD.\n\n";
  else
    md += "No test command was captured: the steps above are the record of what happened.\n\n";

  md += "## Privacy\n\n";
  md += "- redaction floor: " + std::to_string(red.value("redactions_applied", 0)) + " value(s) redacted by " +
        red.value("tools_applied", json::array()).dump() + "\n";
  md += "- home paths scrubbed: " + std::to_string(red.value("home_paths_scrubbed", 0)) + "\n";
  md += std::string("- prompts: ") + (red.value("include_prompts", false) ? "included" : "system prompts and reasoning excluded") + "\n";
  return md;
}

}  // namespace ot::capsule
