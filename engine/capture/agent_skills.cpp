#include "engine/capture/agent_skills.h"

#include "engine/capture/integrations.h"
#include "engine/util/fs.h"
#include "engine/util/json.h"

namespace ot::capture {
namespace {

namespace fs = std::filesystem;

// The shell form of the binary used in every command the agent is told to run.
std::string bin(const fs::path& binary) { return shell_quote(binary.string()); }

std::string skill_md(const fs::path& binary) {
  std::string b = bin(binary);
  return "---\n"
         "name: opentraces\n"
         "description: Look up what earlier coding-agent sessions in this git repository did: a warm-up summary of "
         "recent work, full-text search over captured traces, and one trace step by step. Use it when starting a "
         "task in a repo with history, or when asked how or why an agent wrote some code.\n"
         "---\n\n"
         "# opentraces: earlier agent sessions of this repository\n\n"
         "git-opentraces captured earlier agent sessions of this repo in a local bucket. Read them with these\n"
         "commands (run them with your shell tool from inside the repository; output is redacted: secrets and\n"
         "home paths are replaced by placeholders).\n\n"
         "1. Warm-up, at the start of a task: what was done recently, files touched, commits, open threads.\n\n"
         "       " + b + " ctx warmup --budget-tokens 1500\n\n"
         "   Older history, the next page after what you saw: `" + b + " ctx warmup --more`.\n"
         "2. Search traces (BM25 over prompts, tool calls, files, commits); add `--json` for machine output,\n"
         "   `--files <path>` to find sessions that edited a file:\n\n"
         "       " + b + " trace query <words> --limit 10\n\n"
         "3. Open one trace (an id or unique prefix from the results); `<trace>:<N>` is one step,\n"
         "   `<trace>:last` the last one:\n\n"
         "       " + b + " trace get <trace>\n\n"
         "Prefer these over reading raw session files. Do not paste long outputs back to the user; summarize.\n\n" +
         kSkillMarker + "\n";
}

std::string claude_command(const std::string& description, const std::string& hint, const fs::path& binary,
                           const std::string& verb, const std::string& body) {
  std::string b = bin(binary);
  return "---\n"
         "description: " + description + "\n" +
         (hint.empty() ? std::string() : "argument-hint: " + hint + "\n") +
         "allowed-tools: Bash(" + b + " " + verb + ":*)\n"
         "---\n\n" + body + "\n\n" + kSkillMarker + "\n";
}

std::string pi_prompt(const std::string& description, const std::string& hint, const std::string& body) {
  return "---\n"
         "description: " + description + "\n" +
         (hint.empty() ? std::string() : "argument-hint: \"" + hint + "\"\n") +
         "---\n" + body + "\n\n" + kSkillMarker + "\n";
}

bool ours(const fs::path& p) {
  auto text = read_file(p);
  return text.ok() && text->find(kSkillMarker) != std::string::npos;
}

}  // namespace

std::vector<SkillFile> skill_files(std::string_view agent, const fs::path& base, const fs::path& binary) {
  std::string b = bin(binary);
  std::vector<SkillFile> out;
  out.push_back({base / "skills" / "opentraces" / "SKILL.md", skill_md(binary)});
  std::string search = "Run `" + b + " trace query ARGS --limit 10` with your shell tool, from the repository root. "
                       "List the matching traces (id prefix, agent, date, title) and say in one line each why it "
                       "matches. Offer to open one with `" + b + " trace get <trace>`.";
  std::string trace = "Run `" + b + " trace get ARGS` with your shell tool (ARGS is a trace id, a unique prefix, or "
                      "<trace>:<step>). Summarize what the session was asked, what it did step by step, which files "
                      "it changed and how it ended.";
  std::string warm = "Run `" + b + " ctx warmup --budget-tokens 1500 ARGS` with your shell tool and read it. Keep its "
                     "facts (recent work, files, commits, open threads) in mind for this task; tell the user in three "
                     "lines what earlier sessions did that matters here. `--more` shows older history.";
  if (agent == "pi") {
    auto args = [](std::string s, const std::string& with) {
      for (size_t p = s.find("ARGS"); p != std::string::npos; p = s.find("ARGS", p + with.size())) s.replace(p, 4, with);
      return s;
    };
    out.push_back({base / "prompts" / "ot-search.md",
                   pi_prompt("Search earlier agent sessions of this repo (git opentraces trace query)", "<words>",
                             args(search, "$@"))});
    out.push_back({base / "prompts" / "ot-trace.md",
                   pi_prompt("Open one captured agent session (git opentraces trace get)", "<trace>[:step]",
                             args(trace, "$1"))});
    out.push_back({base / "prompts" / "ot-warmup.md",
                   pi_prompt("Warm up on this repo's recent agent work (git opentraces ctx warmup)", "[--more]",
                             args(warm, "$@"))});
  } else {
    auto args = [](std::string s) {
      for (size_t p = s.find("ARGS"); p != std::string::npos; p = s.find("ARGS", p + 10)) s.replace(p, 4, "$ARGUMENTS");
      return s;
    };
    out.push_back({base / "commands" / "ot-search.md",
                   claude_command("Search earlier agent sessions of this repo (git opentraces trace query)", "<words>",
                                  binary, "trace query", args(search))});
    out.push_back({base / "commands" / "ot-trace.md",
                   claude_command("Open one captured agent session (git opentraces trace get)", "<trace>[:step]",
                                  binary, "trace get", args(trace))});
    out.push_back({base / "commands" / "ot-warmup.md",
                   claude_command("Warm up on this repo's recent agent work (git opentraces ctx warmup)", "[--more]",
                                  binary, "ctx warmup", args(warm))});
  }
  return out;
}

Result<std::vector<SkillChange>> install_skills(std::string_view agent, const fs::path& base, const fs::path& binary,
                                                bool dry_run) {
  std::vector<SkillChange> out;
  for (const auto& f : skill_files(agent, base, binary)) {
    std::error_code ec;
    if (fs::exists(f.path, ec)) {
      auto cur = read_file(f.path);
      if (cur.ok() && *cur == f.content) {
        out.push_back({f.path, "unchanged"});
        continue;
      }
      if (!ours(f.path)) {
        out.push_back({f.path, "foreign"});
        continue;
      }
    }
    if (!dry_run) {
      OT_TRY_STATUS(ensure_dir(f.path.parent_path(), 0755));
      OT_TRY_STATUS(write_file_atomic(f.path, f.content, 0644));
    }
    out.push_back({f.path, "written"});
  }
  return out;
}

Result<std::vector<SkillChange>> remove_skills(std::string_view agent, const fs::path& base, bool dry_run) {
  std::vector<SkillChange> out;
  for (const auto& f : skill_files(agent, base, "git-opentraces")) {
    std::error_code ec;
    if (!fs::exists(f.path, ec)) {
      out.push_back({f.path, "absent"});
      continue;
    }
    if (!ours(f.path)) {
      out.push_back({f.path, "foreign"});
      continue;
    }
    if (!dry_run) {
      fs::remove(f.path, ec);
      if (ec)
        return make_error(ExitCode::kResource, "SKILL_REMOVE_FAILED", "setup",
                          "could not remove " + f.path.string() + ": " + ec.message());
      // Leave no empty skills/opentraces, commands or prompts directory behind.
      for (fs::path d = f.path.parent_path(); d != base && d.has_relative_path(); d = d.parent_path())
        if (!fs::is_empty(d, ec) || !fs::remove(d, ec)) break;
    }
    out.push_back({f.path, "removed"});
  }
  return out;
}

Status set_pi_package_resources(const fs::path& package_dir, bool on) {
  fs::path p = package_dir / "package.json";
  auto text = read_file(p);
  if (!text.ok()) return text.error();
  json doc = json::parse(*text, nullptr, false);
  if (!doc.is_object() || !doc.contains("pi") || !doc["pi"].is_object())
    return make_error(ExitCode::kResource, "PI_PACKAGE_INVALID", "setup", p.string() + " is not the package setup wrote",
                      "run `git opentraces setup pi` again");
  if (on) {
    doc["pi"]["prompts"] = json::array({"./prompts"});
    doc["pi"]["skills"] = json::array({"./skills"});
  } else {
    doc["pi"].erase("prompts");
    doc["pi"].erase("skills");
  }
  return write_file_atomic(p, doc.dump(2) + "\n", 0644);
}

}  // namespace ot::capture
