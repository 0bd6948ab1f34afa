#include "alertmanager/matchers.h"

#include <algorithm>

#include <fmt/core.h>
#include <re2/re2.h>

#include "model/go_regexp.h"
#include "util/strings.h"

namespace promkit::alertmanager {

using util::Result;
using util::Status;

std::string_view MatchTypeString(MatchType t) {
  switch (t) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexp:
      return "=~";
    case MatchType::kNotRegexp:
      return "!~";
  }
  return "=";
}

Result<std::shared_ptr<const re2::RE2>> CompileAnchoredRegexp(std::string_view re) {
  std::string full = "^(?:" + std::string(re) + ")$";
  // Go checks the encoding first and names the rest of the pattern from the first bad byte.
  for (size_t i = 0; i < full.size();) {
    util::DecodedRune r = util::DecodeRune(std::string_view(full).substr(i));
    if (r.rune == util::kRuneError && r.width == 1) {
      return Status::InvalidArgument(
          fmt::format("error parsing regexp: invalid UTF-8: `{}`", full.substr(i)));
    }
    i += static_cast<size_t>(r.width);
  }
  RE2::Options opts;
  opts.set_encoding(RE2::Options::EncodingUTF8);
  opts.set_never_capture(true);
  opts.set_log_errors(false);
  opts.set_max_mem(int64_t{32} << 20);
  auto compiled = std::make_shared<RE2>(full, opts);
  if (!compiled->ok()) {
    std::string arg = compiled->error_arg();
    if (compiled->error_code() == RE2::ErrorMissingParen ||
        compiled->error_code() == RE2::ErrorUnexpectedParen) {
      arg = full;  // Go names the whole expression for unbalanced parentheses
    }
    return Status::InvalidArgument(fmt::format(
        "error parsing regexp: {}: `{}`", model::GoRegexpErrorText(compiled->error_code()), arg));
  }
  return std::shared_ptr<const RE2>(std::move(compiled));
}

Result<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  std::shared_ptr<const RE2> re;
  if (type == MatchType::kRegexp || type == MatchType::kNotRegexp) {
    PROMKIT_ASSIGN_OR_RETURN(re, CompileAnchoredRegexp(value));
  }
  return Matcher(type, std::move(name), std::move(value), std::move(re));
}

bool Matcher::Matches(std::string_view s) const {
  switch (type_) {
    case MatchType::kEqual:
      return s == value_;
    case MatchType::kNotEqual:
      return s != value_;
    case MatchType::kRegexp:
      return RE2::FullMatch(s, *re_);
    case MatchType::kNotRegexp:
      return !RE2::FullMatch(s, *re_);
  }
  return false;
}

namespace {

// The characters the UTF-8 parser does not allow unquoted (matcher/parse isReserved).
bool IsReservedRune(char32_t r) {
  if (util::IsSpace(r)) return true;
  static constexpr std::string_view kReserved = "{}!=~,\\\"'`";
  return r < 0x80 && kReserved.find(static_cast<char>(r)) != std::string_view::npos;
}

bool HasReserved(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    util::DecodedRune r = util::DecodeRune(s.substr(i));
    if (IsReservedRune(r.rune)) return true;
    i += static_cast<size_t>(r.width);
  }
  return false;
}

std::string OpenMetricsEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string Matcher::String() const {
  if (HasReserved(name_)) {
    return util::GoQuote(name_) + std::string(MatchTypeString(type_)) + util::GoQuote(value_);
  }
  return name_ + std::string(MatchTypeString(type_)) + "\"" + OpenMetricsEscape(value_) + "\"";
}

void SortMatchers(Matchers& ms) {
  std::stable_sort(ms.begin(), ms.end(), [](const Matcher& a, const Matcher& b) {
    if (a.name() != b.name()) return a.name() < b.name();
    if (a.value() != b.value()) return a.value() < b.value();
    return a.type() < b.type();
  });
}

