#include "template/gofmt.h"

#include <cstdint>
#include <string>

#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::tmpl {
namespace {

constexpr std::string_view kLowerHex = "0123456789abcdefx";
constexpr std::string_view kUpperHex = "0123456789ABCDEFX";

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  while (!s.empty()) {
    s.remove_prefix(static_cast<size_t>(util::DecodeRune(s).width));
    ++n;
  }
  return n;
}

// One verb's flags, width and precision, as fmt's internal state for a directive.
struct Spec {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool plus_v = false, sharp_v = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

class Printer {
 public:
  std::string out;
  Spec f;

  void WritePadding(int n) {
    if (n <= 0) return;
    out.append(static_cast<size_t>(n), f.zero ? '0' : ' ');
  }
  // Pads `s` to the width by rune count, left or right.
  void Pad(std::string_view s) {
    if (!f.wid_present || f.wid == 0) {
      out.append(s);
      return;
    }
    const int width = f.wid - static_cast<int>(RuneCount(s));
    if (!f.minus) {
      WritePadding(width);
      out.append(s);
    } else {
      out.append(s);
      WritePadding(width);
    }
  }

  void FmtBoolean(bool v) { Pad(v ? "true" : "false"); }

  void FmtInteger(uint64_t u, int base, bool is_signed, char verb, std::string_view digits) {
    const bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = 0 - u;
    int prec = 0;
    if (f.prec_present) {
      prec = f.prec;
      if (prec == 0 && u == 0) {
        const bool old_zero = f.zero;
        f.zero = false;
        WritePadding(f.wid);
        f.zero = old_zero;
        return;
      }
    } else if (f.zero && f.wid_present) {
      prec = f.wid;
      if (negative || f.plus || f.space) --prec;
    }
    std::string buf;  // built reversed
    do {
      buf.push_back(digits[u % static_cast<uint64_t>(base)]);
      u /= static_cast<uint64_t>(base);
    } while (u != 0);
    while (static_cast<int>(buf.size()) < prec) buf.push_back('0');
    if (f.sharp) {
      if (base == 2) {
        buf.append("b0");
      } else if (base == 8) {
        if (buf.back() != '0') buf.push_back('0');
      } else if (base == 16) {
        buf.push_back(digits[16]);
        buf.push_back('0');
      }
    }
    if (verb == 'O') buf.append("o0");
    if (negative) {
      buf.push_back('-');
    } else if (f.plus) {
      buf.push_back('+');
    } else if (f.space) {
      buf.push_back(' ');
    }
    std::string s(buf.rbegin(), buf.rend());
    const bool old_zero = f.zero;
    f.zero = false;
    Pad(s);
    f.zero = old_zero;
  }

  void FmtFloat(double v, char verb, int prec) {
    if (f.prec_present) prec = f.prec;
    std::string num = "+";
    std::string digits = util::FormatFloat(v, verb, prec);
    if (digits[0] == '-' || digits[0] == '+') {
      num = digits;
    } else {
      num += digits;
    }
    if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      const bool old_zero = f.zero;
      f.zero = false;
      if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
      Pad(num);
      f.zero = old_zero;
      return;
    }
    if (f.sharp) {
      int want = 0;
      if (verb == 'g' || verb == 'G') want = prec == -1 ? 6 : prec;
      std::string tail;
      bool has_point = false, saw_nonzero = false;
      for (size_t i = 1; i < num.size(); ++i) {
        const char c = num[i];
        if (c == '.') {
          has_point = true;
        } else if (c == 'e' || c == 'E') {
          tail = num.substr(i);
          num.resize(i);
          break;
        } else {
          if (c != '0') saw_nonzero = true;
          if (saw_nonzero) --want;
        }
      }
      if (!has_point) {
        if (num.size() == 2 && num[1] == '0') --want;
        num.push_back('.');
      }
      while (want > 0) {
        num.push_back('0');
        --want;
      }
      num += tail;
    }
    if (f.plus || num[0] != '+') {
      if (f.zero && f.wid_present && f.wid > static_cast<int>(num.size())) {
        out.push_back(num[0]);
        WritePadding(f.wid - static_cast<int>(num.size()));
        out.append(num, 1);
        return;
      }
      Pad(num);
      return;
    }
    Pad(std::string_view(num).substr(1));
  }

