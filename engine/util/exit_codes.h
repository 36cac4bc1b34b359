// The one exit-code table. Every command maps its outcome through these values;
// docs/commands.md documents them. Numbers follow the upstream tool (reference 1.5).
#pragma once

namespace ot {

enum class ExitCode : int {
  kOk = 0,
  kDeclined = 1,        // user declined, or guidance printed instead of a result
  kUsage = 2,           // bad flags/arguments, INTERACTIVE_REQUIRED, validation errors
  kResource = 3,        // missing resource, bucket/remote failure, verify failure, drift
  kOffline = 4,         // needed data not cached / destination exists
  kUnavailable = 5,     // module unavailable
  kNotFound = 6,        // trace / step not found
  kNoSnapshot = 7,
  kBlockedBySecurity = 8,
  kWithheld = 9,        // publish withheld: a source trace is not cleared
  kNeedsJudgment = 10,  // needs judgment, reserved-but-unimplemented flags
  kNotImplemented = 10, // a planned command or flag that does not exist yet (upstream: reserved flags)
  kInternal = 70,       // a bug: unexpected exception

  // Aliases that name a command's meaning of a shared number (upstream reference 6.5,
  // capture-otlp): already running 4, bind/start failure 6, flush failure 8.
  kAlreadyRunning = kOffline,
  kStartFailed = kNotFound,
  kFlushFailed = kBlockedBySecurity,
};

inline int to_int(ExitCode c) { return static_cast<int>(c); }

}  // namespace ot