bool MatchesAll(const Matchers& ms, const LabelSet& labels) {
  static const std::string kEmpty;
  for (const Matcher& m : ms) {
    auto it = labels.find(m.name());
    if (!m.Matches(it == labels.end() ? kEmpty : it->second)) return false;
  }
  return true;
}

std::string MatchersString(const Matchers& ms) {
  std::string out = "{";
  for (size_t i = 0; i < ms.size(); ++i) {
    if (i > 0) out += ',';
    out += ms[i].String();
  }
  return out + "}";
}

bool IsClassicLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name, MatcherMode mode) {
  if (mode == MatcherMode::kClassic) return IsClassicLabelName(name);
  return !name.empty() && util::IsValidUtf8(name);
}

// ---------------------------------------------------------------------------------------------
// The classic parser.

namespace {

// Go's regexp \s: [\t\n\f\r ].
bool IsReSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

}  // namespace

Result<Matcher> ParseClassicMatcher(std::string_view s) {
  // ^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$
  auto bad = [&] { return Status::InvalidArgument(fmt::format("bad matcher format: {}", s)); };
  size_t i = 0;
  while (i < s.size() && IsReSpace(s[i])) ++i;
  size_t name_start = i;
  auto name_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
  };
  if (i >= s.size() || !name_char(s[i], true)) return bad();
  while (i < s.size() && name_char(s[i], false)) ++i;
  std::string name(s.substr(name_start, i - name_start));
  while (i < s.size() && IsReSpace(s[i])) ++i;
  MatchType type;
  if (s.substr(i, 2) == "=~") {
    type = MatchType::kRegexp;
    i += 2;
  } else if (s.substr(i, 1) == "=") {
    type = MatchType::kEqual;
    i += 1;
  } else if (s.substr(i, 2) == "!=") {
    type = MatchType::kNotEqual;
    i += 2;
  } else if (s.substr(i, 2) == "!~") {
    type = MatchType::kNotRegexp;
    i += 2;
  } else {
    return bad();
  }
  while (i < s.size() && IsReSpace(s[i])) ++i;
  size_t end = s.size();
  while (end > i && IsReSpace(s[end - 1])) --end;
  std::string_view raw_full = s.substr(i, end - i);
  std::string_view raw = raw_full;
  bool expect_trailing_quote = false;
  if (!raw.empty() && raw[0] == '"') {
    raw.remove_prefix(1);
    expect_trailing_quote = true;
  }
  if (!util::IsValidUtf8(raw)) {
    return Status::InvalidArgument(fmt::format("matcher value not valid UTF-8: {}", raw_full));
  }
  std::string value;
  bool escaped = false;
  for (size_t j = 0; j < raw.size(); ++j) {
    char c = raw[j];
    if (escaped) {
      escaped = false;
      if (c == 'n') {
        value += '\n';
      } else if (c == '"' || c == '\\') {
        value += c;
      } else {
        value += '\\';
        value += c;
      }
      continue;
    }
    if (c == '\\') {
      if (j < raw.size() - 1) {
        escaped = true;
        continue;
      }
      value += '\\';
    } else if (c == '"') {
      if (!expect_trailing_quote || j < raw.size() - 1) {
        return Status::InvalidArgument(
            fmt::format("matcher value contains unescaped double quote: {}", raw_full));
      }
      expect_trailing_quote = false;
    } else {
      value += c;
    }
  }
  if (expect_trailing_quote) {
    return Status::InvalidArgument(
        fmt::format("matcher value contains unescaped double quote: {}", raw_full));
  }
  return Matcher::Make(type, std::move(name), std::move(value));
}

