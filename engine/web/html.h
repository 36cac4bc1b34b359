// HTML building blocks of the local web view: escaping, URL encoding, small
// formatters and the page layout every page shares (nav, stylesheet, script).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ot::web {

// Text and attribute values: & < > " ' escaped.
std::string esc(std::string_view s);
// A query-string component (RFC 3986 unreserved kept, everything else %XX).
std::string url_enc(std::string_view s);
// 12345678 → "12,345,678".
std::string thousands(int64_t n);
// ISO time → "YYYY-MM-DD HH:MM" (as given when it does not look like ISO).
std::string short_time(std::string_view iso);
// First `n` characters of `s` (UTF-8 safe), newlines folded to spaces, "…" when cut.
std::string clip(std::string_view s, size_t n);

// A whole page. `nav` names the active section (traces, graph, blame, datasets);
// `page` goes to <body data-page>; `token` to <meta name="ot-token"> for the script's POSTs.
std::string layout(std::string_view title, std::string_view nav, std::string_view page, std::string_view token,
                   const std::string& body);

}  // namespace ot::web
