// The trace address grammar (reference 1.7, 1.8): how a command names a trace, one
// step of it, or a span of steps.
//
//   <trace>            the whole trace (also <trace>: and t:<trace>)
//   <trace>:<N>        step N (0-based step_index)
//   <trace>:last       the last step;  ":last" alone = the last step of the newest trace
//   <trace>:<A>-<B>    steps A..B inclusive (B may be "last")
//   ot://trace/<id>[/steps/<N>|/map|/card]    resource URIs
//   tu:<trace>:step:<N>, tmn:<trace>:...       unit / map-node ids (their trace and step)
//
// <trace> is a full id or a unique prefix of one. parse_address() checks syntax only;
// resolve_address() looks the trace up in the bucket and checks the steps exist.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/bucket/bucket.h"
#include "engine/util/json.h"
#include "engine/util/result.h"

namespace ot::discovery {

enum class AddressKind {
  kTrace,  // the whole trace
  kStep,   // one step (from_step == to_step)
  kSpan,   // from_step..to_step
};

// What the address text says, before any lookup.
struct ParsedAddress {
  std::string input;        // as given
  std::string trace_ref;    // full id or prefix; "" = the newest trace (":last")
  AddressKind kind = AddressKind::kTrace;
  std::optional<int> from_step, to_step;  // nullopt with `last` set = the last step
  bool from_last = false, to_last = false;
  std::string view;         // ot:// view: "", "map", "card", "patch"; tmn: → "map_node"
  std::string view_id;      // patch id / map node id for those views
};

// The address resolved against a bucket: a stored trace and steps that exist.
struct TraceAddress {
  std::string input;
  std::string trace_id;     // full id
  AddressKind kind = AddressKind::kTrace;
  int from_step = 0, to_step = -1;  // inclusive; the whole range for kTrace
  int step_count = 0;
  std::string view, view_id;

  bool whole_trace() const { return kind == AddressKind::kTrace; }
  json to_json() const;
};

// Syntax only. Errors (exit 2): INVALID_ADDRESS (empty, bad selector, reversed span,
// unknown ot:// kind), UNSUPPORTED_ADDRESS (`:origin`, reserved).
Result<ParsedAddress> parse_address(std::string_view ref);

// Parses and resolves. Errors: those of parse_address; AMBIGUOUS_TRACE_PREFIX (exit 2,
// the message lists the matching ids); TRACE_NOT_FOUND (exit 6); STEP_NOT_FOUND
// (exit 6, the message and hint give the available range "0..N-1").
Result<TraceAddress> resolve_address(bucket::Bucket& bucket, std::string_view ref);
Result<TraceAddress> resolve_address(bucket::Bucket& bucket, const ParsedAddress& parsed);

// True when `token` looks like an address rather than a command name (root dispatch,
// reference 1.7): ot://, t:/tu:/tmn:, a full UUID or <agent>_<uuid> (optionally with a
// :selector) — `pure` syntax; or a hex prefix of 8+ characters (`needs_lookup`).
struct AddressShape {
  bool pure = false;
  bool needs_lookup = false;
};
AddressShape address_shape(std::string_view token);

}  // namespace ot::discovery