Result<Matchers> ParseClassicMatchers(std::string_view s) {
  if (!s.empty() && s.front() == '{') s.remove_prefix(1);
  if (!s.empty() && s.back() == '}') s.remove_suffix(1);
  std::vector<std::string> tokens;
  std::string token;
  bool inside_quotes = false;
  bool escaped = false;
  for (size_t i = 0; i < s.size();) {
    util::DecodedRune r = util::DecodeRune(s.substr(i));
    i += static_cast<size_t>(r.width);
    if (r.rune == ',') {
      if (!inside_quotes) {
        tokens.push_back(std::move(token));
        token.clear();
        continue;
      }
    } else if (r.rune == '"') {
      if (!escaped) {
        inside_quotes = !inside_quotes;
      } else {
        escaped = false;
      }
    } else if (r.rune == '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    util::AppendRune(token, r.rune);  // invalid bytes become U+FFFD, as Go's range loop does
  }
  if (std::string_view last = util::TrimSpace(token); !last.empty()) {
    tokens.emplace_back(last);
  }
  Matchers out;
  for (const std::string& t : tokens) {
    PROMKIT_ASSIGN_OR_RETURN(Matcher m, ParseClassicMatcher(t));
    out.push_back(std::move(m));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The UTF-8 parser: a lexer of tokens with rune columns, and a small state machine.

namespace {

enum class Tok {
  kEof,
  kOpenBrace,
  kCloseBrace,
  kComma,
  kEquals,
  kNotEquals,
  kMatches,
  kNotMatches,
  kQuoted,
  kUnquoted
};

struct Token {
  Tok kind = Tok::kEof;
  std::string value;
  int col_start = 0;
  int col_end = 0;
};

// Go's strconv.Unquote for a double-quoted literal.
bool GoUnquote(std::string_view s, std::string& out) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  s = s.substr(1, s.size() - 2);
  out.clear();
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '"' || c == '\n') return false;
    if (c != '\\') {
      util::DecodedRune r = util::DecodeRune(s.substr(i));
      if (r.rune == util::kRuneError && r.width == 1) {
        util::AppendRune(out, util::kRuneError);  // as Go's UnquoteChar decodes it
      } else {
        out.append(s.substr(i, static_cast<size_t>(r.width)));
      }
      i += static_cast<size_t>(r.width);
      continue;
    }
    if (i + 1 >= s.size()) return false;
    char e = s[i + 1];
    i += 2;
    switch (e) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > s.size()) return false;
        uint32_t v = 0;
        for (size_t k = 0; k < n; ++k) {
          int h = hex(s[i + k]);
          if (h < 0) return false;
          v = v * 16 + static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          out += static_cast<char>(v);
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) return false;
          util::AppendRune(out, v);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          if (i + 2 > s.size()) return false;
          uint32_t v = static_cast<uint32_t>(e - '0');
          for (size_t k = 0; k < 2; ++k) {
            char d = s[i + k];
            if (d < '0' || d > '7') return false;
            v = v * 8 + static_cast<uint32_t>(d - '0');
          }
          if (v > 255) return false;
          i += 2;
          out += static_cast<char>(v);
          break;
        }
        return false;
    }
  }
  return true;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  Status Scan(Token& t) {
    t = Token{};
    if (!err_.ok()) return err_;
    for (char32_t r = Next(); r != kEof; r = Next()) {
      if (r == '{') {
        t = Emit(Tok::kOpenBrace);
        return err_;
      }
      if (r == '}') {
        t = Emit(Tok::kCloseBrace);
        return err_;
      }
      if (r == ',') {
        t = Emit(Tok::kComma);
        return err_;
      }
      if (r == '=' || r == '!') {
        Rewind();
        err_ = ScanOperator(t);
        return err_;
      }
      if (r == '"') {
        Rewind();
        err_ = ScanQuoted(t);
        return err_;
      }
      if (!IsReservedRune(r)) {
        Rewind();
        ScanUnquoted(t);
        return err_;
      }
      if (util::IsSpace(r)) {
        start_ = pos_;
        column_ = cols_;
        continue;
      }
      err_ = Status::InvalidArgument(fmt::format("{}:{}: {}: invalid input", column_, cols_,
                                                 input_.substr(start_, pos_ - start_)));
      return err_;
    }
    return err_;
  }

  Status Peek(Token& t) {
    size_t start = start_, pos = pos_, width = width_;
    int column = column_, cols = cols_;
    Status st = Scan(t);
    start_ = start;
    pos_ = pos;
    width_ = width;
    column_ = column;
    cols_ = cols;
    return st;
  }

  int cols() const { return cols_; }

 private:
  static constexpr char32_t kEof = 0xFFFFFFFF;

  char32_t Next() {
    if (pos_ >= input_.size()) {
      width_ = 0;
      return kEof;
    }
    util::DecodedRune r = util::DecodeRune(input_.substr(pos_));
    width_ = static_cast<size_t>(r.width);
    pos_ += width_;
    ++cols_;
    return r.rune;
  }
  void Rewind() {
    pos_ -= width_;
    if (width_ > 0) --cols_;
  }
  bool Accept(std::string_view valid) {
    char32_t r = Next();
    if (r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
    Rewind();
    return false;
  }
  Token Emit(Tok kind) {
    Token t;
    t.kind = kind;
    t.value = std::string(input_.substr(start_, pos_ - start_));
    t.col_start = column_;
    t.col_end = cols_;
    start_ = pos_;
    column_ = cols_;
    return t;
  }
  Status Expected(std::string_view expected) const {
    if (pos_ >= input_.size()) {
      return Status::InvalidArgument(fmt::format(
          "{}:{}: unexpected end of input, expected one of '{}'", column_, cols_, expected));
    }
    return Status::InvalidArgument(fmt::format("{}:{}: {}: expected one of '{}'", column_, cols_,
                                               input_.substr(start_, pos_ - start_), expected));
  }
  Status ScanOperator(Token& t) {
    if (Accept("!")) {
      if (Accept("=")) {
        t = Emit(Tok::kNotEquals);
        return Status::Ok();
      }
      if (Accept("~")) {
        t = Emit(Tok::kNotMatches);
        return Status::Ok();
      }
      return Expected("=~");
    }
    if (Accept("=")) {
      t = Emit(Accept("~") ? Tok::kMatches : Tok::kEquals);
      return Status::Ok();
    }
    return Expected("!=");
  }
  Status ScanQuoted(Token& t) {
    if (!Accept("\"")) return Expected("\"");
    bool escaped = false;
    for (char32_t r = Next(); r != kEof; r = Next()) {
      if (escaped) {
        escaped = false;
      } else if (r == '\\') {
        escaped = true;
      } else if (r == '"') {
        Rewind();
        break;
      }
    }
    if (!Accept("\"")) {
      return Status::InvalidArgument(fmt::format("{}:{}: {}: missing end \"", column_, cols_,
                                                 input_.substr(start_, pos_ - start_)));
    }
    t = Emit(Tok::kQuoted);
    return Status::Ok();
  }
  void ScanUnquoted(Token& t) {
    for (char32_t r = Next(); r != kEof; r = Next()) {
      if (IsReservedRune(r)) {
        Rewind();
        break;
      }
    }
    t = Emit(Tok::kUnquoted);
  }

  std::string_view input_;
  Status err_;
  size_t start_ = 0;
  size_t pos_ = 0;
  size_t width_ = 0;
  int column_ = 0;
  int cols_ = 0;
};