  void FmtS(std::string_view s) {
    if (f.prec_present) {
      std::string_view rest = s;
      int n = 0;
      while (!rest.empty() && n < f.prec) {
        rest.remove_prefix(static_cast<size_t>(util::DecodeRune(rest).width));
        ++n;
      }
      s = s.substr(0, s.size() - rest.size());
    }
    Pad(s);
  }

  void FmtSx(std::string_view s, std::string_view digits) {
    size_t length = s.size();
    if (f.prec_present && static_cast<size_t>(f.prec) < length)
      length = static_cast<size_t>(f.prec);
    int width = static_cast<int>(2 * length);
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += static_cast<int>(length) - 1;
      } else if (f.sharp) {
        width += 2;
      }
    } else {
      if (f.wid_present) WritePadding(f.wid);
      return;
    }
    if (f.wid_present && f.wid > width && !f.minus) WritePadding(f.wid - width);
    if (f.sharp) {
      out.push_back('0');
      out.push_back(digits[16]);
    }
    for (size_t i = 0; i < length; ++i) {
      if (f.space && i > 0) {
        out.push_back(' ');
        if (f.sharp) {
          out.push_back('0');
          out.push_back(digits[16]);
        }
      }
      const auto c = static_cast<unsigned char>(s[i]);
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xF]);
    }
    if (f.wid_present && f.wid > width && f.minus) WritePadding(f.wid - width);
  }

  void FmtQ(std::string_view s) {
    if (f.prec_present) {
      std::string_view rest = s;
      int n = 0;
      while (!rest.empty() && n < f.prec) {
        rest.remove_prefix(static_cast<size_t>(util::DecodeRune(rest).width));
        ++n;
      }
      s = s.substr(0, s.size() - rest.size());
    }
    if (f.sharp && s.find('`') == std::string_view::npos && util::IsValidUtf8(s)) {
      bool can = true;
      for (std::string_view rest = s; !rest.empty();) {
        const util::DecodedRune r = util::DecodeRune(rest);
        rest.remove_prefix(static_cast<size_t>(r.width));
        if ((r.rune < ' ' && r.rune != '\t') || r.rune == 0x7F || r.rune == 0xFEFF) can = false;
      }
      if (can) {
        Pad("`" + std::string(s) + "`");
        return;
      }
    }
    Pad(util::GoQuote(s));
  }

  void FmtC(uint64_t c) {
    char32_t r = c > util::kMaxRune ? util::kRuneError : static_cast<char32_t>(c);
    std::string s;
    util::AppendRune(s, r);
    Pad(s);
  }

  void FmtQc(uint64_t c) {
    char32_t r = c > util::kMaxRune ? util::kRuneError : static_cast<char32_t>(c);
    Pad(util::GoQuoteRune(r));
  }

  void FmtUnicode(uint64_t u) {
    std::string s = "U+";
    std::string hex;
    uint64_t v = u;
    do {
      hex.push_back(kUpperHex[v & 0xF]);
      v >>= 4;
    } while (v != 0);
    int prec = 4;
    if (f.prec_present && f.prec > 4) prec = f.prec;
    while (static_cast<int>(hex.size()) < prec) hex.push_back('0');
    s.append(hex.rbegin(), hex.rend());
    if (f.sharp && u <= util::kMaxRune && util::IsPrint(static_cast<char32_t>(u))) {
      s += " '";
      util::AppendRune(s, static_cast<char32_t>(u));
      s += "'";
    }
    const bool old_zero = f.zero;
    f.zero = false;
    Pad(s);
    f.zero = old_zero;
  }

  void BadVerb(std::string_view verb, const Value& arg) {
    out += "%!";
    out += verb;
    out += '(';
    if (arg.is_nil()) {
      out += "<nil>";
    } else {
      out += arg.TypeName();
      out += '=';
      Spec saved = f;
      f = Spec{};
      PrintArg(arg, "v");
      f = saved;
    }
    out += ')';
  }

  // Formats one operand with a verb (a whole rune, as fmt reads it).
  void PrintArg(const Value& arg, std::string_view verb) {
    const char v = verb.size() == 1 ? verb[0] : '\0';
    if (v == 'T') {
      FmtS(arg.is_nil() ? "<nil>" : arg.TypeName());
      return;
    }
    switch (arg.kind()) {
      case Value::Kind::kNil:
        if (v == 'v') {
          Pad("<nil>");
        } else {
          BadVerb(verb, arg);
        }
        return;
      case Value::Kind::kBool:
        if (v == 't' || v == 'v') {
          FmtBoolean(arg.AsBool());
        } else {
          BadVerb(verb, arg);
        }
        return;
      case Value::Kind::kInt: {
        const auto u = static_cast<uint64_t>(arg.AsInt());
        switch (v) {
          case 'v':
          case 'd':
            FmtInteger(u, 10, true, v, kLowerHex);
            return;
          case 'b':
            FmtInteger(u, 2, true, v, kLowerHex);
            return;
          case 'o':
          case 'O':
            FmtInteger(u, 8, true, v, kLowerHex);
            return;
          case 'x':
            FmtInteger(u, 16, true, v, kLowerHex);
            return;
          case 'X':
            FmtInteger(u, 16, true, v, kUpperHex);
            return;
          case 'c':
            FmtC(u);
            return;
          case 'q':
            FmtQc(u);
            return;
          case 'U':
            FmtUnicode(u);
            return;
          default:
            BadVerb(verb, arg);
            return;
        }
      }
      case Value::Kind::kFloat:
        switch (v) {
          case 'v':
            FmtFloat(arg.AsFloat(), 'g', -1);
            return;
          case 'g':
          case 'G':
            FmtFloat(arg.AsFloat(), v, -1);
            return;
          case 'f':
          case 'e':
          case 'E':
            FmtFloat(arg.AsFloat(), v, 6);
            return;
          case 'F':
            FmtFloat(arg.AsFloat(), 'f', 6);
            return;
          default:
            BadVerb(verb, arg);
            return;
        }
      case Value::Kind::kString:
        switch (v) {
          case 'v':
            if (f.sharp_v) {
              FmtQ(arg.AsString());
            } else {
              FmtS(arg.AsString());
            }
            return;
          case 's':
            FmtS(arg.AsString());
            return;
          case 'x':
            FmtSx(arg.AsString(), kLowerHex);
            return;
          case 'X':
            FmtSx(arg.AsString(), kUpperHex);
            return;
          case 'q':
            FmtQ(arg.AsString());
            return;
          default:
            BadVerb(verb, arg);
            return;
        }
      case Value::Kind::kList: {
        // Slices print element by element with the same verb, as fmt's printValue.
        out.push_back('[');
        bool first = true;
        for (const Value& item : arg.AsList()) {
          if (!first) out.push_back(' ');
          first = false;
          PrintArg(item, verb);
        }
        out.push_back(']');
        return;
      }
      case Value::Kind::kMap: {
        out += "map[";
        bool first = true;
        for (const auto& [key, val] : arg.map().entries) {
          if (!first) out.push_back(' ');
          first = false;
          PrintArg(Value(key), verb);
          out.push_back(':');
          PrintArg(val, verb);
        }
        out.push_back(']');
        return;
      }
      case Value::Kind::kHost: {
        const std::string s = arg.host().Format();
        switch (v) {
          case 'v':
          case 's':
            FmtS(s);
            return;
          case 'q':
            FmtQ(s);
            return;
          case 'x':
            FmtSx(s, kLowerHex);
            return;
          case 'X':
            FmtSx(s, kUpperHex);
            return;
          default:
            BadVerb(verb, arg);
            return;
        }
      }
    }
  }
};

