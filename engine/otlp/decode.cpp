#include "engine/otlp/decode.h"

#include <cctype>
#include <charconv>

#include "engine/util/time.h"

namespace ot::otlp {

namespace {

// 64-bit integers travel as decimal strings in the JSON mapping; some senders use numbers.
int64_t int_of(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    int64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size()) return n;
  }
  return 0;
}

double double_of(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    try {
      return std::stod(v.get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

const json& array_at(const json& j, const char* key) {
  static const json kEmpty = json::array();
  if (!j.is_object()) return kEmpty;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

std::string str_at(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<json> parse_body(std::string_view body, const char* what) {
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(ExitCode::kUsage, "BAD_OTLP_BODY", "capture-otlp",
                      std::string("the ") + what + " request body is not a JSON object",
                      "send OTLP/HTTP with JSON encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json)");
  return doc;
}

std::string session_of(const json& attrs, const json& resource) {
  for (const json* a : {&attrs, &resource}) {
    auto it = a->find("session.id");
    if (it != a->end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

}  // namespace

json any_value(const json& v) {
  if (!v.is_object() || v.empty()) return nullptr;
  if (auto it = v.find("stringValue"); it != v.end()) return it->is_string() ? *it : json(nullptr);
  if (auto it = v.find("boolValue"); it != v.end()) return it->is_boolean() ? *it : json(nullptr);
  if (auto it = v.find("intValue"); it != v.end()) return int_of(*it);
  if (auto it = v.find("doubleValue"); it != v.end()) return double_of(*it);
  if (auto it = v.find("bytesValue"); it != v.end()) return it->is_string() ? *it : json(nullptr);
  if (auto it = v.find("arrayValue"); it != v.end()) {
    json out = json::array();
    for (const auto& x : array_at(*it, "values")) out.push_back(any_value(x));
    return out;
  }
  if (auto it = v.find("kvlistValue"); it != v.end()) return attributes_of(array_at(*it, "values"));
  return nullptr;
}

json attributes_of(const json& list) {
  json out = json::object();
  if (!list.is_array()) return out;
  for (const auto& kv : list) {
    std::string key = str_at(kv, "key");
    if (key.empty()) continue;
    out[key] = kv.contains("value") ? any_value(kv["value"]) : json(nullptr);
  }
  return out;
}

Result<std::vector<LogEvent>> decode_logs(std::string_view body) {
  auto doc = parse_body(body, "logs");
  if (!doc.ok()) return doc.error();
  std::vector<LogEvent> out;
  for (const auto& rl : array_at(*doc, "resourceLogs")) {
    json resource = rl.contains("resource") ? attributes_of(array_at(rl["resource"], "attributes")) : json::object();
    for (const auto& sl : array_at(rl, "scopeLogs")) {
      std::string scope = sl.contains("scope") ? str_at(sl["scope"], "name") : std::string();
      for (const auto& r : array_at(sl, "logRecords")) {
        LogEvent e;
        e.attributes = attributes_of(array_at(r, "attributes"));
        e.resource = resource;
        e.scope = scope;
        e.name = e.attributes.value("event.name", json()).is_string() ? e.attributes["event.name"].get<std::string>() : "";
        if (e.name.empty() && r.contains("body")) {
          json b = any_value(r["body"]);
          if (b.is_string()) e.name = b.get<std::string>();
          if (e.name.rfind("claude_code.", 0) == 0) e.name.erase(0, 12);
        }
        e.session_id = session_of(e.attributes, resource);
        int64_t ns = int_of(r.value("timeUnixNano", json()));
        if (ns == 0) ns = int_of(r.value("observedTimeUnixNano", json()));
        e.time_ms = ns / 1000000;
        if (e.time_ms == 0 && e.attributes.value("event.timestamp", json()).is_string())
          e.time_ms = ms_from_iso(e.attributes["event.timestamp"].get<std::string>()).value_or(0);
        out.push_back(std::move(e));
      }
    }
  }
  return out;
}

Result<std::vector<MetricPoint>> decode_metrics(std::string_view body) {
  auto doc = parse_body(body, "metrics");
  if (!doc.ok()) return doc.error();
  std::vector<MetricPoint> out;
  for (const auto& rm : array_at(*doc, "resourceMetrics")) {
    json resource = rm.contains("resource") ? attributes_of(array_at(rm["resource"], "attributes")) : json::object();
    for (const auto& sm : array_at(rm, "scopeMetrics")) {
      for (const auto& m : array_at(sm, "metrics")) {
        for (const char* kind : {"sum", "gauge", "histogram"}) {
          if (!m.contains(kind) || !m[kind].is_object()) continue;
          const json& data = m[kind];
          for (const auto& p : array_at(data, "dataPoints")) {
            MetricPoint mp;
            mp.name = str_at(m, "name");
            mp.unit = str_at(m, "unit");
            mp.kind = kind;
            mp.temporality = static_cast<int>(int_of(data.value("aggregationTemporality", json(0))));
            if (p.contains("asDouble")) mp.value = double_of(p["asDouble"]);
            else if (p.contains("asInt")) mp.value = static_cast<double>(int_of(p["asInt"]));
            else if (p.contains("sum")) mp.value = double_of(p["sum"]);
            mp.start_ns = int_of(p.value("startTimeUnixNano", json()));
            mp.time_ns = int_of(p.value("timeUnixNano", json()));
            mp.attributes = attributes_of(array_at(p, "attributes"));
            mp.resource = resource;
            mp.session_id = session_of(mp.attributes, resource);
            out.push_back(std::move(mp));
          }
        }
      }
    }
  }
  return out;
}

BodyEncoding encoding_of(std::string_view ct) {
  std::string t;
  for (char c : ct) {
    if (c == ';') break;
    if (!std::isspace(static_cast<unsigned char>(c))) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (t.empty() || t == "application/json") return BodyEncoding::kJson;
  if (t == "application/x-protobuf" || t == "application/protobuf") return BodyEncoding::kProtobuf;
  return BodyEncoding::kOther;
}

}  // namespace ot::otlp
