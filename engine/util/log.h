// Logging to $OPENTRACES_HOME/logs/opentraces.log via spdlog. Never writes to
// stdout or stderr; if the log cannot be opened, messages are dropped silently
// (a hook must never fail because of its log).
#pragma once

#include <spdlog/spdlog.h>

namespace ot {

// The process-wide logger (created lazily on first use).
spdlog::logger& log();

}  // namespace ot
