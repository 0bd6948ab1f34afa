#include "util/numbers.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <system_error>

#include "util/strings.h"

namespace promkit::util {
namespace {

// A decimal digit string d[0..n) with value 0.d × 10^dp; no trailing zeros (n == 0 means zero).
struct Digits {
  char d[800];
  int nd = 0;
  int dp = 0;
};

// Fills `out` from std::to_chars scientific output "d[.ddd]e±XX" (sign already removed).
void DigitsFromScientific(std::string_view sci, Digits& out) {
  out.nd = 0;
  size_t i = 0;
  for (; i < sci.size() && sci[i] != 'e'; ++i) {
    if (sci[i] != '.') out.d[out.nd++] = sci[i];
  }
  int exp = 0;
  std::from_chars(sci.data() + i + (sci[i + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp);
  while (out.nd > 0 && out.d[out.nd - 1] == '0') --out.nd;
  if (out.nd == 0) {
    out.dp = 0;
    return;
  }
  out.dp = exp + 1;
}

// Shortest round-trip digits of |v| (v finite).
void ShortestDigits(double v, Digits& out) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  DigitsFromScientific(std::string_view(buf, static_cast<size_t>(res.ptr - buf)), out);
}

// |v| correctly rounded to `n` (1..767) significant digits, trailing zeros dropped.
void RoundedDigits(double v, int n, Digits& out) {
  char buf[840];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, n - 1);
  DigitsFromScientific(std::string_view(buf, static_cast<size_t>(res.ptr - buf)), out);
}

void AppendE(std::string& out, const Digits& digs, int prec, char fmt) {
  out.push_back(digs.nd == 0 ? '0' : digs.d[0]);
  if (prec > 0) {
    out.push_back('.');
    int i = 1;
    int m = std::min(digs.nd, prec + 1);
    if (i < m) {
      out.append(digs.d + i, static_cast<size_t>(m - i));
      i = m;
    }
    for (; i <= prec; ++i) out.push_back('0');
  }
  out.push_back(fmt);
  int exp = digs.dp - 1;
  if (digs.nd == 0) exp = 0;
  if (exp < 0) {
    out.push_back('-');
    exp = -exp;
  } else {
    out.push_back('+');
  }
  if (exp < 10) {
    out.push_back('0');
    out.push_back(static_cast<char>('0' + exp));
  } else if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + exp / 10 % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

void AppendF(std::string& out, const Digits& digs, int prec) {
  if (digs.dp > 0) {
    int m = std::min(digs.nd, digs.dp);
    out.append(digs.d, static_cast<size_t>(m));
    for (; m < digs.dp; ++m) out.push_back('0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 1; i <= prec; ++i) {
      int j = digs.dp + i - 1;
      out.push_back(j >= 0 && j < digs.nd ? digs.d[j] : '0');
    }
  }
}

std::string ParseError(std::string_view s, std::string_view what) {
  std::string msg = "strconv.ParseFloat: parsing ";
  AppendGoQuote(msg, s);
  msg += ": ";
  msg += what;
  return msg;
}

char Lower(char c) { return static_cast<char>(c | 0x20); }

bool EqualFoldAscii(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != lower[i]) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexLetter(char c) { return Lower(c) >= 'a' && Lower(c) <= 'f'; }

// Go's rule for '_' in number literals: each must sit between digits, where a base prefix
// counts as a digit. `s` is the whole literal including sign.
bool UnderscoresOk(std::string_view s) {
  char saw = '^';  // ^ start, 0 digit or prefix, _ underscore, ! anything else
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (IsDigit(c) || (hex && IsHexLetter(c))) {
      saw = '0';
    } else if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}

// The literal with its sign and separators removed, ready for std::from_chars, plus a rough
// binary or decimal magnitude used to tell overflow from underflow.
struct Literal {
  bool neg = false;
  bool hex = false;
  std::string body;       // mantissa[.frac](e|p)exp without "0x", '+' sign or '_'
  int64_t magnitude = 0;  // ~log10 (decimal) or ~log2 (hex) of |value|; 0 when zero
};

// Validates `s` with the grammar Go's readFloat accepts.
bool ScanLiteral(std::string_view s, Literal& lit) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    lit.neg = s[i] == '-';
    ++i;
  }
  if (i + 2 < s.size() && s[i] == '0' && Lower(s[i + 1]) == 'x') {
    lit.hex = true;
    i += 2;
  }
  bool underscores = false, saw_dot = false, saw_digits = false, saw_nonzero = false;
  int64_t int_digits = 0;          // digits before the point, counted from the first non-zero
  int64_t leading_frac_zeros = 0;  // zeros after the point before the first non-zero
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
      lit.body.push_back('.');
    } else if (IsDigit(c) || (lit.hex && IsHexLetter(c))) {
      saw_digits = true;
      lit.body.push_back(c);
      if (c != '0') saw_nonzero = true;
      if (!saw_dot && saw_nonzero) ++int_digits;
      if (saw_dot && !saw_nonzero) ++leading_frac_zeros;
    } else {
      break;
    }
  }
  if (!saw_digits) return false;
  const char exp_char = lit.hex ? 'p' : 'e';
  int64_t exp = 0;
  if (i < s.size() && Lower(s[i]) == exp_char) {
    lit.body.push_back(exp_char);
    ++i;
    if (i >= s.size()) return false;
    int64_t sign = 1;
    if (s[i] == '+' || s[i] == '-') {
      if (s[i] == '-') {
        sign = -1;
        lit.body.push_back('-');
      }
      ++i;
    }
    if (i >= s.size() || !IsDigit(s[i])) return false;
    for (; i < s.size() && (IsDigit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') {
        underscores = true;
        continue;
      }
      lit.body.push_back(s[i]);
      if (exp < 1'000'000'000) exp = exp * 10 + (s[i] - '0');
    }
    exp *= sign;
  } else if (lit.hex) {
    return false;  // a hex mantissa needs its p exponent
  }
  if (underscores && !UnderscoresOk(s.substr(0, i))) return false;
  if (i != s.size()) return false;
  if (saw_nonzero) {
    lit.magnitude = (int_digits > 0 ? int_digits : -leading_frac_zeros) * (lit.hex ? 4 : 1) + exp;
  }
  return true;
}

