// Result<T>: a value or a typed Error. Engine functions return these; exceptions
// never cross module boundaries (see DESIGN.md, Conventions).
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "engine/util/exit_codes.h"

namespace ot {

struct Error {
  std::string code;     // stable machine code, e.g. "NOT_IMPLEMENTED", "CONFIG_CORRUPT"
  std::string kind;     // the area or command that failed, e.g. "config", "init"
  std::string message;  // what went wrong, for a human
  std::string hint;     // how to fix it (may be empty)
  bool retryable = false;
  ExitCode exit = ExitCode::kResource;
};

inline Error make_error(ExitCode exit, std::string code, std::string kind, std::string message,
                        std::string hint = {}, bool retryable = false) {
  return Error{std::move(code), std::move(kind), std::move(message), std::move(hint), retryable, exit};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}       // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace ot

// Propagate an error from an expression returning Result<...>.
#define OT_TRY_STATUS(expr)                      \
  do {                                           \
    auto ot_try_r_ = (expr);                     \
    if (!ot_try_r_.ok()) return ot_try_r_.error(); \
  } while (0)