const Status& EofError() {
  static const Status kEofStatus = Status::InvalidArgument("end of input");
  return kEofStatus;
}

class Utf8Parser {
 public:
  explicit Utf8Parser(std::string_view input) : lexer_(input) {}

  Result<Matchers> Parse() {
    enum class State { kOpenBrace, kCloseBrace, kMatcher, kEndOfMatcher, kComma, kEof, kDone };
    State state = State::kOpenBrace;
    while (state != State::kDone) {
      Status st;
      switch (state) {
        case State::kOpenBrace: {
          bool eof = false;
          has_open_brace_ = Accept({Tok::kOpenBrace}, eof, st);
          if (eof) {
            state = State::kEof;
            break;
          }
          if (!st.ok()) return st;
          bool close = AcceptPeek({Tok::kCloseBrace}, eof, st);
          if (eof) {
            state = State::kCloseBrace;
            break;
          }
          if (!st.ok()) return st;
          state = close ? State::kCloseBrace : State::kMatcher;
          break;
        }
        case State::kCloseBrace: {
          Token t;
          bool eof = false;
          st = Expect({Tok::kCloseBrace}, t, eof);
          if (has_open_brace_) {
            if (!st.ok()) {
              return Status::InvalidArgument(
                  fmt::format("0:{}: {}: expected close brace", lexer_.cols(), st.message()));
            }
          } else if (st.ok()) {
            return Status::InvalidArgument(
                fmt::format("0:{}: }}: expected opening brace", lexer_.cols()));
          }
          state = State::kEof;
          break;
        }
        case State::kMatcher: {
          PROMKIT_RETURN_IF_ERROR(ParseOne());
          state = State::kEndOfMatcher;
          break;
        }
        case State::kEndOfMatcher: {
          Token t;
          bool eof = false;
          st = ExpectPeek({Tok::kComma, Tok::kCloseBrace}, t, eof);
          if (eof) {
            state = State::kCloseBrace;
            break;
          }
          if (!st.ok()) {
            return Status::InvalidArgument(
                fmt::format("{}: expected a comma or close brace", st.message()));
          }
          state = t.kind == Tok::kComma ? State::kComma : State::kCloseBrace;
          break;
        }
        case State::kComma: {
          Token t;
          bool eof = false;
          st = Expect({Tok::kComma}, t, eof);
          if (!st.ok())
            return Status::InvalidArgument(fmt::format("{}: expected a comma", st.message()));
          st = ExpectPeek({Tok::kCloseBrace, Tok::kUnquoted, Tok::kQuoted}, t, eof);
          if (eof) {
            state = State::kCloseBrace;
            break;
          }
          if (!st.ok()) {
            return Status::InvalidArgument(
                fmt::format("{}: expected a matcher or close brace after comma", st.message()));
          }
          state = t.kind == Tok::kCloseBrace ? State::kCloseBrace : State::kMatcher;
          break;
        }
        case State::kEof: {
          Token t;
          st = lexer_.Scan(t);
          if (!st.ok()) {
            return Status::InvalidArgument(fmt::format("{}: expected end of input", st.message()));
          }
          if (t.kind != Tok::kEof) {
            return Status::InvalidArgument(
                fmt::format("{}:{}: {}: expected end of input", t.col_start, t.col_end, t.value));
          }
          state = State::kDone;
          break;
        }
        case State::kDone:
          break;
      }
    }
    return std::move(matchers_);
  }

