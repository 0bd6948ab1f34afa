#pragma once
// PROMKIT_CHECK: for broken invariants (bugs), never for bad input. Prints the streamed message to
// stderr and aborts, so fuzzers and sanitizers report the spot.

#include <sstream>

namespace promkit::util::internal {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* cond);
  [[noreturn]] ~CheckFailure();
  template <typename T>
  CheckFailure& operator<<(const T& v) {
    os_ << v;
    return *this;
  }

 private:
  std::ostringstream os_;
};

// Makes `cond ? (void)0 : Voidify() & CheckFailure(...) << msg` an expression of type void.
struct Voidify {
  void operator&(const CheckFailure&) {}
};

}  // namespace promkit::util::internal

#define PROMKIT_CHECK(cond)                       \
  (cond) ? (void)0                                \
         : ::promkit::util::internal::Voidify() & \
               ::promkit::util::internal::CheckFailure(__FILE__, __LINE__, #cond)
