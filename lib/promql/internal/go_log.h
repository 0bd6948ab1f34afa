#pragma once
// Natural, base-2 and base-10 logarithms rounded exactly as Go's math.Log, Log2 and Log10
// (FreeBSD's e_log.c algorithm, which Go's amd64 assembly follows step by step), so ln(),
// log2() and log10() give Prometheus's bits where the C library rounds the last place
// differently. Thread-safety: pure functions.

#include <cmath>
#include <limits>

namespace promkit::promql::internal {

inline double GoLog(double x) {
  if (std::isnan(x) || (std::isinf(x) && x > 0)) return x;
  if (x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  constexpr double kLn2High = 6.93147180369123816490e-01, kLn2Low = 1.90821492927058770002e-10;
  // Coefficients of the minimax polynomial for log(1+f) on [sqrt(2)/2 - 1, sqrt(2) - 1].
  constexpr double c1 = 6.666666666666735130e-01, c2 = 3.999999999940941908e-01,
                   c3 = 2.857142874366239149e-01, c4 = 2.222219843214978396e-01,
                   c5 = 1.818357216161805012e-01, c6 = 1.531383769920937332e-01,
                   c7 = 1.479819860511658591e-01;
  constexpr double kHalfSqrt2 = 0.70710678118654752440084436210484903928483593768847;
  int exponent = 0;
  double mantissa = std::frexp(x, &exponent);  // in [0.5, 1)
  if (mantissa < kHalfSqrt2) {
    mantissa *= 2;
    --exponent;
  }
  const double f = mantissa - 1;
  const double k = static_cast<double>(exponent);
  const double s = f / (2 + f);
  const double s2 = s * s;
  const double s4 = s2 * s2;
  const double odd = s2 * (c1 + s4 * (c3 + s4 * (c5 + s4 * c7)));
  const double even = s4 * (c2 + s4 * (c4 + s4 * c6));
  const double r = odd + even;
  const double half_f_squared = 0.5 * f * f;
  return k * kLn2High - ((half_f_squared - (s * (half_f_squared + r) + k * kLn2Low)) - f);
}

inline double GoLog10(double x) {
  constexpr double kInvLn10 = 0.43429448190325182765112891891660508229439700580366656611445378;
  return GoLog(x) * kInvLn10;
}

inline double GoLog2(double x) {
  constexpr double kInvLn2 = 1.44269504088896340735992468100189213742664595415298593413544940;
  int exponent = 0;
  const double mantissa = std::frexp(x, &exponent);
  // Exact powers of two come out exact.
  if (mantissa == 0.5) return static_cast<double>(exponent - 1);
  return GoLog(mantissa) * kInvLn2 + static_cast<double>(exponent);
}

}  // namespace promkit::promql::internal
