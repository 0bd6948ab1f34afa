#include "util/json_string.h"

#include "util/strings.h"

namespace promkit::util {

void AppendJsonString(std::string& out, std::string_view s, JsonDialect dialect) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool html = dialect != JsonDialect::kJsoniterRaw;
  out += '"';
  size_t start = 0;  // first byte not yet copied
  size_t i = 0;
  auto flush = [&] { out.append(s.substr(start, i - start)); };
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      const bool special =
          b < 0x20 || b == '"' || b == '\\' || (html && (b == '<' || b == '>' || b == '&'));
      if (!special) {
        ++i;
        continue;
      }
      flush();
      switch (b) {
        case '"':
        case '\\':
          out += '\\';
          out += static_cast<char>(b);
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
        case '\f':
          if (dialect == JsonDialect::kGoStd) {
            out += b == '\b' ? "\\b" : "\\f";
            break;
          }
          [[fallthrough]];
        default:
          out += "\\u00";
          out += kHex[b >> 4];
          out += kHex[b & 0xF];
      }
      start = ++i;
      continue;
    }
    if (!html) {  // kJsoniterRaw copies non-ASCII bytes unchecked
      ++i;
      continue;
    }
    DecodedRune r = DecodeRune(s.substr(i));
    if (r.rune == kRuneError && r.width == 1) {
      flush();
      out += "\\ufffd";
      start = ++i;
      continue;
    }
    if (r.rune == 0x2028 || r.rune == 0x2029) {
      flush();
      out += "\\u202";
      out += kHex[r.rune & 0xF];
      i += static_cast<size_t>(r.width);
      start = i;
      continue;
    }
    i += static_cast<size_t>(r.width);
  }
  flush();
  out += '"';
}

std::string JsonString(std::string_view s, JsonDialect dialect) {
  std::string out;
  AppendJsonString(out, s, dialect);
  return out;
}

}  // namespace promkit::util