// Go's special values: [+-]inf, [+-]infinity, nan (case-insensitive, whole string).
bool ParseSpecial(std::string_view s, double& out) {
  if (s.empty()) return false;
  double sign = 1;
  std::string_view rest = s;
  if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') sign = -1;
    rest.remove_prefix(1);
  } else if (EqualFoldAscii(s, "nan")) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (EqualFoldAscii(rest, "inf") || EqualFoldAscii(rest, "infinity")) {
    out = sign * std::numeric_limits<double>::infinity();
    return true;
  }
  return false;
}

}  // namespace

void AppendFloat(std::string& out, double v, char fmt, int prec) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  const char lower = Lower(fmt);
  if (fmt != 'e' && fmt != 'E' && fmt != 'f' && fmt != 'g' && fmt != 'G') {
    out.push_back('%');
    out.push_back(fmt);
    return;
  }
  if (std::signbit(v)) out.push_back('-');
  const double a = std::fabs(v);
  if (fmt == 'f' && prec >= 0) {
    // Exact decimal expansion, correctly rounded: identical to Go's big-decimal path. A double
    // has at most 309 integer digits.
    const size_t at = out.size();
    out.resize(at + 312 + static_cast<size_t>(prec));
    auto res =
        std::to_chars(out.data() + at, out.data() + out.size(), a, std::chars_format::fixed, prec);
    PROMKIT_CHECK(res.ec == std::errc()) << "BUG: fixed formatting overflowed";
    out.resize(static_cast<size_t>(res.ptr - out.data()));
    return;
  }
  Digits digs;
  const bool shortest = prec < 0;
  if (shortest) {
    ShortestDigits(a, digs);
    switch (lower) {
      case 'e':
        prec = std::max(digs.nd - 1, 0);
        break;
      case 'f':
        prec = std::max(digs.nd - digs.dp, 0);
        break;
      default:
        prec = digs.nd;
        break;
    }
  } else {
    int n = prec;
    if (lower == 'e') n = prec + 1;
    if (lower == 'g' && prec == 0) prec = n = 1;
    // A double has at most 767 significant decimal digits; beyond that Go pads with zeros.
    RoundedDigits(a, std::min(n, 767), digs);
  }
  if (lower == 'e') {
    AppendE(out, digs, prec, fmt);
    return;
  }
  if (lower == 'f') {
    AppendF(out, digs, prec);
    return;
  }
  // %g: %e when the exponent is below -4 or at least the precision (6 for shortest).
  int eprec = prec;
  if (eprec > digs.nd && digs.nd >= digs.dp) eprec = digs.nd;
  if (shortest) eprec = 6;
  const int exp = digs.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > digs.nd) prec = digs.nd;
    AppendE(out, digs, prec - 1, fmt == 'g' ? 'e' : 'E');
    return;
  }
  if (prec > digs.dp) prec = digs.nd;
  AppendF(out, digs, std::max(prec - digs.dp, 0));
}

std::string FormatFloat(double v, char fmt, int prec) {
  std::string out;
  AppendFloat(out, v, fmt, prec);
  return out;
}

Result<double> ParseFloat(std::string_view s) {
  double special;
  if (ParseSpecial(s, special)) return special;
  Literal lit;
  if (!ScanLiteral(s, lit)) return Status::InvalidArgument(ParseError(s, "invalid syntax"));
  double v = 0;
  const char* first = lit.body.data();
  const char* last = first + lit.body.size();
  auto res = std::from_chars(first, last, v,
                             lit.hex ? std::chars_format::hex : std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) {
    if (lit.magnitude > 0) return Status::InvalidArgument(ParseError(s, "value out of range"));
    v = 0;  // underflow: Go rounds to zero silently
  } else if (res.ec != std::errc() || res.ptr != last) {
    return Status::InvalidArgument(ParseError(s, "invalid syntax"));
  }
  return lit.neg ? -v : v;
}

}  // namespace promkit::util
