// Error renderings and JSON responses shared by every page and endpoint.
#include "engine/util/json.h"
#include "engine/web/html.h"
#include "engine/web/pages.h"

namespace ot::web {

int http_status(const Error& e) {
  if (e.code == "BUCKET_LOCKED" || e.code == "DATASET_LOCKED") return 503;
  switch (e.exit) {
    case ExitCode::kNotFound: return 404;
    case ExitCode::kUsage: return 400;
    default: break;
  }
  if (e.code.find("NOT_FOUND") != std::string::npos) return 404;
  if (e.code == "QUERY_EMPTY" || e.code.rfind("INVALID_", 0) == 0) return 400;
  return 500;
}

Response error_page(const Site& site, const Error& e, std::string_view nav) {
  std::string body = "<h1>Cannot show this page</h1><p class=\"error\">" + esc(e.message) + " <span class=\"muted\">(" +
                     esc(e.code) + ")</span></p>";
  if (!e.hint.empty()) body += "<p class=\"muted\">hint: " + esc(e.hint) + "</p>";
  return Response{http_status(e), "text/html; charset=utf-8", layout("Error", nav, "error", site.token, body)};
}

Response json_response(const ordered_json& doc, int status) {
  return Response{status, "application/json", doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n"};
}

Response api_error(const Error& e) {
  ordered_json doc;
  doc["status"] = "error";
  doc["schema_version"] = "opentraces.error.v1";
  doc["error"] = ordered_json{{"code", e.code}, {"kind", e.kind}, {"message", e.message}, {"hint", e.hint}, {"retryable", e.retryable}};
  return json_response(doc, http_status(e));
}

}  // namespace ot::web