bool TooLarge(int x) { return x > 1'000'000 || x < -1'000'000; }

// Parses decimal digits at format[i..]; like fmt's parsenum, an over-large number stops the
// directive by jumping to the end of the format.
bool ParseNum(std::string_view format, size_t& i, int& num) {
  num = 0;
  bool present = false;
  while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
    if (TooLarge(num)) {
      i = format.size();
      num = 0;
      return false;
    }
    num = num * 10 + (format[i] - '0');
    present = true;
    ++i;
  }
  return present;
}

bool IntFromArg(std::span<const Value> args, size_t& arg_num, int& num) {
  num = 0;
  if (arg_num >= args.size()) return false;
  const Value& a = args[arg_num];
  ++arg_num;
  if (a.kind() != Value::Kind::kInt) return false;
  const int64_t v = a.AsInt();
  if (v > 1'000'000 || v < -1'000'000) return false;
  num = static_cast<int>(v);
  return true;
}

}  // namespace

std::string GoSprintf(std::string_view format, std::span<const Value> args) {
  Printer p;
  size_t arg_num = 0;
  const size_t end = format.size();
  for (size_t i = 0; i < end;) {
    const size_t last = i;
    while (i < end && format[i] != '%') ++i;
    if (i > last) p.out.append(format.substr(last, i - last));
    if (i >= end) break;
    ++i;  // the '%'
    p.f = Spec{};
    bool simple_done = false;
    for (; i < end; ++i) {
      const char c = format[i];
      if (c == '#') {
        p.f.sharp = true;
      } else if (c == '0') {
        p.f.zero = !p.f.minus;
      } else if (c == '+') {
        p.f.plus = true;
      } else if (c == '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c == ' ') {
        p.f.space = true;
      } else {
        if (c >= 'a' && c <= 'z' && arg_num < args.size()) {
          if (c == 'v') {
            p.f.sharp_v = p.f.sharp;
            p.f.sharp = false;
            p.f.plus_v = p.f.plus;
            p.f.plus = false;
          }
          p.PrintArg(args[arg_num], format.substr(i, 1));
          ++arg_num;
          ++i;
          simple_done = true;
        }
        break;
      }
    }
    if (simple_done) continue;
    // Width.
    if (i < end && format[i] == '*') {
      ++i;
      p.f.wid_present = IntFromArg(args, arg_num, p.f.wid);
      if (!p.f.wid_present) p.out += "%!(BADWIDTH)";
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
    } else {
      p.f.wid_present = ParseNum(format, i, p.f.wid);
    }
    // Precision.
    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (i < end && format[i] == '*') {
        ++i;
        p.f.prec_present = IntFromArg(args, arg_num, p.f.prec);
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.prec_present = false;
        }
        if (!p.f.prec_present) p.out += "%!(BADPREC)";
      } else {
        p.f.prec_present = ParseNum(format, i, p.f.prec);
        if (!p.f.prec_present) {
          p.f.prec = 0;
          p.f.prec_present = true;
        }
      }
    }
    if (i >= end) {
      p.out += "%!(NOVERB)";
      break;
    }
    const util::DecodedRune r = util::DecodeRune(format.substr(i));
    const std::string_view verb = format.substr(i, static_cast<size_t>(r.width));
    i += static_cast<size_t>(r.width);
    if (verb == "%") {
      p.out.push_back('%');
    } else if (arg_num >= args.size()) {
      p.out += "%!";
      p.out += verb;
      p.out += "(MISSING)";
    } else {
      if (verb == "v") {
        p.f.sharp_v = p.f.sharp;
        p.f.sharp = false;
        p.f.plus_v = p.f.plus;
        p.f.plus = false;
      }
      p.PrintArg(args[arg_num], verb);
      ++arg_num;
    }
  }
  if (arg_num < args.size()) {
    p.f = Spec{};
    p.out += "%!(EXTRA ";
    for (size_t k = arg_num; k < args.size(); ++k) {
      if (k > arg_num) p.out += ", ";
      if (args[k].is_nil()) {
        p.out += "<nil>";
      } else {
        p.out += args[k].TypeName();
        p.out += '=';
        p.PrintArg(args[k], "v");
      }
    }
    p.out += ')';
  }
  return std::move(p.out);
}

