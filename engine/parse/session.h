// Session files → TraceRecord. One parser per agent format (claude_code.cpp,
// codex.cpp, pi.cpp); this header is the entry point the rest of the engine uses.
#pragma once

#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "engine/schema/record.h"
#include "engine/util/result.h"

namespace ot::parse {

enum class AgentFormat { claude_code, codex, pi };

// "claude-code" | "codex" | "pi" (the canonical agent.name).
std::string_view agent_name(AgentFormat f);
// Accepts the canonical names plus "claude" / "claude_code"; error (exit 2) otherwise.
Result<AgentFormat> agent_from_name(std::string_view name);

// Sniffs the first lines of the file. Errors (exit 2): NOT_A_SESSION, EMPTY_SESSION;
// (exit 3) FILE_UNREADABLE.
Result<AgentFormat> detect_agent(const std::filesystem::path& path);
// The same from the first bytes of a file (used by detect_agent and the fuzzers).
Result<AgentFormat> detect_agent_text(std::string_view head, const std::string& where);

// Parses a whole session. `hint` forces the format (no sniffing). Claude Code
// sub-agent transcripts beside the file are merged. Bad lines are skipped and listed
// in metadata.limitations; a file with nothing recognisable is NOT_A_SESSION (exit 2).
Result<schema::TraceRecord> parse_session_file(const std::filesystem::path& path,
                                               std::optional<AgentFormat> hint = {});

// Per-format parsers over a stream. `source` is the session file (used for the
// fallback session id, the file name in metadata, and Claude sub-agent discovery;
// may be empty).
Result<schema::TraceRecord> parse_claude_code(std::istream& in, const std::filesystem::path& source);
Result<schema::TraceRecord> parse_codex(std::istream& in, const std::filesystem::path& source);
Result<schema::TraceRecord> parse_pi(std::istream& in, const std::filesystem::path& source);

}  // namespace ot::parse
