#include "git-opentraces/cli.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace ot::cli {

Globals& globals() {
  static Globals g;
  return g;
}

void fail(Error e) { throw Failure{std::move(e)}; }

void fail(ExitCode exit, std::string code, std::string kind, std::string message, std::string hint) {
  fail(make_error(exit, std::move(code), std::move(kind), std::move(message), std::move(hint)));
}

ordered_json envelope(std::string_view schema_version, std::string_view status) {
  ordered_json doc;
  doc["status"] = status;
  doc["schema_version"] = schema_version;
  return doc;
}

void emit_json(const ordered_json& doc) {
  std::fputs(pretty_json(doc).c_str(), stdout);
  std::fflush(stdout);
}
void emit_json(const json& doc) {
  std::fputs(pretty_json(doc).c_str(), stdout);
  std::fflush(stdout);
}

int report_error(const Error& e) {
  if (globals().json) {
    ordered_json doc;
    doc["status"] = "error";
    doc["schema_version"] = "opentraces.error.v1";
    doc["error"] = ordered_json{{"code", e.code},      {"kind", e.kind},          {"message", e.message},
                                {"hint", e.hint},      {"retryable", e.retryable}};
    emit_json(doc);
  } else {
    std::string line = "error: " + e.message;
    if (isatty(STDERR_FILENO) && !std::getenv("NO_COLOR")) line = "\033[31merror:\033[0m " + e.message;
    std::cerr << line << "\n";
    if (!e.hint.empty()) std::cerr << "hint: " << e.hint << "\n";
  }
  return to_int(e.exit);
}

void say(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

namespace {
std::string wrap(std::string_view s, const char* code) {
  if (!globals().color) return std::string(s);
  return std::string("\033[") + code + "m" + std::string(s) + "\033[0m";
}
}  // namespace
std::string bold(std::string_view s) { return wrap(s, "1"); }
std::string dim(std::string_view s) { return wrap(s, "2"); }
std::string green(std::string_view s) { return wrap(s, "32"); }
std::string yellow(std::string_view s) { return wrap(s, "33"); }
std::string red(std::string_view s) { return wrap(s, "31"); }

bool interactive() { return !globals().json && globals().stdin_tty && globals().stdout_tty; }

void require_interactive(std::string_view kind, std::string_view hint) {
  if (interactive()) return;
  fail(ExitCode::kUsage, "INTERACTIVE_REQUIRED", std::string(kind),
       "this command needs a terminal to ask questions, and stdin/stdout is not one (or --json is set)",
       std::string(hint));
}

CLI::App* add_command(CLI::App& parent, std::string name, std::string description, std::string examples) {
  CLI::App* sub = parent.add_subcommand(std::move(name), std::move(description));
  if (!examples.empty()) sub->footer("\nExamples:\n" + examples);
  return sub;
}

CLI::App* add_planned(CLI::App& parent, std::string name, std::string description, std::string issue) {
  // The root app is named "git opentraces"; only groups prefix the verb.
  std::string full = parent.get_parent() ? parent.get_name() + " " + name : name;
  CLI::App* sub = parent.add_subcommand(name, description + " [planned]");
  sub->allow_extras();
  sub->fallthrough(false);  // keep unknown arguments here, not on the parent
  sub->callback([full, issue] {
    fail(ExitCode::kNotImplemented, "NOT_IMPLEMENTED", full,
         "`git opentraces " + full + "` is not implemented yet (planned in " + issue + ")",
         "see docs/commands.md for what works today");
  });
  return sub;
}

CLI::App* add_planned_group(CLI::App& parent, std::string name, std::string description, std::string issue) {
  CLI::App* group = parent.add_subcommand(name, description + " [planned]");
  group->allow_extras();
  group->fallthrough(false);
  group->callback([group, name, issue] {
    if (!group->get_subcommands().empty()) return;  // a planned verb already answered
    fail(ExitCode::kNotImplemented, "NOT_IMPLEMENTED", name,
         "`git opentraces " + name + "` is not implemented yet (planned in " + issue + ")",
         "see docs/commands.md for what works today");
  });
  return group;
}

}  // namespace ot::cli
