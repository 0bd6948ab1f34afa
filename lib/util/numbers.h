#pragma once
// Go-compatible float formatting and parsing: strconv.FormatFloat(v, fmt, prec, 64) and
// strconv.ParseFloat(s, 64). Sample values, rule thresholds and API output go through these, so
// the bytes must be exactly Go's. Pure functions; thread-safe.

#include <string>
#include <string_view>

#include "util/status.h"

namespace promkit::util {

// Go's strconv.FormatFloat(v, fmt, prec, 64) for fmt 'e', 'E', 'f', 'g', 'G'. prec < 0 gives the
// shortest digits that parse back to exactly `v`; otherwise digits are correctly rounded (ties to
// even on the exact binary value). NaN is "NaN", infinities "+Inf" and "-Inf"; -0 keeps its sign.
// Exponents have at least two digits ("1e+06"). Any other fmt gives "%" followed by fmt, as Go.
std::string FormatFloat(double v, char fmt = 'g', int prec = -1);
// Appends FormatFloat(v, fmt, prec) to `out`.
void AppendFloat(std::string& out, double v, char fmt = 'g', int prec = -1);

// Go's strconv.ParseFloat(s, 64): decimal or hexadecimal (0x mantissa, mandatory p exponent)
// literals, optional sign, '_' separators between digits (as Go checks them), and "inf",
// "infinity", "nan" in any case (only inf/infinity signed). The result is correctly rounded.
// Underflow gives a signed zero without error, as Go. Errors (InvalidArgument), in Go's words:
//   strconv.ParseFloat: parsing "<s>": invalid syntax
//   strconv.ParseFloat: parsing "<s>": value out of range
// where <s> is quoted with GoQuote.
Result<double> ParseFloat(std::string_view s);

}  // namespace promkit::util
