#pragma once
// Status and Result<T>: how every fallible call in lib/ reports failure (STYLE.md, "Errors").
// A Status is OK when it holds no representation (one null pointer, as LevelDB's); errors carry
// a code and a message, and each layer prepends its context with Wrap().
// Thread-safety: values; distinct objects may be used from distinct threads.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "util/check.h"

namespace promkit::util {

enum class Code : uint8_t {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kCorruption,
  kIoError,
  kCanceled,
  kInternal,
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(const Status& other) : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Canceled(std::string msg) { return Status(Code::kCanceled, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  // The message without the code name; empty for OK.
  std::string_view message() const {
    return rep_ ? std::string_view(rep_->msg) : std::string_view();
  }
  // "context: message". OK stays OK.
  Status Wrap(std::string_view context) const&;
  Status Wrap(std::string_view context) &&;
  // "OK" or the message (the code is not printed: users see messages in upstream's words).
  std::string ToString() const { return rep_ ? rep_->msg : std::string("OK"); }

 private:
  struct Rep {
    Code code;
    std::string msg;
  };
  Status(Code code, std::string msg) : rep_(std::make_unique<Rep>(Rep{code, std::move(msg)})) {}
  std::unique_ptr<Rep> rep_;
};

// Result<T>: a T or a non-OK Status, shaped like std::expected (which GCC 12 lacks in C++20).
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Status>, "Result<Status> makes no sense");

 public:
  Result(const T& value) : v_(std::in_place_index<0>, value) {}        // NOLINT
  Result(T&& value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status> &&
                                                    !std::is_same_v<std::decay_t<U>, Result<T>>>>
  Result(U&& value) : v_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {    // NOLINT
    PROMKIT_CHECK(!std::get<1>(v_).ok()) << "BUG: Result constructed from an OK Status";
  }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(v_);
  }
  T& value() & {
    Verify();
    return std::get<0>(v_);
  }
  const T& value() const& {
    Verify();
    return std::get<0>(v_);
  }
  T&& value() && {
    Verify();
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void Verify() const {
    PROMKIT_CHECK(ok()) << "BUG: value() of a failed Result: " << std::get<1>(v_).ToString();
  }
  std::variant<T, Status> v_;
};

}  // namespace promkit::util

#define PROMKIT_CONCAT_INNER_(a, b) a##b
#define PROMKIT_CONCAT_(a, b) PROMKIT_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when it is not OK.
#define PROMKIT_RETURN_IF_ERROR(expr)             \
  do {                                            \
    ::promkit::util::Status promkit_st_ = (expr); \
    if (!promkit_st_.ok()) return promkit_st_;    \
  } while (0)

// `PROMKIT_ASSIGN_OR_RETURN(auto x, F());` declares x from a Result or returns its Status.
#define PROMKIT_ASSIGN_OR_RETURN(lhs, rexpr) \
  PROMKIT_ASSIGN_OR_RETURN_IMPL_(PROMKIT_CONCAT_(promkit_res_, __LINE__), lhs, rexpr)
#define PROMKIT_ASSIGN_OR_RETURN_IMPL_(res, lhs, rexpr) \
  auto res = (rexpr);                                   \
  if (!res.ok()) return res.status();                   \
  lhs = std::move(res).value()
