// `git opentraces blame <path>`: git blame joined with Trace Trails attribution,
// line by line (engine/trails/file_blame.h). Gutter, porcelain and JSON views.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "engine/trails/file_blame.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"
#include "notes/handle.h"

namespace ot::cmd {
namespace {

namespace fs = std::filesystem;

struct BlameArgs {
  std::vector<std::string> pos;  // <path> [<rev>]
  std::string range;             // -L a,b
  bool porcelain = false;
  std::string engine = "git";
  bool no_reflow = false;
};

// "a,b" | "a" | "a,+n" → [from, to] (to 0 = end of file).
std::pair<int, int> parse_range(const std::string& s) {
  auto bad = [&] {
    cli::fail(ExitCode::kUsage, "BAD_RANGE", "blame", "-L expects 'start,end' (1-based), got '" + s + "'",
              "for example -L 10,20, -L 10 (to the end) or -L 10,+5");
  };
  try {
    size_t comma = s.find(',');
    size_t used = 0;
    int a = std::stoi(s.substr(0, comma), &used);
    if (used != s.substr(0, comma).size() || a < 1) bad();
    if (comma == std::string::npos) return {a, 0};
    std::string rest = s.substr(comma + 1);
    bool plus = !rest.empty() && rest[0] == '+';
    int b = std::stoi(plus ? rest.substr(1) : rest, &used);
    if (used != (plus ? rest.size() - 1 : rest.size())) bad();
    if (plus) b = a + b - 1;
    if (b < a) bad();
    return {a, b};
  } catch (const std::exception&) {
    bad();
  }
  return {0, 0};
}

// A path as typed (relative to the current directory) → repo-relative, '/'-separated.
std::string repo_path(const git::Repo& repo, const std::string& p) {
  fs::path abs = fs::path(p).is_absolute() ? fs::path(p) : fs::current_path() / p;
  fs::path rel = abs.lexically_normal().lexically_relative(repo.workdir());
  if (rel.empty() || *rel.begin() == "..")
    cli::fail(ExitCode::kUsage, "PATH_OUTSIDE_REPO", "blame", p + " is outside the repository " + repo.workdir().string(),
              "give a path inside the work tree");
  std::string s = rel.generic_string();
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string label(const trails::LineClass& w) {
  if (w.kind == "agent") {
    std::string a = w.agent.empty() ? "agent" : w.agent;
    if (w.source == "git-ai") return "agent (git-ai) " + a;
    return a + (w.firmness == "provisional" ? " ?" : "");
  }
  if (w.kind == "human_modified") return "human-modified";
  return w.kind;
}

std::string pad(std::string s, size_t n) {
  if (s.size() > n) s = s.substr(0, n);
  return s + std::string(n - s.size(), ' ');
}

// A JSON string as nlohmann's dump writes it (invalid UTF-8 replaced); printable
// ASCII without quotes or backslashes, most source lines, is copied as it is.
void put_str(std::string& out, const std::string& s) {
  bool plain = true;
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  if (plain) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

void put_opt(std::string& out, const std::string& s) {
  if (s.empty()) out += "null";
  else put_str(out, s);
}

// The "lines" array, written straight to text: the same bytes as nlohmann's
// pretty dump of per-line objects (keys sorted, indent 2, array at depth 1), without
// building ~30,000 JSON nodes for a 2,000-line file.
std::string lines_json(const std::vector<trails::BlamedLine>& lines) {
  if (lines.empty()) return "[]";
  std::string out = "[\n";
  out.reserve(lines.size() * 600);
  bool first = true;
  for (const auto& l : lines) {
    const auto& w = l.who;
    if (!first) out += ",\n";
    first = false;
    out += "    {\n      \"agent\": ";
    put_opt(out, w.agent);
    out += ",\n      \"commit\": ";
    put_str(out, l.origin.commit_sha);
    out += ",\n      \"evidence_firmness\": ";
    put_opt(out, w.firmness);
    out += ",\n      \"evidence_tier\": ";
    put_opt(out, w.tier);
    out += ",\n      \"human_author\": ";
    put_opt(out, w.human_author);
    out += ",\n      \"kind\": ";
    put_str(out, w.kind);
    out += ",\n      \"line\": " + std::to_string(l.origin.line);
    out += ",\n      \"model\": ";
    put_opt(out, w.model);
    out += ",\n      \"orig_line\": " + std::to_string(l.origin.orig_line);
    out += ",\n      \"orig_path\": ";
    put_str(out, l.origin.orig_path);
    out += ",\n      \"reflow_commit\": ";
    put_opt(out, l.reflow_commit);
    out += ",\n      \"source\": ";
    put_opt(out, w.source);
    out += ",\n      \"text\": ";
    put_str(out, l.origin.text);
    out += ",\n      \"trace_id\": ";
    put_opt(out, w.trace_id);
    out += ",\n      \"trace_patch_id\": ";
    put_opt(out, w.patch_id);
    out += "\n    }";
  }
  out += "\n  ]";
  return out;
}

void run(const BlameArgs& a) {
  if (a.pos.empty())
    cli::fail(ExitCode::kUsage, "MISSING_PATH", "blame", "blame needs a file path", "git opentraces blame src/app.py");
  auto repo = cli::unwrap(git::Repo::open(fs::current_path()));
  if (repo.bare())
    cli::fail(ExitCode::kUsage, "BARE_REPO", "blame", "this is a bare repository; blame needs a work tree",
              "run the command inside a checkout");
  trails::FileBlameOptions o;
  o.rev = a.pos.size() > 1 ? a.pos[1] : "HEAD";
  if (!a.range.empty()) std::tie(o.from, o.to) = parse_range(a.range);
  if (a.engine == "libgit2") o.engine = git::BlameEngine::kLibgit2;
  else if (a.engine != "git")
    cli::fail(ExitCode::kUsage, "BAD_ENGINE", "blame", "--engine is 'git' or 'libgit2'", "omit it to use git");
  o.follow_reflow = !a.no_reflow;
  std::string path = repo_path(repo, a.pos[0]);
  auto fb = cli::unwrap(trails::blame_file(repo, path, o));

  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.blame.v1");
    doc["path"] = fb.path;
    doc["rev"] = fb.rev;
    doc["rev_sha"] = fb.rev_sha;
    doc["range"] = o.from > 0 ? json{{"start_line", fb.lines.empty() ? o.from : fb.lines.front().origin.line},
                                     {"end_line", fb.lines.empty() ? o.to : fb.lines.back().origin.line}}
                              : json(nullptr);
    doc["totals"] = fb.kinds;
    doc["totals"]["lines"] = fb.lines.size();
    json traces = json::array();
    for (const auto& t : fb.traces)
      traces.push_back({{"trace_id", t.trace_id}, {"source", t.source}, {"agent", t.agent},
                        {"model", t.model.empty() ? json(nullptr) : json(t.model)}, {"lines", t.lines}});
    doc["traces"] = traces;
    json commits = json::object();
    for (const auto& [sha, c] : fb.commits)
      commits[sha] = {{"author", c.author_name}, {"author_email", c.author_email}, {"summary", c.summary},
                      {"author_time", iso_from_ms(c.author_time * 1000)}};
    doc["commits"] = commits;
    // Everything but "lines" through nlohmann; "lines" (the bulk) is appended as text.
    std::string text = pretty_json(doc);
    size_t close = text.rfind('}');
    text.erase(close);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    text += ",\n  \"lines\": " + lines_json(fb.lines) + "\n}\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  if (a.porcelain) {
    // One line per file line, tab-separated, fixed columns (docs/blame.md); the text is last.
    std::string out;
    for (const auto& l : fb.lines) {
      const auto& w = l.who;
      out += std::to_string(l.origin.line) + '\t' + l.origin.commit_sha + '\t' + l.origin.orig_path + '\t' +
             std::to_string(l.origin.orig_line) + '\t' + w.kind + '\t' + dash(w.source) + '\t' + dash(w.trace_id) +
             '\t' + dash(w.agent) + '\t' + dash(w.model) + '\t' + dash(w.tier) + '\t' + dash(w.firmness) + '\t' +
             l.origin.text + '\n';
    }
    std::cout << out;
    return;
  }
  size_t width = std::to_string(fb.lines.empty() ? 1 : fb.lines.back().origin.line).size();
  std::string out;
  for (const auto& l : fb.lines) {
    const auto& w = l.who;
    std::string id = w.kind == "agent" || w.kind == "human_modified" ? w.trace_id.substr(0, 8) : "";
    if (w.source == "git-ai" && w.kind == "agent") id = w.trace_id.substr(0, 8);
    std::string gutter = pad(id.empty() ? std::string(8, ' ') : id, 8) + " " + pad(label(w), 26) + " " +
                         l.origin.commit_sha.substr(0, 8) + " ";
    std::string n = std::to_string(l.origin.line);
    gutter += std::string(width - n.size(), ' ') + n + ") ";
    if (w.kind == "agent") gutter = cli::green(gutter);
    else if (w.kind == "unknown") gutter = cli::dim(gutter);
    else if (w.kind == "human_modified") gutter = cli::yellow(gutter);
    out += gutter + l.origin.text + '\n';
  }
  std::cout << out;
  std::string sum = "\n" + std::to_string(fb.lines.size()) + " lines: agent " + std::to_string(fb.kinds["agent"]) +
                    " · human-modified " + std::to_string(fb.kinds["human_modified"]) + " · human " +
                    std::to_string(fb.kinds["human"]) + " · unknown " + std::to_string(fb.kinds["unknown"]);
  cli::say(cli::dim(sum));
  for (const auto& t : fb.traces)
    cli::say(cli::dim("  " + (t.source == "git-ai" ? std::string("git-ai ") : std::string("t:")) +
                      t.trace_id.substr(0, 8) + "  " + t.agent + (t.model.empty() ? "" : " · " + t.model) + "  " +
                      std::to_string(t.lines) + " line(s)"));
}

}  // namespace

void register_blame(CLI::App& root) {
  auto a = std::make_shared<BlameArgs>();
  CLI::App* c = cli::add_command(
      root, "blame", "Every line of a file with the agent session (or human) that wrote it",
      "  git opentraces blame src/calc.py               the file at HEAD, gutter view\n"
      "  git opentraces blame src/calc.py -L 10,20      only lines 10-20\n"
      "  git opentraces blame src/calc.py v1.2          the file at another revision\n"
      "  git opentraces blame src/calc.py --porcelain   tab-separated, stable for scripts\n"
      "  git opentraces blame src/calc.py --json        opentraces.blame.v1\n"
      "\nDocs: docs/blame.md");
  c->add_option("path rev", a->pos, "<path> [<rev>] (rev defaults to HEAD)")->expected(1, 2);
  c->add_option("-L", a->range, "Line range start,end (1-based, inclusive; also start,+count)");
  c->add_flag("--porcelain", a->porcelain, "Tab-separated, one line per file line (see docs/blame.md)");
  c->add_option("--engine", a->engine, "Line-origin engine: git (default) or libgit2")->group("");
  c->add_flag("--no-reflow", a->no_reflow, "Do not follow whitespace/line-wrap reflow commits")->group("");
  c->callback([a] { run(*a); });
}

}  // namespace ot::cmd
