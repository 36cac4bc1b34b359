// OTLP/HTTP with JSON encoding (the OpenTelemetry protocol's JSON mapping), as Claude
// Code's exporter sends it with OTEL_EXPORTER_OTLP_PROTOCOL=http/json: requests to
// /v1/logs hold resourceLogs[].scopeLogs[].logRecords[], requests to /v1/metrics hold
// resourceMetrics[].scopeMetrics[].metrics[]. Decoding flattens them into events and
// data points whose attributes are plain JSON values (AnyValue unwrapped; 64-bit
// integers, which the JSON mapping may send as strings, become numbers).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::otlp {

// One log record: Claude Code sends one per event (user_prompt, api_request,
// api_error, tool_result, tool_decision, assistant_response, ...).
struct LogEvent {
  std::string name;        // attribute event.name, else the body ("claude_code.<name>" → "<name>")
  std::string session_id;  // attribute session.id ("" when absent)
  int64_t time_ms = 0;     // timeUnixNano, else observedTimeUnixNano, else event.timestamp
  json attributes = json::object();  // record attributes
  json resource = json::object();    // resource attributes (service.name, service.version, ...)
  std::string scope;
};

// One data point of a sum or gauge (histograms: their sum and count).
struct MetricPoint {
  std::string name, unit, kind;  // kind: sum | gauge | histogram
  int temporality = 0;           // 1 delta, 2 cumulative (aggregationTemporality), 0 unknown
  double value = 0;
  int64_t start_ns = 0, time_ns = 0;
  std::string session_id;
  json attributes = json::object();
  json resource = json::object();
};

// An AnyValue ({"stringValue": ...}, {"intValue": "12"}, arrayValue, kvlistValue, ...)
// as plain JSON. Unknown shapes come back as null.
json any_value(const json& v);
// A KeyValue list ([{key, value}]) as one object.
json attributes_of(const json& list);

// BAD_OTLP_BODY (exit 2) when the body is not JSON or not an object; a body without
// resourceLogs / resourceMetrics is an empty (valid) export.
Result<std::vector<LogEvent>> decode_logs(std::string_view body);
Result<std::vector<MetricPoint>> decode_metrics(std::string_view body);

// How a request body is encoded, from its Content-Type: json, protobuf, or other.
enum class BodyEncoding { kJson, kProtobuf, kOther };
BodyEncoding encoding_of(std::string_view content_type);

}  // namespace ot::otlp
