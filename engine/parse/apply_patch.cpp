#include "engine/parse/apply_patch.h"

#include <algorithm>

namespace ot::parse {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

void note(ApplyPatchParse& out, const char* code) {
  if (std::find(out.limitations.begin(), out.limitations.end(), code) == out.limitations.end())
    out.limitations.emplace_back(code);
}

}  // namespace

ApplyPatchParse parse_apply_patch(std::string_view text) {
  ApplyPatchParse out;
  enum class Section { none, add, update, done } section = Section::none;
  bool begun = false;
  std::string file_path, move_to;
  ApplyPatchHunk cur;
  bool have_hunk = false;
  size_t update_first_hunk = 0;  // index of the first hunk of the current Update File

  auto flush = [&] {
    if (have_hunk) out.hunks.push_back(std::move(cur));
    cur = ApplyPatchHunk{};
    have_hunk = false;
  };
  auto end_update = [&] {
    flush();
    if (section != Section::update) return;
    if (!move_to.empty()) {
      // Every hunk of a moved file lands in the new path; a pure move is one empty hunk.
      if (out.hunks.size() == update_first_hunk)
        out.hunks.push_back(ApplyPatchHunk{file_path, move_to, "rename", "", ""});
      for (size_t i = update_first_hunk; i < out.hunks.size(); ++i) {
        out.hunks[i].move_to = move_to;
        out.hunks[i].operation = "rename";
      }
    } else if (out.hunks.size() == update_first_hunk) {
      note(out, "apply_patch_update_without_hunks");
    }
  };
  auto start_hunk = [&](const char* op) {
    flush();
    cur.path = file_path;
    cur.operation = op;
    have_hunk = true;
  };

  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view t = trim(line);

    if (!begun) {
      if (t == "*** Begin Patch") begun = out.found = true;
      continue;
    }
    if (section == Section::done) break;
    if (t == "*** End Patch") {
      end_update();
      section = Section::done;
      continue;
    }
    if (starts_with(t, "*** Add File:") || starts_with(t, "*** Update File:") || starts_with(t, "*** Delete File:")) {
      end_update();
      size_t colon = t.find(':');
      file_path = std::string(trim(t.substr(colon + 1)));
      move_to.clear();
      if (t[4] == 'A') {
        section = Section::add;
        start_hunk("create");
      } else if (t[4] == 'U') {
        section = Section::update;
        update_first_hunk = out.hunks.size();
      } else {
        section = Section::none;
        start_hunk("delete");
        flush();
      }
      continue;
    }
    if (starts_with(t, "*** Move to:")) {
      if (section == Section::update) move_to = std::string(trim(t.substr(12)));
      else note(out, "apply_patch_move_outside_update");
      continue;
    }
    if (t == "*** End of File") continue;

    if (section == Section::add) {
      if (!line.empty() && line[0] == '+') {
        cur.added.append(line.substr(1)).push_back('\n');
      } else if (!line.empty()) {
        note(out, "apply_patch_unrecognised_line");
      }
      continue;
    }
    if (section == Section::update) {
      if (starts_with(line, "@@")) {
        start_hunk("edit");
        continue;
      }
      if (!have_hunk) start_hunk("edit");  // a hunk may start without an @@ header
      if (!line.empty() && line[0] == '+') cur.added.append(line.substr(1)).push_back('\n');
      else if (!line.empty() && line[0] == '-') cur.removed.append(line.substr(1)).push_back('\n');
      else if (line.empty() || line[0] == ' ') continue;  // context
      else note(out, "apply_patch_unrecognised_line");
      continue;
    }
    if (!t.empty()) note(out, "apply_patch_unrecognised_line");
  }
  if (begun && section != Section::done) {
    end_update();
    note(out, "apply_patch_unterminated");
  }
  // Hunks that touch nothing (only context) carry no authored change.
  out.hunks.erase(std::remove_if(out.hunks.begin(), out.hunks.end(),
                                 [](const ApplyPatchHunk& h) {
                                   return h.operation == "edit" && h.added.empty() && h.removed.empty();
                                 }),
                  out.hunks.end());
  return out;
}

std::optional<std::string> extract_apply_patch(std::string_view command) {
  if (command.find("apply_patch") == std::string_view::npos && command.find("applypatch") == std::string_view::npos)
    return std::nullopt;
  size_t begin = command.find("*** Begin Patch");
  if (begin == std::string_view::npos) return std::nullopt;
  size_t end = command.find("*** End Patch", begin);
  if (end == std::string_view::npos) return std::string(command.substr(begin));
  return std::string(command.substr(begin, end + 13 - begin));
}

}  // namespace ot::parse
