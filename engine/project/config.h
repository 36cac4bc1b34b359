// The machine-wide config: $OPENTRACES_HOME/config.json (reference 2.5).
// A versioned JSON document, written atomically with mode 0600 under an advisory
// lock (hooks and commands may update it concurrently). A file that does not parse
// is never overwritten: every load fails with CONFIG_CORRUPT naming it.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "engine/util/json.h"
#include "engine/util/paths.h"
#include "engine/util/result.h"

namespace ot::project {

inline constexpr std::string_view kConfigVersion = "0.2.0";

// Every known key with its default value; the default's JSON type is the key's type.
json default_config();
const json& defaults();  // the same, built once

// Missing file → defaults. Unknown keys are kept (a newer version may have written them).
Result<json> load_config(const std::filesystem::path& path = config_path());

// Read-modify-write under the config lock. `change` edits the document; when it
// returns an error nothing is written.
Result<json> update_config(const std::function<Status(json&)>& change,
                           const std::filesystem::path& path = config_path());

// Dotted key lookup ("capture.tracking_mode"). UNKNOWN_CONFIG_KEY (exit 2) when the
// key is not part of the config model.
Result<json> config_get(const json& config, std::string_view key);

// Sets a global key from its command-line text, coerced to the key's type
// (bool: true/1/yes/on|false/0/no/off; int; string; list with `append`).
// Refuses hf_token (exit 2, points at `auth login`).
Status config_set(json& config, std::string_view key, std::string_view raw_value, bool append);

// Coerces a boolean word; INVALID_CONFIG_VALUE (exit 2) otherwise.
Result<bool> parse_bool_word(std::string_view key, std::string_view raw);

// The config with secrets masked, for display.
json masked_config(const json& config);

// "global" (default) or "manual".
std::string tracking_mode(const json& config);

}  // namespace ot::project
