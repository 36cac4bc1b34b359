// The pages and JSON endpoints of `git opentraces serve`, free of any HTTP library:
// each takes the request's parameters and returns a Response, so tests can call them
// directly. server.cpp maps routes to these and checks the token first.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::web {

struct Site {
  std::filesystem::path cwd;  // where serve started: graph and blame read this repository
  std::string token;          // the per-run token (the pages' script sends it with POSTs)
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
};

using Params = std::map<std::string, std::string>;

// Pages (HTML).
Response traces_page(const Site& site, const Params& p);                        // GET /            q, agent, page_token
Response trace_page(const Site& site, const std::string& ref, const Params& p);  // GET /trace/<id> step
Response graph_page(const Site& site, const Params& p);                         // GET /graph       limit, trace
Response blame_page(const Site& site, const Params& p);                         // GET /blame       path, rev
Response datasets_page(const Site& site);                                       // GET /datasets
Response review_page(const Site& site, const std::string& name, const Params& p);  // GET /datasets/<name> row

// JSON endpoints (envelopes: status, schema_version first).
Response api_query(const Params& p);                                            // GET /api/query   q, agent, limit, page_token
Response api_trace(const std::string& ref);                                     // GET /api/traces/<id>
Response api_graph(const Site& site, const Params& p);                          // GET /api/graph
Response api_review(const std::string& name, const std::string& body);          // POST /api/datasets/<name>/review

// HTTP status for an engine error (404 for not found, 400 for usage, 503 for a locked
// bucket, 500 otherwise) and the two error renderings.
int http_status(const Error& e);
Response error_page(const Site& site, const Error& e, std::string_view nav = {});
Response api_error(const Error& e);
Response json_response(const ordered_json& doc, int status = 200);

}  // namespace ot::web