 private:
  static bool OneOf(Tok k, std::initializer_list<Tok> kinds) {
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
  }
  // acceptPeek: eof set at the end of input (upstream's errEOF).
  bool AcceptPeek(std::initializer_list<Tok> kinds, bool& eof, Status& st) {
    Token t;
    st = lexer_.Peek(t);
    eof = false;
    if (!st.ok()) return false;
    if (t.kind == Tok::kEof) {
      eof = true;
      st = EofError();
      return false;
    }
    return OneOf(t.kind, kinds);
  }
  bool Accept(std::initializer_list<Tok> kinds, bool& eof, Status& st) {
    bool ok = AcceptPeek(kinds, eof, st);
    if (ok) {
      Token t;
      (void)lexer_.Scan(t);
    }
    return ok;
  }
  Status ExpectPeek(std::initializer_list<Tok> kinds, Token& t, bool& eof) {
    eof = false;
    Status st = lexer_.Peek(t);
    if (!st.ok()) return st;
    if (t.kind == Tok::kEof) {
      eof = true;
      return EofError();
    }
    if (!OneOf(t.kind, kinds)) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: unexpected {}", t.col_start, t.col_end, t.value));
    }
    return Status::Ok();
  }
  Status Expect(std::initializer_list<Tok> kinds, Token& t, bool& eof) {
    PROMKIT_RETURN_IF_ERROR(ExpectPeek(kinds, t, eof));
    Token unused;
    (void)lexer_.Scan(unused);
    return Status::Ok();
  }
  static Status Unquote(const Token& t, std::string& out) {
    if (t.kind != Tok::kQuoted) {
      out = t.value;
      return Status::Ok();
    }
    if (!GoUnquote(t.value, out) || !util::IsValidUtf8(out)) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: {}: invalid input", t.col_start, t.col_end, t.value));
    }
    return Status::Ok();
  }
  Status ParseOne() {
    Token t;
    bool eof = false;
    Status st = Expect({Tok::kQuoted, Tok::kUnquoted}, t, eof);
    if (!st.ok())
      return Status::InvalidArgument(fmt::format("{}: expected label name", st.message()));
    std::string name;
    PROMKIT_RETURN_IF_ERROR(Unquote(t, name));
    st = Expect({Tok::kEquals, Tok::kNotEquals, Tok::kMatches, Tok::kNotMatches}, t, eof);
    if (!st.ok()) {
      return Status::InvalidArgument(
          fmt::format("{}: expected an operator such as '=', '!=', '=~' or '!~'", st.message()));
    }
    MatchType type = t.kind == Tok::kEquals      ? MatchType::kEqual
                     : t.kind == Tok::kNotEquals ? MatchType::kNotEqual
                     : t.kind == Tok::kMatches   ? MatchType::kRegexp
                                                 : MatchType::kNotRegexp;
    st = Expect({Tok::kUnquoted, Tok::kQuoted}, t, eof);
    if (!st.ok())
      return Status::InvalidArgument(fmt::format("{}: expected label value", st.message()));
    std::string value;
    PROMKIT_RETURN_IF_ERROR(Unquote(t, value));
    auto m = Matcher::Make(type, std::move(name), std::move(value));
    if (!m.ok()) {
      return Status::InvalidArgument(
          fmt::format("failed to create matcher: {}", m.status().message()));
    }
    matchers_.push_back(std::move(*m));
    return Status::Ok();
  }

  Lexer lexer_;
  bool has_open_brace_ = false;
  Matchers matchers_;
};

