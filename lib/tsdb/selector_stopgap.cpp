#include "tsdb/selector_stopgap.h"

#include <string>

#include <fmt/core.h>

#include "util/strings.h"

namespace promkit::tsdb {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  util::Result<std::vector<model::Matcher>> Parse() {
    std::vector<model::Matcher> out;
    SkipSpace();
    std::string name;
    if (pos_ < in_.size() && (IsIdentStart(in_[pos_]) || in_[pos_] == ':')) {
      size_t start = pos_;
      while (pos_ < in_.size() && (IsIdentChar(in_[pos_]) || in_[pos_] == ':')) ++pos_;
      name = std::string(in_.substr(start, pos_ - start));
      PROMKIT_ASSIGN_OR_RETURN(model::Matcher m,
                               model::Matcher::Make(model::MatchType::kEqual, "__name__", name));
      out.push_back(std::move(m));
      SkipSpace();
    }
    if (pos_ < in_.size() && in_[pos_] == '{') {
      ++pos_;
      PROMKIT_RETURN_IF_ERROR(ParseBraces(out, !name.empty()));
      SkipSpace();
    } else if (name.empty()) {
      return Error(pos_ < in_.size()
                       ? fmt::format("unexpected character: {}",
                                     util::GoQuoteRune(static_cast<unsigned char>(in_[pos_])))
                       : std::string("unexpected end of input"));
    }
    if (pos_ < in_.size()) {
      return Error(fmt::format("unexpected character after selector: {}",
                               util::GoQuoteRune(static_cast<unsigned char>(in_[pos_]))));
    }
    // As upstream's ParseMetricSelector, no non-empty matcher is required (the PromQL
    // expression check that demands one does not run for bare selectors).
    return out;
  }

 private:
  util::Status Error(std::string what) const {
    return util::Status::InvalidArgument(fmt::format("1:{}: parse error: {}", pos_ + 1, what));
  }

  void SkipSpace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  util::Status ParseBraces(std::vector<model::Matcher>& out, bool have_name) {
    while (true) {
      SkipSpace();
      if (pos_ >= in_.size()) return Error("unexpected end of input inside braces");
      if (in_[pos_] == '}') {
        ++pos_;
        return util::Status::Ok();
      }
      std::string label;
      bool quoted = false;
      if (IsIdentStart(in_[pos_])) {
        size_t start = pos_;
        while (pos_ < in_.size() && IsIdentChar(in_[pos_])) ++pos_;
        label = std::string(in_.substr(start, pos_ - start));
      } else if (in_[pos_] == '"' || in_[pos_] == '\'' || in_[pos_] == '`') {
        PROMKIT_ASSIGN_OR_RETURN(label, ParseString());
        quoted = true;
      } else {
        return Error(fmt::format("unexpected character inside braces: {}",
                                 util::GoQuoteRune(static_cast<unsigned char>(in_[pos_]))));
      }
      SkipSpace();
      if (quoted && pos_ < in_.size() && (in_[pos_] == ',' || in_[pos_] == '}')) {
        // A lone quoted string is the metric name (UTF-8 names in Prometheus 3).
        if (have_name) return Error("metric name must not be set twice");
        have_name = true;
        PROMKIT_ASSIGN_OR_RETURN(model::Matcher m,
                                 model::Matcher::Make(model::MatchType::kEqual, "__name__", label));
        out.push_back(std::move(m));
      } else {
        model::MatchType type;
        std::string_view rest = in_.substr(pos_);
        if (rest.substr(0, 2) == "=~") {
          type = model::MatchType::kRegexMatch;
          pos_ += 2;
        } else if (rest.substr(0, 2) == "!~") {
          type = model::MatchType::kRegexNoMatch;
          pos_ += 2;
        } else if (rest.substr(0, 2) == "!=") {
          type = model::MatchType::kNotEqual;
          pos_ += 2;
        } else if (rest.substr(0, 1) == "=") {
          type = model::MatchType::kEqual;
          pos_ += 1;
        } else {
          return Error(
              fmt::format("unexpected {} in label matching, expected label matching "
                          "operator",
                          rest.empty() ? std::string("end of input")
                                       : util::GoQuoteRune(static_cast<unsigned char>(rest[0]))));
        }
        SkipSpace();
        if (pos_ >= in_.size() || (in_[pos_] != '"' && in_[pos_] != '\'' && in_[pos_] != '`')) {
          return Error(fmt::format("unexpected {} in label matching, expected string",
                                   pos_ >= in_.size() ? std::string("end of input")
                                                      : util::GoQuote(in_.substr(pos_, 1))));
        }
        PROMKIT_ASSIGN_OR_RETURN(std::string value, ParseString());
        if (label == "__name__" && have_name && type == model::MatchType::kEqual) {
          return Error("metric name must not be set twice");
        }
        util::Result<model::Matcher> m = model::Matcher::Make(type, label, value);
        if (!m.ok()) return Error(m.status().ToString());
        out.push_back(std::move(*m));
      }
      SkipSpace();
      if (pos_ < in_.size() && in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < in_.size() && in_[pos_] == '}') continue;
      return Error("unexpected end of input inside braces, expected \",\" or \"}\"");
    }
  }

  // A Go string literal at pos_: "..." and '...' with escapes, `...` raw.
  util::Result<std::string> ParseString() {
    char q = in_[pos_++];
    std::string out;
    while (true) {
      if (pos_ >= in_.size()) return Error("unterminated quoted string");
      char c = in_[pos_++];
      if (c == q) return out;
      if (q == '`') {
        out.push_back(c);
        continue;
      }
      if (c == '\n') return Error("unterminated quoted string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= in_.size()) return Error("unterminated quoted string");
      char e = in_[pos_++];
      switch (e) {
        case 'a':
          out.push_back('\a');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'v':
          out.push_back('\v');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '"':
        case '\'':
          if (e != q) return Error("unknown escape sequence");
          out.push_back(e);
          break;
        case 'x':
        case 'u':
        case 'U': {
          int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t v = 0;
          for (int i = 0; i < digits; ++i) {
            int h = pos_ < in_.size() ? HexValue(in_[pos_]) : -1;
            if (h < 0) return Error("invalid escape sequence");
            v = v << 4 | static_cast<uint32_t>(h);
            ++pos_;
          }
          if (e == 'x') {
            out.push_back(static_cast<char>(v));
          } else {
            if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
              return Error("invalid Unicode code point in escape sequence");
            }
            util::AppendRune(out, static_cast<char32_t>(v));
          }
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            uint32_t v = static_cast<uint32_t>(e - '0');
            for (int i = 0; i < 2; ++i) {
              if (pos_ >= in_.size() || in_[pos_] < '0' || in_[pos_] > '7') {
                return Error("invalid escape sequence");
              }
              v = v * 8 + static_cast<uint32_t>(in_[pos_++] - '0');
            }
            if (v > 255) return Error("invalid escape sequence");
            out.push_back(static_cast<char>(v));
            break;
          }
          return Error("unknown escape sequence");
      }
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

util::Result<std::vector<model::Matcher>> ParseSelectorStopgap(std::string_view input) {
  return Parser(input).Parse();
}

}  // namespace promkit::tsdb
