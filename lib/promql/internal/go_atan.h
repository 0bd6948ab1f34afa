#pragma once
// atan and atan2 rounded exactly as Go's math.Atan and math.Atan2 (pure Go on amd64 and arm64,
// Cephes' rational approximation), so PromQL's atan() and `atan2` give Prometheus's bits: the
// C library rounds differently in the last place for about a quarter of all arguments, which
// a difference of two nearby results (idelta, deriv) magnifies.
// Thread-safety: pure functions.

#include <cmath>
#include <limits>
#include <numbers>

namespace promkit::promql::internal {

// The series for 0 <= x <= 0.66, coefficients from Cephes' atan.c.
inline double GoAtanSeries(double x) {
  constexpr double p0 = -8.750608600031904122785e-01, p1 = -1.615753718733365076637e+01,
                   p2 = -7.500855792314704667340e+01, p3 = -1.228866684490136173410e+02,
                   p4 = -6.485021904942025371773e+01;
  constexpr double q0 = +2.485846490142306297962e+01, q1 = +1.650270098316988542046e+02,
                   q2 = +4.328810604912902668951e+02, q3 = +4.853903996359136964868e+02,
                   q4 = +1.945506571482613964425e+02;
  const double zz = x * x;
  const double num = (((p0 * zz + p1) * zz + p2) * zz + p3) * zz + p4;
  const double den = ((((zz + q0) * zz + q1) * zz + q2) * zz + q3) * zz + q4;
  const double z = zz * num / den;
  return x * z + x;
}

// Reduces x >= 0 to the series' range.
inline double GoAtanPositive(double x) {
  constexpr double kLowBitsOfHalfPi = 6.123233995736765886130e-17;  // pi/2 - double(pi/2)
  constexpr double kTan3PiOver8 = 2.41421356237309504880;
  if (x <= 0.66) return GoAtanSeries(x);
  if (x > kTan3PiOver8) return std::numbers::pi / 2 - GoAtanSeries(1 / x) + kLowBitsOfHalfPi;
  return std::numbers::pi / 4 + GoAtanSeries((x - 1) / (x + 1)) + 0.5 * kLowBitsOfHalfPi;
}

inline double GoAtan(double x) {
  if (x == 0 || std::isnan(x)) return x;
  return x > 0 ? GoAtanPositive(x) : -GoAtanPositive(-x);
}

inline double GoAtan2(double y, double x) {
  constexpr double kPi = std::numbers::pi;
  if (std::isnan(y) || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (y == 0) {
    return x >= 0 && !std::signbit(x) ? std::copysign(0.0, y) : std::copysign(kPi, y);
  }
  if (x == 0) return std::copysign(kPi / 2, y);
  if (std::isinf(x)) {
    if (x > 0) return std::isinf(y) ? std::copysign(kPi / 4, y) : std::copysign(0.0, y);
    // 3pi/4 rounded once, as Go folds the constant expression exactly.
    constexpr double k3PiOver4 = 2.356194490192344928846982537459627163;
    return std::isinf(y) ? std::copysign(k3PiOver4, y) : std::copysign(kPi, y);
  }
  if (std::isinf(y)) return std::copysign(kPi / 2, y);
  const double q = GoAtan(y / x);
  if (x < 0) return q <= 0 ? q + kPi : q - kPi;
  return q;
}

}  // namespace promkit::promql::internal