bool SameMatchers(const Matchers& a, const Matchers& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i])) return false;
  }
  return true;
}

Status BraceError(std::string_view s) {
  return Status::InvalidArgument(fmt::format("unexpected open or close brace: {}", s));
}

bool HasBrace(std::string_view s) {
  return (!s.empty() && s.front() == '{') || (!s.empty() && s.back() == '}');
}

}  // namespace

Result<Matchers> ParseUtf8Matchers(std::string_view s) { return Utf8Parser(s).Parse(); }

Result<Matcher> ParseUtf8Matcher(std::string_view s) {
  PROMKIT_ASSIGN_OR_RETURN(Matchers ms, ParseUtf8Matchers(s));
  if (ms.size() == 1) return std::move(ms[0]);
  if (ms.empty()) return Status::InvalidArgument("no matchers");
  return Status::InvalidArgument(fmt::format("expected 1 matcher, found {}", ms.size()));
}

Result<Matcher> ParseMatcher(std::string_view s, MatcherMode mode) {
  if (mode == MatcherMode::kClassic) return ParseClassicMatcher(s);
  if (HasBrace(s)) return BraceError(s);
  if (mode == MatcherMode::kUtf8Strict) return ParseUtf8Matcher(s);
  auto n = ParseUtf8Matcher(s);
  auto c = ParseClassicMatcher(s);
  if (!n.ok()) return c;  // the classic error when both fail
  if (c.ok() && !(*n == *c)) return c;
  return n;
}

Result<Matchers> ParseMatchers(std::string_view s, MatcherMode mode) {
  if (mode == MatcherMode::kClassic) return ParseClassicMatchers(s);
  if (mode == MatcherMode::kUtf8Strict) return ParseUtf8Matchers(s);
  auto n = ParseUtf8Matchers(s);
  auto c = ParseClassicMatchers(s);
  if (!n.ok()) return c;
  if (c.ok() && !SameMatchers(*n, *c)) return c;
  return n;
}

}  // namespace promkit::alertmanager
