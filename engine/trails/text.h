// Text helpers for the matcher: whitespace normalization, range hashes, and a
// difflib-style similarity ratio over tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ot::trails {

// Trims and collapses every whitespace run to one space.
std::string normalize_line(std::string_view line);

// "sha256:" of the normalized lines joined by '\n' (blank lines dropped), used as
// the fact's range_hash: the same code re-indented hashes the same.
std::string range_hash(const std::vector<std::string>& lines);

// Ratcliff/Obershelp ratio (as Python's difflib.SequenceMatcher.ratio, without
// autojunk) of two texts compared as token sequences: identifiers/numbers are
// tokens, every other non-space character is one, whitespace separates. 1.0 for
// two empty texts.
double similarity(std::string_view a, std::string_view b);

// Same ratio over two integer sequences (exposed for tests).
double sequence_ratio(const std::vector<size_t>& a, const std::vector<size_t>& b);

}  // namespace ot::trails
