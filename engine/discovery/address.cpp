#include "engine/discovery/address.h"

#include <cctype>
#include <regex>

#include "engine/util/time.h"

namespace ot::discovery {

namespace {

Error invalid(std::string_view ref, const std::string& why) {
  return make_error(ExitCode::kUsage, "INVALID_ADDRESS", "address",
                    "\"" + std::string(ref) + "\" is not a trace address: " + why,
                    "use <trace>, <trace>:<N>, <trace>:last, <trace>:<A>-<B> or ot://trace/<id> "
                    "(see docs/discovery.md#addresses)");
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// One end of a selector: a step number or "last".
bool read_end(std::string_view s, std::optional<int>& step, bool& last) {
  if (s == "last") {
    last = true;
    return true;
  }
  if (!all_digits(s)) return false;
  step = std::stoi(std::string(s));
  return true;
}

// Fills the selector part of `a` from the text after the trace. Returns false when the
// text is not a selector at all (the caller may then treat it as part of the trace id).
// An error means it looks like a selector but is malformed.
Result<bool> read_selector(std::string_view ref, std::string_view sel, ParsedAddress& a) {
  if (sel.empty()) {
    a.kind = AddressKind::kTrace;
    return true;
  }
  if (sel == "origin")
    return make_error(ExitCode::kUsage, "UNSUPPORTED_ADDRESS", "address",
                      "\"" + std::string(ref) + "\": the :origin slot is reserved and not supported",
                      "address a step (<trace>:<N>) or a span (<trace>:<A>-<B>)");
  auto dash = sel.find('-');
  if (dash == std::string_view::npos) {
    if (!read_end(sel, a.from_step, a.from_last)) return false;
    a.to_step = a.from_step;
    a.to_last = a.from_last;
    a.kind = AddressKind::kStep;
    return true;
  }
  // Only digits, dashes and "last" look like a span; anything else is part of an id.
  bool spanish = true;
  for (char c : sel)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' && std::string_view("last").find(c) == std::string_view::npos)
      spanish = false;
  if (!spanish) return false;
  std::string_view lo = sel.substr(0, dash), hi = sel.substr(dash + 1);
  if (!read_end(lo, a.from_step, a.from_last) || !read_end(hi, a.to_step, a.to_last) || a.from_last)
    return invalid(ref, "a span is <A>-<B> with step numbers (B may be \"last\")");
  if (a.to_step && *a.from_step > *a.to_step)
    return invalid(ref, "the span starts after it ends (" + std::string(lo) + " > " + std::string(hi) + ")");
  a.kind = AddressKind::kSpan;
  return true;
}

// Decodes %XX escapes of an ot:// id component.
std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<ParsedAddress> parse_uri(std::string_view ref) {
  ParsedAddress a;
  a.input = std::string(ref);
  std::string_view rest = ref.substr(5);  // after "ot://"
  constexpr std::string_view kTrace = "trace/";
  if (rest.substr(0, kTrace.size()) != kTrace)
    return invalid(ref, "only ot://trace/... resources name a trace");
  rest.remove_prefix(kTrace.size());
  auto slash = rest.find('/');
  a.trace_ref = url_decode(rest.substr(0, slash));
  if (a.trace_ref.empty()) return invalid(ref, "no trace id after ot://trace/");
  if (slash == std::string_view::npos) return a;
  std::string_view tail = rest.substr(slash + 1);
  if (tail == "map" || tail == "card") {
    a.view = std::string(tail);
    return a;
  }
  constexpr std::string_view kSteps = "steps/";
  if (tail.substr(0, kSteps.size()) == kSteps) {
    std::string_view step = tail.substr(kSteps.size());
    if (step.size() > 1 && step[0] == 's' && all_digits(step.substr(1))) step.remove_prefix(1);
    auto sel = read_selector(ref, step, a);
    if (!sel.ok()) return sel.error();
    if (!*sel || a.kind != AddressKind::kStep) return invalid(ref, "steps/<N> takes one step number or \"last\"");
    return a;
  }
  constexpr std::string_view kPatches = "patches/";
  if (tail.substr(0, kPatches.size()) == kPatches) {
    std::string_view pid = tail.substr(kPatches.size());
    if (auto t = pid.find("/trail"); t != std::string_view::npos) pid = pid.substr(0, t);
    a.view = "patch";
    a.view_id = url_decode(pid);
    return a;
  }
  return invalid(ref, "unknown ot://trace/<id>/" + std::string(tail) + " resource (steps/<N>, map, card, patches/<id>)");
}

// tu:<trace>:<kind>:<n>[...] and tmn:<trace>:<kind>:<n>[...]: the trace is what comes
// before the first known segment (trace ids may themselves hold colons).
Result<ParsedAddress> parse_unit(std::string_view ref, std::string_view body, bool map_node) {
  ParsedAddress a;
  a.input = std::string(ref);
  size_t best = std::string_view::npos;
  for (std::string_view seg : {":step:", ":burst:", ":tool:", ":observation:", ":patch:", ":node:"}) {
    auto p = body.find(seg);
    if (p != std::string_view::npos && p < best) best = p;
  }
  if (best == std::string_view::npos || best == 0)
    return invalid(ref, std::string(map_node ? "tmn:" : "tu:") + " ids look like " +
                            (map_node ? "tmn:<trace>:step:<N>:..." : "tu:<trace>:step:<N>"));
  a.trace_ref = std::string(body.substr(0, best));
  std::string_view kind_and_rest = body.substr(best + 1);
  if (map_node) {
    a.view = "map_node";
    a.view_id = std::string(ref);
  }
  if (kind_and_rest.substr(0, 5) == "step:") {
    std::string_view n = kind_and_rest.substr(5);
    n = n.substr(0, n.find(':'));
    if (all_digits(n)) {
      a.kind = AddressKind::kStep;
      a.from_step = a.to_step = std::stoi(std::string(n));
    }
  }
  return a;
}

}  // namespace

json TraceAddress::to_json() const {
  const char* k = kind == AddressKind::kTrace ? "trace" : kind == AddressKind::kStep ? "step" : "span";
  json j = {{"input", input}, {"trace_id", trace_id}, {"kind", k}, {"from_step", from_step},
            {"to_step", to_step}, {"step_count", step_count}};
  if (!view.empty()) j["view"] = view;
  if (!view_id.empty()) j["view_id"] = view_id;
  return j;
}

Result<ParsedAddress> parse_address(std::string_view ref) {
  while (!ref.empty() && std::isspace(static_cast<unsigned char>(ref.back()))) ref.remove_suffix(1);
  while (!ref.empty() && std::isspace(static_cast<unsigned char>(ref.front()))) ref.remove_prefix(1);
  if (ref.empty()) return invalid(ref, "it is empty");
  if (ref.substr(0, 5) == "ot://") return parse_uri(ref);
  if (ref.substr(0, 3) == "tu:") return parse_unit(ref, ref.substr(3), false);
  if (ref.substr(0, 4) == "tmn:") return parse_unit(ref, ref.substr(4), true);
  std::string_view body = ref;
  if (body.substr(0, 2) == "t:" || body.substr(0, 2) == "T:") body.remove_prefix(2);

  ParsedAddress a;
  a.input = std::string(ref);
  auto colon = body.rfind(':');
  if (colon == std::string_view::npos) {
    a.trace_ref = std::string(body);
    return a;
  }
  auto sel = read_selector(ref, body.substr(colon + 1), a);
  if (!sel.ok()) return sel.error();
  if (!*sel) {  // not a selector: the colon belongs to the trace id
    a = ParsedAddress{};
    a.input = std::string(ref);
    a.trace_ref = std::string(body);
    return a;
  }
  a.trace_ref = std::string(body.substr(0, colon));
  if (a.trace_ref.empty() && !(a.kind == AddressKind::kStep && a.from_last))
    return invalid(ref, "no trace before the ':' (only \":last\" may stand alone)");
  return a;
}

Result<TraceAddress> resolve_address(bucket::Bucket& bucket, const ParsedAddress& p) {
  TraceAddress t;
  t.input = p.input;
  t.kind = p.kind;
  t.view = p.view;
  t.view_id = p.view_id;
  if (p.trace_ref.empty()) {
    // ":last": the most recently active trace that has a stored record.
    for (int64_t since : {now_ms() - int64_t{30} * 86400000, int64_t{0}}) {
      auto active = bucket.traces_active_since(since);
      if (!active.ok()) return active.error();
      for (const auto& a : *active)
        if (bucket.row(a.trace_id).ok()) {
          t.trace_id = a.trace_id;
          break;
        }
      if (!t.trace_id.empty()) break;
    }
    if (t.trace_id.empty())
      return make_error(ExitCode::kNotFound, "TRACE_NOT_FOUND", "address", "\":last\": the bucket holds no traces yet",
                        "capture a session first (docs/capture.md), or ingest one with `git opentraces capture`");
  } else {
    auto id = bucket.resolve_prefix(p.trace_ref);
    if (!id.ok()) return id.error();
    t.trace_id = *id;
  }
  auto row = bucket.row(t.trace_id);
  if (!row.ok()) {
    if (row.error().exit == ExitCode::kNotFound)
      return make_error(ExitCode::kNotFound, "TRACE_NOT_FOUND", "address",
                        "trace \"" + t.trace_id + "\" has hook events but no stored record yet",
                        "the record is stored when the session ends; `git opentraces bucket list` shows stored traces");
    return row.error();
  }
  t.step_count = row->value("step_count", 0);
  int last = t.step_count - 1;
  std::string range = t.step_count > 0 ? "0.." + std::to_string(last) : "none";
  auto missing = [&](const std::string& what) {
    return make_error(ExitCode::kNotFound, "STEP_NOT_FOUND", "address",
                      "trace " + t.trace_id + " has no " + what + "; available steps: " + range,
                      t.step_count > 0 ? "address a step in 0.." + std::to_string(last) + ", e.g. " + t.trace_id +
                                             ":" + std::to_string(last) + " or " + t.trace_id + ":last"
                                       : "this trace has no steps; `trace get " + t.trace_id + "` shows its overview");
  };
  if (p.kind == AddressKind::kTrace) {
    t.from_step = 0;
    t.to_step = last;
    return t;
  }
  if (t.step_count == 0) return missing("steps");
  t.from_step = p.from_last ? last : *p.from_step;
  t.to_step = p.to_last ? last : *p.to_step;
  if (t.from_step > last) return missing("step " + std::to_string(t.from_step));
  if (t.to_step > last) return missing("step " + std::to_string(t.to_step));
  return t;
}

Result<TraceAddress> resolve_address(bucket::Bucket& bucket, std::string_view ref) {
  auto p = parse_address(ref);
  if (!p.ok()) return p.error();
  return resolve_address(bucket, *p);
}

AddressShape address_shape(std::string_view token) {
  AddressShape s;
  if (token.empty() || token[0] == '-') return s;
  if (token.substr(0, 5) == "ot://" || token.substr(0, 2) == "t:" || token.substr(0, 2) == "T:" ||
      token.substr(0, 3) == "tu:" || token.substr(0, 4) == "tmn:") {
    s.pure = true;
    return s;
  }
  static const std::regex uuid(
      "^([a-z][a-z0-9-]*_)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
      "(:(last|[0-9]+|[0-9]+-([0-9]+|last))?)?$");
  static const std::regex hex_prefix("^[0-9a-f][0-9a-f-]{7,}(:(last|[0-9]+|[0-9]+-([0-9]+|last))?)?$");
  std::string t(token);
  if (std::regex_match(t, uuid)) s.pure = true;
  else if (std::regex_match(t, hex_prefix)) s.needs_lookup = true;
  return s;
}

}  // namespace ot::discovery
