#pragma once
// Go's math.Log, Log2, Log10 and Exp2, bit for bit (PromQL's ln(), log2() and log10() use them
// too). Upstream's histogram quantile and fraction interpolation use them, and the C library's
// versions (correctly rounded or not) differ from Go's in the last bit for many inputs (glibc's
// exp2(-0.5) is 0.7071067811865476, Go's 0.7071067811865475), which users would see in query
// results. These follow the algorithms of Go's math package (FreeBSD's msun, as Go adapted it);
// Go's amd64 assembly Log computes the same values as its portable version. Pure functions.

#include <cmath>
#include <cstdint>
#include <limits>

namespace promkit::model::internal {

// Go's math.Log (portable algorithm): natural logarithm.
inline double GoLog(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kL1 = 6.666666666666735130e-01;
  constexpr double kL2 = 3.999999999940941908e-01;
  constexpr double kL3 = 2.857142874366239149e-01;
  constexpr double kL4 = 2.222219843214978396e-01;
  constexpr double kL5 = 1.818357216161805012e-01;
  constexpr double kL6 = 1.531383769920937332e-01;
  constexpr double kL7 = 1.479819860511658591e-01;
  constexpr double kSqrt2Half = 0.70710678118654752440084436210484903928483593768847;
  if (std::isnan(x) || x == std::numeric_limits<double>::infinity()) return x;
  if (x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  int ki;
  double f1 = std::frexp(x, &ki);
  if (f1 < kSqrt2Half) {
    f1 *= 2;
    --ki;
  }
  double f = f1 - 1;
  double k = ki;
  double s = f / (2 + f);
  double s2 = s * s;
  double s4 = s2 * s2;
  double t1 = s2 * (kL1 + s4 * (kL3 + s4 * (kL5 + s4 * kL7)));
  double t2 = s4 * (kL2 + s4 * (kL4 + s4 * kL6));
  double r = t1 + t2;
  double hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + r) + k * kLn2Lo)) - f);
}

// Go's math.Log2: exact for powers of two, otherwise Log(frac)/Ln2 + exp.
inline double GoLog2(double x) {
  constexpr double kInvLn2 = 1.442695040888963407359924681001892137426645954152985934135;
  int exp;
  double frac = std::frexp(x, &exp);
  if (frac == 0.5) return exp - 1;
  if (std::isnan(x) || std::isinf(x) || x <= 0) return GoLog(x) * kInvLn2;
  return GoLog(frac) * kInvLn2 + exp;
}

// Go's math.Log10: Log(x) * (1/Ln10).
inline double GoLog10(double x) {
  constexpr double kInvLn10 = 0.43429448190325182765112891891660508229439700580366656611445378;
  return GoLog(x) * kInvLn10;
}

// Go's math.Exp2.
inline double GoExp2(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kOverflow = 1.0239999999999999e+03;
  constexpr double kUnderflow = -1.0740e+03;
  constexpr double kP1 = 1.66666666666666657415e-01;
  constexpr double kP2 = -2.77777777770155933842e-03;
  constexpr double kP3 = 6.61375632143793436117e-05;
  constexpr double kP4 = -1.65339022054652515390e-06;
  constexpr double kP5 = 4.13813679705723846039e-08;
  if (std::isnan(x) || x == std::numeric_limits<double>::infinity()) return x;
  if (x == -std::numeric_limits<double>::infinity()) return 0;
  if (x > kOverflow) return std::numeric_limits<double>::infinity();
  if (x < kUnderflow) return 0;
  int64_t k = 0;
  if (x > 0) {
    k = static_cast<int64_t>(x + 0.5);
  } else if (x < 0) {
    k = static_cast<int64_t>(x - 0.5);
  }
  double t = x - static_cast<double>(k);
  double hi = t * kLn2Hi;
  double lo = -t * kLn2Lo;
  double r = hi - lo;
  double tt = r * r;
  double c = r - tt * (kP1 + tt * (kP2 + tt * (kP3 + tt * (kP4 + tt * kP5))));
  double y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  return std::ldexp(y, static_cast<int>(k));
}

}  // namespace promkit::model::internal
