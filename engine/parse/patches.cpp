#include "engine/parse/patches.h"

#include "engine/parse/apply_patch.h"

namespace ot::parse {

namespace fs = std::filesystem;

namespace {

std::string get_str(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// First string value among `keys`.
std::string first_str(const json& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    std::string s = get_str(o, k);
    if (!s.empty()) return s;
  }
  return {};
}

struct Builder {
  std::string_view tool_name;
  const PatchContext& ctx;
  std::vector<schema::Patch> out;

  void add(const std::string& path, std::string authored, std::string old, const char* op,
           const std::string& old_path = {}) {
    schema::Patch p;
    p.file_path = path;
    p.step_index = ctx.step_index;
    p.hunk_index = static_cast<int>(out.size());
    p.tool_call_id = ctx.tool_call_id;
    p.tool_name = std::string(tool_name);
    p.capture_method = ctx.capture_method;
    p.authored_text = std::move(authored);
    p.old_text = std::move(old);
    p.operation = op;
    p.old_path = old_path;
    p.patch_id = schema::make_patch_id(ctx.trace_id, ctx.tool_call_id, p.file_path, p.hunk_index, p.authored_text);
    out.push_back(std::move(p));
  }
  std::string path(std::string_view raw, const fs::path& base) const { return normalize_file_path(raw, base, ctx.cwd); }
  std::string path(std::string_view raw) const { return path(raw, ctx.cwd); }
};

void from_apply_patch(Builder& b, const std::string& text, const fs::path& base) {
  ApplyPatchParse parsed = parse_apply_patch(text);
  for (const ApplyPatchHunk& h : parsed.hunks) {
    std::string target = b.path(h.move_to.empty() ? h.path : h.move_to, base);
    if (target.empty()) continue;  // "*** Add File:" with no path
    std::string old_path = h.move_to.empty() ? std::string() : b.path(h.path, base);
    b.add(target, h.added, h.removed, h.operation.c_str(), old_path);
  }
  if (!parsed.limitations.empty())
    for (auto& p : b.out)
      for (const auto& l : parsed.limitations) p.limitations.push_back(l);
}

// The command string of a shell-like call: "cmd"/"command" as a string, or an argv array.
std::string shell_command(const json& input) {
  for (const char* k : {"cmd", "command"}) {
    auto it = input.find(k);
    if (it == input.end()) continue;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_array()) {
      std::string joined;
      for (const auto& a : *it)
        if (a.is_string()) joined += a.get<std::string>() + "\n";
      return joined;
    }
  }
  return {};
}

}  // namespace

bool is_edit_tool(std::string_view n) {
  return n == "Write" || n == "Edit" || n == "MultiEdit" || n == "NotebookEdit" || n == "apply_patch" ||
         n == "exec_command" || n == "shell" || n == "local_shell" || n == "container.exec" || n == "write" ||
         n == "edit";
}

std::string normalize_file_path(std::string_view raw, const fs::path& base, const fs::path& cwd) {
  if (raw.empty()) return {};
  fs::path p(raw);
  if (p.is_relative() && !base.empty()) p = base / p;
  p = p.lexically_normal();
  if (p.is_absolute() && !cwd.empty()) {
    fs::path root = cwd.lexically_normal();
    fs::path rel = p.lexically_relative(root);
    if (!rel.empty() && rel != "." && *rel.begin() != "..") return rel.generic_string();
  }
  std::string s = p.generic_string();
  while (s.size() > 2 && s.compare(0, 2, "./") == 0) s.erase(0, 2);
  if (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::vector<schema::Patch> patches_from_tool_call(std::string_view tool_name, const json& input_in,
                                                  const PatchContext& ctx) {
  Builder b{tool_name, ctx, {}};
  if (!is_edit_tool(tool_name)) return {};

  // Arguments may arrive as a JSON string (Codex function_call) or, for apply_patch as a
  // custom tool, as the raw patch text.
  json input = input_in;
  std::string raw_text;
  if (input.is_string()) {
    raw_text = input.get<std::string>();
    input = json::parse(raw_text, nullptr, false);
    if (input.is_object()) raw_text.clear();
    else input = json::object();
  }
  if (!input.is_object()) return {};

  if (tool_name == "Write" || tool_name == "write") {
    std::string path = b.path(first_str(input, {"file_path", "path"}));
    if (path.empty()) return {};
    b.add(path, get_str(input, "content"), "", "create");
  } else if (tool_name == "Edit") {
    std::string path = b.path(get_str(input, "file_path"));
    if (path.empty()) return {};
    b.add(path, get_str(input, "new_string"), get_str(input, "old_string"), "edit");
  } else if (tool_name == "MultiEdit" || tool_name == "edit") {
    std::string path = b.path(first_str(input, {"file_path", "path"}));
    if (path.empty()) return {};
    auto edits = input.find("edits");
    if (edits != input.end() && edits->is_array()) {
      for (const auto& e : *edits) {
        if (!e.is_object()) continue;
        b.add(path, first_str(e, {"new_string", "newText"}), first_str(e, {"old_string", "oldText"}), "edit");
      }
    } else if (input.contains("newText") || input.contains("oldText")) {  // older Pi edit shape
      b.add(path, get_str(input, "newText"), get_str(input, "oldText"), "edit");
    }
  } else if (tool_name == "NotebookEdit") {
    std::string path = b.path(first_str(input, {"notebook_path", "file_path"}));
    if (path.empty()) return {};
    bool del = get_str(input, "edit_mode") == "delete";
    b.add(path, del ? std::string() : get_str(input, "new_source"), "", del ? "delete" : "edit");
  } else {
    // apply_patch, as its own tool or inside a shell command.
    fs::path base = ctx.cwd;
    std::string workdir = get_str(input, "workdir");
    if (!workdir.empty()) base = fs::path(workdir).is_absolute() ? fs::path(workdir) : ctx.cwd / workdir;
    std::string text = raw_text;
    if (text.empty() && tool_name == "apply_patch") text = first_str(input, {"input", "patch"});
    if (text.empty()) text = shell_command(input);
    if (text.empty()) return {};
    if (tool_name != "apply_patch") {  // a shell call: only an apply_patch invocation counts
      auto extracted = extract_apply_patch(text);
      if (!extracted) return {};
      text = std::move(*extracted);
    }
    from_apply_patch(b, text, base);
  }
  return std::move(b.out);
}

}  // namespace ot::parse
