// Replays one trace's patches to one file, in order, to learn which lines of the
// agent's final text each patch owns. A Write followed by an Edit leaves the Write
// owning every line the Edit did not change and the Edit owning the lines it
// introduced; context lines an Edit carried over unchanged stay owned by whoever
// wrote them (nobody, for text that was there before the agent).
#pragma once

#include <string>
#include <vector>

#include "engine/trails/patch_input.h"

namespace ot::trails {

struct RunLine {
  std::string text;
  bool whole = true;  // false: may be only the end (first line) or start (last line) of a real line
};

// A maximal stretch of consecutive lines written by one patch.
struct OwnedRun {
  size_t patch = 0;  // index into the patches passed to replay_file
  std::vector<RunLine> lines;
};

// `patches` are one trace's patches to one file, already in step order.
std::vector<OwnedRun> replay_file(const std::vector<const MatchablePatch*>& patches);

// Line-level LCS: for each b line, the index of the equal a line it pairs with, or -1.
std::vector<int> lcs_pairs(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace ot::trails
