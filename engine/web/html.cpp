#include "engine/web/html.h"

#include "engine/util/html.h"

namespace ot::web {

std::string esc(std::string_view s) { return html_escape(s); }

std::string url_enc(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string thousands(int64_t n) {
  std::string d = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string short_time(std::string_view iso) {
  if (iso.size() >= 16 && iso[4] == '-' && iso[10] == 'T') return std::string(iso.substr(0, 10)) + " " + std::string(iso.substr(11, 5));
  return std::string(iso);
}

std::string clip(std::string_view s, size_t n) {
  std::string out;
  size_t chars = 0, i = 0;
  for (; i < s.size() && chars < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) ++chars;
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : s[i];
  }
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) out += s[i++];  // finish the last character
  if (i < s.size()) out += "…";
  return out;
}

std::string layout(std::string_view title, std::string_view nav, std::string_view page, std::string_view token,
                   const std::string& body) {
  auto link = [&](std::string_view key, std::string_view href, std::string_view label) {
    return std::string("<a href=\"") + std::string(href) + "\"" + (key == nav ? " class=\"on\"" : "") + ">" + std::string(label) + "</a>";
  };
  std::string out;
  out.reserve(body.size() + 1024);
  out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<meta name=\"ot-token\" content=\"" + esc(token) + "\">"
         "<title>" + esc(title) + " · opentraces</title>"
         "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">"
         "<link rel=\"stylesheet\" href=\"/static/app.css\">"
         "<script src=\"/static/app.js\" defer></script></head>\n"
         "<body data-page=\"" + esc(page) + "\"><header><nav><span class=\"brand\">opentraces</span>" +
         link("traces", "/", "Traces") + link("graph", "/graph", "Graph") + link("blame", "/blame", "Blame") +
         link("datasets", "/datasets", "Datasets") + "</nav></header>\n<main>\n";
  out += body;
  out += "\n</main></body></html>\n";
  return out;
}

}  // namespace ot::web