std::string GoSprint(std::span<const Value> args) {
  Printer p;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool is_string = args[i].kind() == Value::Kind::kString;
    if (i > 0 && !is_string && !prev_string) p.out.push_back(' ');
    p.PrintArg(args[i], "v");
    prev_string = is_string;
  }
  return std::move(p.out);
}

std::string GoSprintln(std::span<const Value> args) {
  Printer p;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) p.out.push_back(' ');
    p.PrintArg(args[i], "v");
  }
  p.out.push_back('\n');
  return std::move(p.out);
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string JsEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\'':
          out += "\\'";
          break;
        case '"':
          out += "\\\"";
          break;
        case '<':
          out += "\\u003C";
          break;
        case '>':
          out += "\\u003E";
          break;
        case '&':
          out += "\\u0026";
          break;
        case '=':
          out += "\\u003D";
          break;
        default:
          if (c < ' ') {
            out += "\\u00";
            out.push_back(kUpperHex[c >> 4]);
            out.push_back(kUpperHex[c & 0xF]);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const util::DecodedRune r = util::DecodeRune(s.substr(i));
    if (util::IsPrint(r.rune)) {
      out.append(s.substr(i, static_cast<size_t>(r.width)));
    } else {
      std::string hex;
      for (uint32_t v = r.rune; v != 0 || hex.empty(); v >>= 4) hex.push_back(kUpperHex[v & 0xF]);
      while (hex.size() < 4) hex.push_back('0');
      out += "\\u";
      out.append(hex.rbegin(), hex.rend());
    }
    i += static_cast<size_t>(r.width);
  }
  return out;
}

}  // namespace promkit::tmpl
