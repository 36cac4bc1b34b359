// `ctx warmup`: a compact, redacted summary of recent traces of this repository for a
// new agent session — what was asked and done, files touched, commits, open threads —
// cut to a token budget. Progressive: each call remembers the last trace it showed
// (per scope, under $OPENTRACES_HOME/ctx/warmup/), and `--more` shows the next page of
// older traces after it. Everything shown passes security::sanitize first (the
// machine policy's tools plus a floor of regex + entropy, even when the policy is off).
//
// Token estimate: ceil(UTF-8 bytes / 4) of the text — the usual rule of thumb for BPE
// tokenizers on English and code. It slightly overestimates code-heavy text, which
// keeps the output inside the budget of the real tokenizer in practice.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/bucket/bucket.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::ctx {

inline constexpr const char* kWarmupSchema = "opentraces.ctx.warmup.v1";

// Page token meaning "every trace was shown already" (what `--more` after the last page reads).
inline constexpr const char* kWarmupEnd = ":end:";

int64_t estimate_tokens(std::string_view text);

struct WarmupOptions {
  int64_t budget_tokens = 2000;        // 200..200000
  std::optional<std::string> project;  // bucket project slug
  std::string cwd_prefix;              // else: traces whose cwd is under this path ("" = all)
  std::optional<int64_t> since_ms;     // trace written at or after
  std::string after;                   // page token: continue after this trace id ("" = newest)
  std::string repository;              // shown in the header
};

// The payload after {status, schema_version}: scope, budget_tokens, estimated_tokens,
// token_estimate, page{...}, traces[], redactions, text. BUDGET_TOO_SMALL (exit 2).
Result<ordered_json> warmup(bucket::Bucket& bucket, const WarmupOptions& options);

// Remembered page tokens, one file per scope key (a digest of project/cwd/since).
std::string warmup_scope_key(const WarmupOptions& options);
std::optional<std::string> load_warmup_cursor(const std::string& scope_key);
Status save_warmup_cursor(const std::string& scope_key, const std::string& next_token);

}  // namespace ot::ctx
