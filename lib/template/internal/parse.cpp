#include "template/internal/parse.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <fmt/core.h>

#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::tmpl::internal {
namespace {

// ---------------------------------------------------------------------------------------------
// Lexer. Go's lexer (text/template/parse/lex.go) runs as a state machine feeding a channel; this
// one runs the same states to completion into a vector: the first error item ends the input,
// which is all the parser could see of it anyway.

enum class ItemType : uint8_t {
  kError,
  kBool,
  kChar,
  kCharConstant,
  kComment,
  kComplex,
  kAssign,
  kDeclare,
  kEof,
  kField,
  kIdentifier,
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,
  kKeyword,  // only a delimiter: the kinds below are keywords
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Item {
  ItemType type;
  size_t pos;
  std::string val;
  int line;
};

const std::map<std::string_view, ItemType>& Keywords() {
  static const std::map<std::string_view, ItemType> kKeywords{
      {".", ItemType::kDot},
      {"block", ItemType::kBlock},
      {"break", ItemType::kBreak},
      {"continue", ItemType::kContinue},
      {"define", ItemType::kDefine},
      {"else", ItemType::kElse},
      {"end", ItemType::kEnd},
      {"if", ItemType::kIf},
      {"range", ItemType::kRange},
      {"nil", ItemType::kNil},
      {"template", ItemType::kTemplate},
      {"with", ItemType::kWith},
  };
  return kKeywords;
}

// fmt's %#U: "U+0041 'A'" for printable runes, "U+00A0" otherwise.
std::string RuneDesc(char32_t r) {
  std::string s = fmt::format("U+{:04X}", static_cast<uint32_t>(r));
  if (util::IsPrint(r)) {
    s += " '";
    util::AppendRune(s, r);
    s += "'";
  }
  return s;
}

bool IsSpaceRune(char32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }

// Go's unicode.IsLetter || unicode.IsDigit. ASCII exactly; beyond ASCII an approximation:
// printable runes outside the common punctuation and symbol blocks count as letters.
bool IsAlphaNumeric(char32_t r) {
  if (r < 0x80) {
    return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  }
  if (!util::IsPrint(r) || util::IsSpace(r)) return false;
  if (r <= 0xBF || r == 0xD7 || r == 0xF7) return r == 0xAA || r == 0xB5 || r == 0xBA;
  if (r >= 0x2000 && r <= 0x2BFF) return false;    // punctuation, symbols, arrows, box drawing
  if (r >= 0x3000 && r <= 0x303F) return false;    // CJK punctuation
  if (r >= 0xFF00 && r <= 0xFF0F) return false;    // fullwidth punctuation
  if (r >= 0x1F000 && r <= 0x1FAFF) return false;  // emoji and pictographs
  return true;
}

constexpr char32_t kEofRune = 0xFFFFFFFF;
constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";

constexpr std::string_view kSpaceChars = " \t\r\n";

bool HasLeftTrimMarker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && IsSpaceRune(static_cast<unsigned char>(s[1]));
}
bool HasRightTrimMarker(std::string_view s) {
  return s.size() >= 2 && IsSpaceRune(static_cast<unsigned char>(s[0])) && s[1] == '-';
}
size_t RightTrimLength(std::string_view s) {
  const size_t keep = s.find_last_not_of(kSpaceChars);
  return keep == std::string_view::npos ? s.size() : s.size() - keep - 1;
}
size_t LeftTrimLength(std::string_view s) {
  const size_t first = s.find_first_not_of(kSpaceChars);
  return first == std::string_view::npos ? s.size() : first;
}
int CountNewlines(std::string_view s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

class Lexer {
 public:
  Lexer(std::string_view input, bool break_ok, bool continue_ok)
      : input_(input), break_ok_(break_ok), continue_ok_(continue_ok) {}

  std::vector<Item> Run() {
    State state = State::kText;
    while (state != State::kDone) {
      switch (state) {
        case State::kText:
          state = LexText();
          break;
        case State::kLeftDelim:
          state = LexLeftDelim();
          break;
        case State::kComment:
          state = LexComment();
          break;
        case State::kRightDelim:
          state = LexRightDelim();
          break;
        case State::kInsideAction:
          state = LexInsideAction();
          break;
        case State::kDone:
          break;
      }
    }
    return std::move(items_);
  }

 private:
  enum class State { kText, kLeftDelim, kComment, kRightDelim, kInsideAction, kDone };

  char32_t Next() {
    if (pos_ >= input_.size()) {
      at_eof_ = true;
      return kEofRune;
    }
    const util::DecodedRune r = util::DecodeRune(input_.substr(pos_));
    pos_ += static_cast<size_t>(r.width);
    if (r.rune == '\n') ++line_;
    return r.rune;
  }
  char32_t Peek() {
    const char32_t r = Next();
    Backup();
    return r;
  }
  void Backup() {
    if (!at_eof_ && pos_ > 0) {
      const util::DecodedRune r = util::DecodeLastRune(input_.substr(0, pos_));
      pos_ -= static_cast<size_t>(r.width);
      if (r.rune == '\n') --line_;
    }
  }
  void Emit(ItemType t) {
    items_.push_back(
        Item{t, start_, std::string(input_.substr(start_, pos_ - start_)), start_line_});
    start_ = pos_;
    start_line_ = line_;
  }
  void Ignore() {
    line_ += CountNewlines(input_.substr(start_, pos_ - start_));
    start_ = pos_;
    start_line_ = line_;
  }
  bool Accept(std::string_view valid) {
    const char32_t r = Next();
    if (r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
    Backup();
    return false;
  }
  void AcceptRun(std::string_view valid) {
    for (;;) {
      const char32_t r = Next();
      if (r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) continue;
      Backup();
      return;
    }
  }
  State Errorf(std::string msg) {
    items_.push_back(Item{ItemType::kError, start_, std::move(msg), start_line_});
    return State::kDone;
  }
  std::string_view Rest() const { return input_.substr(pos_); }

  State LexText() {
    const size_t x = Rest().find(kLeftDelim);
    if (x != std::string_view::npos) {
      pos_ += x;
      size_t trim = 0;
      if (HasLeftTrimMarker(input_.substr(pos_ + kLeftDelim.size()))) {
        trim = RightTrimLength(input_.substr(start_, pos_ - start_));
      }
      pos_ -= trim;
      if (pos_ > start_) {
        line_ += CountNewlines(input_.substr(start_, pos_ - start_));
        Emit(ItemType::kText);
      }
      pos_ += trim;
      Ignore();
      return State::kLeftDelim;
    }
    pos_ = input_.size();
    if (pos_ > start_) {
      line_ += CountNewlines(input_.substr(start_, pos_ - start_));
      Emit(ItemType::kText);
    }
    Emit(ItemType::kEof);
    return State::kDone;
  }

  // Whether the input is at the right delimiter, and whether with a trim marker.
  std::pair<bool, bool> AtRightDelim() const {
    if (HasRightTrimMarker(Rest()) && Rest().substr(2).substr(0, 2) == kRightDelim) {
      return {true, true};
    }
    if (Rest().substr(0, 2) == kRightDelim) return {true, false};
    return {false, false};
  }

  State LexLeftDelim() {
    pos_ += kLeftDelim.size();
    const bool trim = HasLeftTrimMarker(Rest());
    const size_t after_marker = trim ? 2 : 0;
    if (input_.substr(pos_ + after_marker).substr(0, 2) == "/*") {
      pos_ += after_marker;
      Ignore();
      return State::kComment;
    }
    Emit(ItemType::kLeftDelim);
    pos_ += after_marker;
    Ignore();
    paren_depth_ = 0;
    return State::kInsideAction;
  }

  State LexComment() {
    pos_ += 2;
    const size_t i = Rest().find("*/");
    if (i == std::string_view::npos) return Errorf("unclosed comment");
    pos_ += i + 2;
    const auto [delim, trim] = AtRightDelim();
    if (!delim) return Errorf("comment ends before closing delimiter");
    if (trim) pos_ += 2;
    pos_ += kRightDelim.size();
    if (trim) pos_ += LeftTrimLength(Rest());
    Ignore();
    return State::kText;
  }

  State LexRightDelim() {
    const bool trim = HasRightTrimMarker(Rest());
    if (trim) {
      pos_ += 2;
      Ignore();
    }
    pos_ += kRightDelim.size();
    Emit(ItemType::kRightDelim);
    if (trim) {
      pos_ += LeftTrimLength(Rest());
      Ignore();
    }
    return State::kText;
  }

  State LexInsideAction() {
    for (;;) {
      if (AtRightDelim().first) {
        if (paren_depth_ == 0) return State::kRightDelim;
        return Errorf("unclosed left paren");
      }
      const char32_t r = Next();
      if (r == kEofRune) return Errorf("unclosed action");
      if (IsSpaceRune(r)) {
        Backup();
        if (LexSpace()) return State::kRightDelim;
        continue;
      }
      switch (r) {
        case '=':
          Emit(ItemType::kAssign);
          continue;
        case ':':
          if (Next() != '=') return Errorf("expected :=");
          Emit(ItemType::kDeclare);
          continue;
        case '|':
          Emit(ItemType::kPipe);
          continue;
        case '"':
          if (!LexQuote()) return State::kDone;
          continue;
        case '`':
          if (!LexRawQuote()) return State::kDone;
          continue;
        case '$':
          if (!LexVariable()) return State::kDone;
          continue;
        case '\'':
          if (!LexChar()) return State::kDone;
          continue;
        case '(':
          Emit(ItemType::kLeftParen);
          ++paren_depth_;
          continue;
        case ')':
          Emit(ItemType::kRightParen);
          --paren_depth_;
          if (paren_depth_ < 0) return Errorf("unexpected right paren " + RuneDesc(r));
          continue;
        default:
          break;
      }
      if (r == '.') {
        if (pos_ < input_.size()) {
          const char c = input_[pos_];
          if (c < '0' || c > '9') {
            if (!LexFieldOrVariable(ItemType::kField)) return State::kDone;
            continue;
          }
        }
        Backup();
        if (!LexNumber()) return State::kDone;
        continue;
      }
      if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
        Backup();
        if (!LexNumber()) return State::kDone;
        continue;
      }
      if (IsAlphaNumeric(r)) {
        Backup();
        if (!LexIdentifier()) return State::kDone;
        continue;
      }
      if (r < 0x80 && util::IsPrint(r)) {
        Emit(ItemType::kChar);
        continue;
      }
      return Errorf("unrecognized character in action: " + RuneDesc(r));
    }
  }

  // Returns true when the spaces end at a " -}}" that should be lexed as the delimiter.
  bool LexSpace() {
    int num_spaces = 0;
    while (IsSpaceRune(Peek())) {
      Next();
      ++num_spaces;
    }
    if (HasRightTrimMarker(input_.substr(pos_ - 1)) &&
        input_.substr(pos_ - 1 + 2).substr(0, 2) == kRightDelim) {
      Backup();
      if (num_spaces == 1) return true;
    }
    Emit(ItemType::kSpace);
    return false;
  }

  bool AtTerminator() {
    const char32_t r = Peek();
    if (IsSpaceRune(r)) return true;
    switch (r) {
      case kEofRune:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
      default:
        break;
    }
    return Rest().substr(0, 2) == kRightDelim;
  }

  bool LexIdentifier() {
    for (;;) {
      const char32_t r = Next();
      if (IsAlphaNumeric(r)) continue;
      Backup();
      const std::string_view word = input_.substr(start_, pos_ - start_);
      if (!AtTerminator()) {
        Errorf("bad character " + RuneDesc(r));
        return false;
      }
      const auto& kw = Keywords();
      if (auto it = kw.find(word); it != kw.end() && it->second > ItemType::kKeyword) {
        if ((it->second == ItemType::kBreak && !break_ok_) ||
            (it->second == ItemType::kContinue && !continue_ok_)) {
          Emit(ItemType::kIdentifier);
        } else {
          Emit(it->second);
        }
      } else if (word[0] == '.') {
        Emit(ItemType::kField);
      } else if (word == "true" || word == "false") {
        Emit(ItemType::kBool);
      } else {
        Emit(ItemType::kIdentifier);
      }
      return true;
    }
  }

  bool LexVariable() {
    if (AtTerminator()) {
      Emit(ItemType::kVariable);
      return true;
    }
    return LexFieldOrVariable(ItemType::kVariable);
  }

  bool LexFieldOrVariable(ItemType t) {
    if (AtTerminator()) {
      Emit(t == ItemType::kVariable ? ItemType::kVariable : ItemType::kDot);
      return true;
    }
    char32_t r;
    for (;;) {
      r = Next();
      if (!IsAlphaNumeric(r)) {
        Backup();
        break;
      }
    }
    if (!AtTerminator()) {
      Errorf("bad character " + RuneDesc(r));
      return false;
    }
    Emit(t);
    return true;
  }

  bool LexChar() {
    for (;;) {
      char32_t r = Next();
      if (r == '\\') {
        r = Next();
        if (r != kEofRune && r != '\n') continue;
        Errorf("unterminated character constant");
        return false;
      }
      if (r == kEofRune || r == '\n') {
        Errorf("unterminated character constant");
        return false;
      }
      if (r == '\'') break;
    }
    Emit(ItemType::kCharConstant);
    return true;
  }

  bool LexNumber() {
    if (!ScanNumber()) {
      Errorf("bad number syntax: " + util::GoQuote(input_.substr(start_, pos_ - start_)));
      return false;
    }
    const char32_t sign = Peek();
    if (sign == '+' || sign == '-') {
      if (!ScanNumber() || input_[pos_ - 1] != 'i') {
        Errorf("bad number syntax: " + util::GoQuote(input_.substr(start_, pos_ - start_)));
        return false;
      }
      Emit(ItemType::kComplex);
    } else {
      Emit(ItemType::kNumber);
    }
    return true;
  }

  bool ScanNumber() {
    Accept("+-");
    std::string_view digits = "0123456789_";
    if (Accept("0")) {
      if (Accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (Accept("oO")) {
        digits = "01234567_";
      } else if (Accept("bB")) {
        digits = "01_";
      }
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (digits.size() == 11 && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (digits.size() == 23 && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (IsAlphaNumeric(Peek())) {
      Next();
      return false;
    }
    return true;
  }

  bool LexQuote() {
    for (;;) {
      char32_t r = Next();
      if (r == '\\') {
        r = Next();
        if (r != kEofRune && r != '\n') continue;
        Errorf("unterminated quoted string");
        return false;
      }
      if (r == kEofRune || r == '\n') {
        Errorf("unterminated quoted string");
        return false;
      }
      if (r == '"') break;
    }
    Emit(ItemType::kString);
    return true;
  }

  bool LexRawQuote() {
    for (;;) {
      const char32_t r = Next();
      if (r == kEofRune) {
        Errorf("unterminated raw quoted string");
        return false;
      }
      if (r == '`') break;
    }
    Emit(ItemType::kRawString);
    return true;
  }

  std::string_view input_;
  bool break_ok_, continue_ok_;
  size_t pos_ = 0, start_ = 0;
  bool at_eof_ = false;
  int paren_depth_ = 0;
  int line_ = 1, start_line_ = 1;
  std::vector<Item> items_;
};

// Go's item.String(), as parse errors show tokens.
std::string ItemString(const Item& i) {
  if (i.type == ItemType::kEof) return "EOF";
  if (i.type == ItemType::kError) return i.val;
  if (i.type > ItemType::kKeyword) return "<" + i.val + ">";
  if (i.val.size() > 10) {
    // %.10q: the first ten runes, quoted.
    std::string_view rest = i.val;
    for (int n = 0; n < 10 && !rest.empty(); ++n) {
      rest.remove_prefix(static_cast<size_t>(util::DecodeRune(rest).width));
    }
    return util::GoQuote(std::string_view(i.val).substr(0, i.val.size() - rest.size())) + "...";
  }
  return util::GoQuote(i.val);
}

// ---------------------------------------------------------------------------------------------
// strconv.Unquote / UnquoteChar.

bool UnhexDigit(char c, int* v) {
  if (c >= '0' && c <= '9') {
    *v = c - '0';
  } else if (c >= 'a' && c <= 'f') {
    *v = c - 'a' + 10;
  } else if (c >= 'A' && c <= 'F') {
    *v = c - 'A' + 10;
  } else {
    return false;
  }
  return true;
}

// Decodes one character or escape from the front of `s` for a literal quoted by `quote`;
// appends it to `out` (as a rune, or a raw byte for \x and octal in strings).
bool UnquoteChar(std::string_view& s, char quote, std::string& out, char32_t* rune_out) {
  const auto c = static_cast<unsigned char>(s[0]);
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) return false;
  if (c >= 0x80) {
    const util::DecodedRune r = util::DecodeRune(s);
    out.append(s.substr(0, static_cast<size_t>(r.width)));
    s.remove_prefix(static_cast<size_t>(r.width));
    *rune_out = r.rune;
    return true;
  }
  if (c != '\\') {
    out.push_back(static_cast<char>(c));
    s.remove_prefix(1);
    *rune_out = c;
    return true;
  }
  if (s.size() <= 1) return false;
  const char e = s[1];
  s.remove_prefix(2);
  char32_t v = 0;
  switch (e) {
    case 'a':
      v = '\a';
      break;
    case 'b':
      v = '\b';
      break;
    case 'f':
      v = '\f';
      break;
    case 'n':
      v = '\n';
      break;
    case 'r':
      v = '\r';
      break;
    case 't':
      v = '\t';
      break;
    case 'v':
      v = '\v';
      break;
    case 'x':
    case 'u':
    case 'U': {
      const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s.size() < n) return false;
      uint32_t acc = 0;
      for (size_t j = 0; j < n; ++j) {
        int d;
        if (!UnhexDigit(s[j], &d)) return false;
        acc = (acc << 4) | static_cast<uint32_t>(d);
      }
      s.remove_prefix(n);
      if (e == 'x') {
        out.push_back(static_cast<char>(acc));
        *rune_out = acc;
        return true;
      }
      if (acc > util::kMaxRune || (acc >= 0xD800 && acc <= 0xDFFF)) return false;
      v = acc;
      break;
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      uint32_t acc = static_cast<uint32_t>(e - '0');
      if (s.size() < 2) return false;
      for (size_t j = 0; j < 2; ++j) {
        if (s[j] < '0' || s[j] > '7') return false;
        acc = (acc << 3) | static_cast<uint32_t>(s[j] - '0');
      }
      s.remove_prefix(2);
      if (acc > 255) return false;
      out.push_back(static_cast<char>(acc));
      *rune_out = acc;
      return true;
    }
    case '\\':
      v = '\\';
      break;
    case '\'':
    case '"':
      if (e != quote) return false;
      v = static_cast<unsigned char>(e);
      break;
    default:
      return false;
  }
  util::AppendRune(out, v);
  *rune_out = v;
  return true;
}

// strconv.Unquote for "..." and `...` literals (the lexer produced them, so they are closed).
std::optional<std::string> Unquote(std::string_view q) {
  if (q.size() < 2) return std::nullopt;
  const char quote = q[0];
  if (q.back() != quote) return std::nullopt;
  std::string_view body = q.substr(1, q.size() - 2);
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return std::nullopt;
    std::string out;
    for (const char c : body) {
      if (c != '\r') out.push_back(c);
    }
    return out;
  }
  if (quote != '"') return std::nullopt;
  if (body.find('\n') != std::string_view::npos) return std::nullopt;
  std::string out;
  while (!body.empty()) {
    char32_t r;
    if (!UnquoteChar(body, '"', out, &r)) return std::nullopt;
  }
  return out;
}

// strconv.ParseUint/ParseInt with base 0: prefixes 0x 0o 0b and leading-0 octal, '_' between
// digits. Returns the magnitude and sign, or nullopt for bad syntax or overflow of uint64.
struct GoInt {
  uint64_t magnitude;
  bool negative;
  bool has_sign;
};
std::optional<GoInt> ParseGoInt(std::string_view s) {
  GoInt r{0, false, false};
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    r.negative = s[0] == '-';
    r.has_sign = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  int base = 10;
  std::string_view digits = s;
  bool prefixed = false;
  if (s[0] == '0') {
    if (s.size() >= 3 && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      digits = s.substr(2);
      prefixed = true;
    } else if (s.size() >= 3 && (s[1] == 'o' || s[1] == 'O')) {
      base = 8;
      digits = s.substr(2);
      prefixed = true;
    } else if (s.size() >= 3 && (s[1] == 'b' || s[1] == 'B')) {
      base = 2;
      digits = s.substr(2);
      prefixed = true;
    } else if (s.size() > 1) {
      base = 8;
      digits = s.substr(1);
      prefixed = true;
    }
  }
  // underscoreOK: '_' only between digits (or after a base prefix).
  char saw = prefixed ? '0' : '^';
  bool any_digit = false;
  for (const char c : digits) {
    int d;
    if (c == '_') {
      if (saw != '0') return std::nullopt;
      saw = '_';
      continue;
    }
    if (!UnhexDigit(c, &d) || d >= base) return std::nullopt;
    saw = '0';
    any_digit = true;
    if (r.magnitude > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) /
                          static_cast<uint64_t>(base)) {
      return std::nullopt;
    }
    r.magnitude = r.magnitude * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (saw == '_') return std::nullopt;
  if (!any_digit && base != 8) return std::nullopt;
  return r;
}

// Go's Tree.newNumber: what a numeric constant can be.
Status MakeNumber(Node& n, const Item& tok) {
  const std::string& text = tok.val;
  n.text = text;
  if (tok.type == ItemType::kCharConstant) {
    std::string_view body = std::string_view(text).substr(1);
    std::string scratch;
    char32_t r;
    if (body.empty() || !UnquoteChar(body, '\'', scratch, &r)) {
      return Status::InvalidArgument("invalid syntax");
    }
    if (body != "'") return Status::InvalidArgument("malformed character constant: " + text);
    n.int_val = r;
    n.uint_val = r;
    n.float_val = static_cast<double>(r);
    n.is_int = n.is_uint = n.is_float = true;
    return Status::Ok();
  }
  if (tok.type == ItemType::kComplex || (!text.empty() && text.back() == 'i')) {
    // Complex constants parse; executing them reports that promkit has no complex values.
    n.is_complex = true;
    return Status::Ok();
  }
  const std::optional<GoInt> gi = ParseGoInt(text);
  if (gi) {
    if (!gi->has_sign || !gi->negative) {
      if (!gi->has_sign) {
        n.is_uint = true;
        n.uint_val = gi->magnitude;
      }
      if (gi->magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        n.is_int = true;
        n.int_val = static_cast<int64_t>(gi->magnitude);
      }
    } else if (gi->magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
      n.is_int = true;
      n.int_val = static_cast<int64_t>(0 - gi->magnitude);
    }
    if (n.is_int && n.int_val == 0) {
      n.is_uint = true;
      n.uint_val = 0;
    }
  }
  if (n.is_int) {
    n.is_float = true;
    n.float_val = static_cast<double>(n.int_val);
  } else if (n.is_uint) {
    n.is_float = true;
    n.float_val = static_cast<double>(n.uint_val);
  } else {
    Result<double> f = util::ParseFloat(text);
    if (f.ok()) {
      if (text.find_first_of(".eEpP") == std::string::npos) {
        return Status::InvalidArgument("integer overflow: " + util::GoQuote(text));
      }
      n.is_float = true;
      n.float_val = *f;
      const double v = *f;
      if (v >= -9223372036854775808.0 && v < 9223372036854775808.0 &&
          static_cast<double>(static_cast<int64_t>(v)) == v) {
        n.is_int = true;
        n.int_val = static_cast<int64_t>(v);
      }
      if (v >= 0 && v < 18446744073709551616.0 &&
          static_cast<double>(static_cast<uint64_t>(v)) == v) {
        n.is_uint = true;
        n.uint_val = static_cast<uint64_t>(v);
      }
    }
  }
  if (!n.is_int && !n.is_uint && !n.is_float) {
    return Status::InvalidArgument("illegal number syntax: " + util::GoQuote(text));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Parser. Go's parser panics out of deep recursion on the first error; here every production
// returns a Result and the first error is kept in err_.

std::unique_ptr<Node> NewNode(NodeType t, size_t pos, int line, const Source* src) {
  auto n = std::make_unique<Node>();
  n->type = t;
  n->pos = pos;
  n->line = line;
  n->src = src;
  return n;
}

class Parser {
 public:
  Parser(std::vector<Item> items, std::shared_ptr<const Source> src, const ParseOptions& opts)
      : items_(std::move(items)), src_(std::move(src)), opts_(opts) {}

  Status ParseAll(std::vector<Tree>* trees);

 private:
  // Token access: an index into the lexed items; Go's three-token lookahead is backing up.
  const Item& Next() {
    const size_t i = std::min(idx_, items_.size() - 1);
    ++idx_;
    furthest_ = std::max(furthest_, i);
    return items_[i];
  }
  void Backup(size_t n = 1) { idx_ -= n; }
  const Item& Peek() {
    const Item& it = Next();
    Backup();
    return it;
  }
  const Item& NextNonSpace() {
    for (;;) {
      const Item& it = Next();
      if (it.type != ItemType::kSpace) return it;
    }
  }
  const Item& PeekNonSpace() {
    const Item& it = NextNonSpace();
    Backup();
    return it;
  }

  // Go's Tree.errorf: the line is that of the furthest token read.
  Status Errorf(const std::string& msg) {
    const int line = items_[std::min(furthest_, items_.size() - 1)].line;
    return Status::InvalidArgument(fmt::format("template: {}:{}: {}", src_->parse_name, line, msg));
  }
  Status Unexpected(const Item& tok, std::string_view context) {
    if (tok.type == ItemType::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != tok.line) {
        extra = fmt::format(" in action started at {}:{}", src_->parse_name, action_line_);
        if (tok.val.size() >= 7 && tok.val.compare(tok.val.size() - 7, 7, " action") == 0) {
          extra = extra.substr(std::string_view(" in action").size());
        }
      }
      return Errorf(tok.val + extra);
    }
    return Errorf(fmt::format("unexpected {} in {}", ItemString(tok), context));
  }
  Result<Item> Expect(ItemType t, std::string_view context) {
    const Item& tok = NextNonSpace();
    if (tok.type != t) return Unexpected(tok, context);
    return tok;
  }

  std::unique_ptr<Node> New(NodeType t, size_t pos, int line = 0) {
    return NewNode(t, pos, line, src_.get());
  }

  Status Add(Tree tree);
  Status ParseDefinition();
  // Reads items up to {{end}} or {{else}}; `end` receives that node.
  Result<std::unique_ptr<Node>> ItemList(std::unique_ptr<Node>* end);
  Result<std::unique_ptr<Node>> TextOrAction();
  Result<std::unique_ptr<Node>> Action();
  Result<std::unique_ptr<Node>> Pipeline(std::string_view context, ItemType end);
  Status CheckPipeline(const Node& pipe, std::string_view context);
  Result<std::unique_ptr<Node>> Control(NodeType type, bool allow_else_if,
                                        std::string_view context);
  Result<std::unique_ptr<Node>> BlockControl();
  Result<std::unique_ptr<Node>> TemplateControl();
  Result<std::string> TemplateName(const Item& tok, std::string_view context);
  Result<std::unique_ptr<Node>> Command();
  Result<std::unique_ptr<Node>> Operand();
  Result<std::unique_ptr<Node>> Term();
  Result<std::unique_ptr<Node>> UseVar(size_t pos, const std::string& name);

  bool HasFunction(std::string_view name) const {
    return opts_.has_function && opts_.has_function(name);
  }
  Status Enter() {
    if (++depth_ > opts_.max_depth) {
      return Errorf(fmt::format("exceeded maximum nesting depth ({})", opts_.max_depth));
    }
    return Status::Ok();
  }

  std::vector<Item> items_;
  size_t idx_ = 0;
  size_t furthest_ = 0;
  std::shared_ptr<const Source> src_;
  const ParseOptions& opts_;
  std::vector<std::string> vars_{"$"};
  int action_line_ = 0;
  int range_depth_ = 0;
  int depth_ = 0;
  std::vector<Tree> trees_;  // in definition order; the first is the main template
};

struct DepthGuard {
  int& depth;
  ~DepthGuard() { --depth; }
};

Status Parser::Add(Tree tree) {
  for (Tree& t : trees_) {
    if (t.name != tree.name) continue;
    if (t.root == nullptr || IsEmptyTree(t.root.get())) {
      t = std::move(tree);
      return Status::Ok();
    }
    if (!IsEmptyTree(tree.root.get())) {
      return Errorf("template: multiple definition of template " + util::GoQuote(tree.name));
    }
    return Status::Ok();
  }
  trees_.push_back(std::move(tree));
  return Status::Ok();
}

Status Parser::ParseAll(std::vector<Tree>* trees) {
  auto root = New(NodeType::kList, Peek().pos);
  while (Peek().type != ItemType::kEof) {
    if (Peek().type == ItemType::kLeftDelim) {
      const size_t mark = idx_;
      Next();
      if (NextNonSpace().type == ItemType::kDefine) {
        std::vector<std::string> saved_vars = std::move(vars_);
        vars_ = {"$"};
        PROMKIT_RETURN_IF_ERROR(ParseDefinition());
        vars_ = std::move(saved_vars);
        continue;
      }
      idx_ = mark;
    }
    PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> n, TextOrAction());
    if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
      return Errorf("unexpected " + NodeString(*n));
    }
    root->nodes.push_back(std::move(n));
  }
  // The main tree goes first; Add keeps a non-empty earlier definition of the same name.
  Tree main{src_->parse_name, std::move(root), src_};
  std::vector<Tree> defined = std::move(trees_);
  trees_.clear();
  PROMKIT_RETURN_IF_ERROR(Add(std::move(main)));
  for (Tree& t : defined) PROMKIT_RETURN_IF_ERROR(Add(std::move(t)));
  *trees = std::move(trees_);
  return Status::Ok();
}

Status Parser::ParseDefinition() {
  constexpr std::string_view kContext = "define clause";
  const Item& name_tok = NextNonSpace();
  if (name_tok.type != ItemType::kString && name_tok.type != ItemType::kRawString) {
    return Unexpected(name_tok, kContext);
  }
  std::optional<std::string> name = Unquote(name_tok.val);
  if (!name) return Errorf("invalid syntax");
  PROMKIT_ASSIGN_OR_RETURN(Item close, Expect(ItemType::kRightDelim, kContext));
  (void)close;
  std::unique_ptr<Node> end;
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> list, ItemList(&end));
  if (end->type != NodeType::kEnd) {
    return Errorf(fmt::format("unexpected {} in {}", NodeString(*end), kContext));
  }
  return Add(Tree{*name, std::move(list), src_});
}

Result<std::unique_ptr<Node>> Parser::ItemList(std::unique_ptr<Node>* end) {
  PROMKIT_RETURN_IF_ERROR(Enter());
  DepthGuard guard{depth_};
  auto list = New(NodeType::kList, PeekNonSpace().pos);
  while (PeekNonSpace().type != ItemType::kEof) {
    PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> n, TextOrAction());
    if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
      *end = std::move(n);
      return list;
    }
    list->nodes.push_back(std::move(n));
  }
  return Errorf("unexpected EOF");
}

Result<std::unique_ptr<Node>> Parser::TextOrAction() {
  const Item& tok = NextNonSpace();
  switch (tok.type) {
    case ItemType::kText: {
      auto n = New(NodeType::kText, tok.pos);
      n->text = tok.val;
      return n;
    }
    case ItemType::kLeftDelim: {
      action_line_ = tok.line;
      Result<std::unique_ptr<Node>> r = Action();
      action_line_ = 0;
      return r;
    }
    default:
      return Unexpected(tok, "input");
  }
}

Result<std::unique_ptr<Node>> Parser::Action() {
  const Item& tok = NextNonSpace();
  switch (tok.type) {
    case ItemType::kBlock:
      return BlockControl();
    case ItemType::kBreak:
    case ItemType::kContinue: {
      const bool is_break = tok.type == ItemType::kBreak;
      const size_t pos = tok.pos;
      const int line = tok.line;
      const Item& next = NextNonSpace();
      if (next.type != ItemType::kRightDelim) {
        return Unexpected(next, is_break ? "{{break}}" : "{{continue}}");
      }
      if (range_depth_ == 0) {
        return Errorf(is_break ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
      }
      return New(is_break ? NodeType::kBreak : NodeType::kContinue, pos, line);
    }
    case ItemType::kElse: {
      const Item& peek = PeekNonSpace();
      if (peek.type == ItemType::kIf) return New(NodeType::kElse, peek.pos, peek.line);
      PROMKIT_ASSIGN_OR_RETURN(Item close, Expect(ItemType::kRightDelim, "else"));
      return New(NodeType::kElse, close.pos, close.line);
    }
    case ItemType::kEnd: {
      PROMKIT_ASSIGN_OR_RETURN(Item close, Expect(ItemType::kRightDelim, "end"));
      return New(NodeType::kEnd, close.pos);
    }
    case ItemType::kIf:
      return Control(NodeType::kIf, true, "if");
    case ItemType::kRange:
      return Control(NodeType::kRange, false, "range");
    case ItemType::kTemplate:
      return TemplateControl();
    case ItemType::kWith:
      return Control(NodeType::kWith, false, "with");
    default:
      break;
  }
  Backup();
  const Item& peek = Peek();
  const size_t pos = peek.pos;
  const int line = peek.line;
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> pipe, Pipeline("command", ItemType::kRightDelim));
  auto n = New(NodeType::kAction, pos, line);
  n->pipe = std::move(pipe);
  return n;
}

Result<std::unique_ptr<Node>> Parser::Pipeline(std::string_view context, ItemType end) {
  const Item& first = PeekNonSpace();
  auto pipe = New(NodeType::kPipe, first.pos, first.line);
  for (;;) {  // declarations: "$x :=", "$x =", "$i, $e :="
    const Item& v = PeekNonSpace();
    if (v.type != ItemType::kVariable) break;
    const size_t var_idx = idx_;
    Next();  // the variable
    const Item& next = PeekNonSpace();
    if (next.type == ItemType::kAssign || next.type == ItemType::kDeclare) {
      pipe->is_assign = next.type == ItemType::kAssign;
      NextNonSpace();
      auto var = New(NodeType::kVariable, v.pos);
      for (std::string_view part : util::SplitString(v.val, ".")) var->ident.emplace_back(part);
      pipe->decl.push_back(std::move(var));
      vars_.push_back(v.val);
      break;
    }
    if (next.type == ItemType::kChar && next.val == ",") {
      NextNonSpace();
      auto var = New(NodeType::kVariable, v.pos);
      var->ident = {v.val};
      pipe->decl.push_back(std::move(var));
      vars_.push_back(v.val);
      if (context == "range" && pipe->decl.size() < 2) {
        const ItemType t = PeekNonSpace().type;
        if (t == ItemType::kVariable || t == ItemType::kRightDelim || t == ItemType::kRightParen) {
          continue;
        }
        return Errorf("range can only initialize variables");
      }
      return Errorf(fmt::format("too many declarations in {}", context));
    }
    idx_ = var_idx;  // not a declaration: reread as an operand
    break;
  }
  for (;;) {
    const Item& tok = NextNonSpace();
    if (tok.type == end) {
      PROMKIT_RETURN_IF_ERROR(CheckPipeline(*pipe, context));
      return pipe;
    }
    switch (tok.type) {
      case ItemType::kBool:
      case ItemType::kCharConstant:
      case ItemType::kComplex:
      case ItemType::kDot:
      case ItemType::kField:
      case ItemType::kIdentifier:
      case ItemType::kNumber:
      case ItemType::kNil:
      case ItemType::kRawString:
      case ItemType::kString:
      case ItemType::kVariable:
      case ItemType::kLeftParen: {
        Backup();
        PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> cmd, Command());
        pipe->nodes.push_back(std::move(cmd));
        break;
      }
      default:
        return Unexpected(tok, context);
    }
  }
}

Status Parser::CheckPipeline(const Node& pipe, std::string_view context) {
  if (pipe.nodes.empty()) return Errorf(fmt::format("missing value for {}", context));
  for (size_t i = 1; i < pipe.nodes.size(); ++i) {
    switch (pipe.nodes[i]->nodes[0]->type) {
      case NodeType::kBool:
      case NodeType::kDot:
      case NodeType::kNil:
      case NodeType::kNumber:
      case NodeType::kString:
        return Errorf(fmt::format("non executable command in pipeline stage {}", i + 1));
      default:
        break;
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<Node>> Parser::Control(NodeType type, bool allow_else_if,
                                              std::string_view context) {
  const size_t vars_mark = vars_.size();
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> pipe, Pipeline(context, ItemType::kRightDelim));
  if (type == NodeType::kRange) ++range_depth_;
  std::unique_ptr<Node> next;
  Result<std::unique_ptr<Node>> list = ItemList(&next);
  if (type == NodeType::kRange) --range_depth_;
  if (!list.ok()) return list.status();
  std::unique_ptr<Node> else_list;
  if (next->type == NodeType::kElse) {
    if (allow_else_if && Peek().type == ItemType::kIf) {
      Next();  // the "if"
      else_list = New(NodeType::kList, next->pos);
      PROMKIT_RETURN_IF_ERROR(Enter());
      DepthGuard guard{depth_};
      PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> nested, Control(NodeType::kIf, true, "if"));
      else_list->nodes.push_back(std::move(nested));
    } else {
      std::unique_ptr<Node> end;
      PROMKIT_ASSIGN_OR_RETURN(else_list, ItemList(&end));
      if (end->type != NodeType::kEnd) {
        return Errorf("expected end; found " + NodeString(*end));
      }
    }
  }
  vars_.resize(vars_mark);
  auto n = New(type, pipe->pos, pipe->line);
  n->pipe = std::move(pipe);
  n->list = std::move(*list);
  n->else_list = std::move(else_list);
  return n;
}

Result<std::string> Parser::TemplateName(const Item& tok, std::string_view context) {
  if (tok.type != ItemType::kString && tok.type != ItemType::kRawString) {
    return Unexpected(tok, context);
  }
  std::optional<std::string> s = Unquote(tok.val);
  if (!s) return Errorf("invalid syntax");
  return *s;
}

Result<std::unique_ptr<Node>> Parser::BlockControl() {
  constexpr std::string_view kContext = "block clause";
  const Item tok = NextNonSpace();
  PROMKIT_ASSIGN_OR_RETURN(std::string name, TemplateName(tok, kContext));
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> pipe, Pipeline(kContext, ItemType::kRightDelim));
  std::vector<std::string> saved_vars = std::move(vars_);
  vars_ = {"$"};
  const int saved_range = range_depth_;
  range_depth_ = 0;
  std::unique_ptr<Node> end;
  Result<std::unique_ptr<Node>> body = ItemList(&end);
  vars_ = std::move(saved_vars);
  range_depth_ = saved_range;
  if (!body.ok()) return body.status();
  if (end->type != NodeType::kEnd) {
    return Errorf(fmt::format("unexpected {} in {}", NodeString(*end), kContext));
  }
  PROMKIT_RETURN_IF_ERROR(Add(Tree{name, std::move(*body), src_}));
  auto n = New(NodeType::kTemplate, tok.pos, tok.line);
  n->text = name;
  n->pipe = std::move(pipe);
  return n;
}

Result<std::unique_ptr<Node>> Parser::TemplateControl() {
  constexpr std::string_view kContext = "template clause";
  const Item tok = NextNonSpace();
  PROMKIT_ASSIGN_OR_RETURN(std::string name, TemplateName(tok, kContext));
  std::unique_ptr<Node> pipe;
  if (NextNonSpace().type != ItemType::kRightDelim) {
    Backup();
    PROMKIT_ASSIGN_OR_RETURN(pipe, Pipeline(kContext, ItemType::kRightDelim));
  }
  auto n = New(NodeType::kTemplate, tok.pos, tok.line);
  n->text = name;
  n->pipe = std::move(pipe);
  return n;
}

Result<std::unique_ptr<Node>> Parser::Command() {
  auto cmd = New(NodeType::kCommand, PeekNonSpace().pos);
  for (;;) {
    PeekNonSpace();
    PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> operand, Operand());
    if (operand != nullptr) cmd->nodes.push_back(std::move(operand));
    const Item& tok = Next();
    if (tok.type == ItemType::kSpace) continue;
    if (tok.type == ItemType::kRightDelim || tok.type == ItemType::kRightParen) {
      Backup();
    } else if (tok.type != ItemType::kPipe) {
      return Unexpected(tok, "operand");
    }
    break;
  }
  if (cmd->nodes.empty()) return Errorf("empty command");
  return cmd;
}

Result<std::unique_ptr<Node>> Parser::Operand() {
  PROMKIT_ASSIGN_OR_RETURN(std::unique_ptr<Node> node, Term());
  if (node == nullptr) return node;
  if (Peek().type != ItemType::kField) return node;
  auto chain = New(NodeType::kChain, Peek().pos);
  while (Peek().type == ItemType::kField) {
    const Item& f = Next();
    // A field item is ".a.b" at most once per item, but the lexer emits ".a" then ".b".
    std::string_view rest = std::string_view(f.val).substr(1);
    for (std::string_view part : util::SplitString(rest, ".")) chain->ident.emplace_back(part);
  }
  switch (node->type) {
    case NodeType::kField:
    case NodeType::kVariable: {
      auto merged = New(node->type, chain->pos);
      merged->ident = node->ident;
      for (std::string& id : chain->ident) merged->ident.push_back(std::move(id));
      return merged;
    }
    case NodeType::kBool:
    case NodeType::kString:
    case NodeType::kNumber:
    case NodeType::kNil:
    case NodeType::kDot:
      return Errorf("unexpected . after term " + util::GoQuote(NodeString(*node)));
    default:
      chain->chained = std::move(node);
      return chain;
  }
}

Result<std::unique_ptr<Node>> Parser::UseVar(size_t pos, const std::string& name) {
  auto v = New(NodeType::kVariable, pos);
  for (std::string_view part : util::SplitString(name, ".")) v->ident.emplace_back(part);
  for (const std::string& known : vars_) {
    if (known == v->ident[0]) return v;
  }
  return Errorf("undefined variable " + util::GoQuote(v->ident[0]));
}

Result<std::unique_ptr<Node>> Parser::Term() {
  const Item& tok = NextNonSpace();
  switch (tok.type) {
    case ItemType::kIdentifier: {
      if (!HasFunction(tok.val)) {
        return Errorf("function " + util::GoQuote(tok.val) + " not defined");
      }
      auto n = New(NodeType::kIdentifier, tok.pos);
      n->text = tok.val;
      return n;
    }
    case ItemType::kDot:
      return New(NodeType::kDot, tok.pos);
    case ItemType::kNil:
      return New(NodeType::kNil, tok.pos);
    case ItemType::kVariable:
      return UseVar(tok.pos, tok.val);
    case ItemType::kField: {
      auto n = New(NodeType::kField, tok.pos);
      for (std::string_view part : util::SplitString(std::string_view(tok.val).substr(1), ".")) {
        n->ident.emplace_back(part);
      }
      return n;
    }
    case ItemType::kBool: {
      auto n = New(NodeType::kBool, tok.pos);
      n->bool_val = tok.val == "true";
      return n;
    }
    case ItemType::kCharConstant:
    case ItemType::kComplex:
    case ItemType::kNumber: {
      auto n = New(NodeType::kNumber, tok.pos);
      Status st = MakeNumber(*n, tok);
      if (!st.ok()) return Errorf(std::string(st.message()));
      return n;
    }
    case ItemType::kLeftParen: {
      PROMKIT_RETURN_IF_ERROR(Enter());
      DepthGuard guard{depth_};
      return Pipeline("parenthesized pipeline", ItemType::kRightParen);
    }
    case ItemType::kString:
    case ItemType::kRawString: {
      std::optional<std::string> s = Unquote(tok.val);
      if (!s) return Errorf("invalid syntax");
      auto n = New(NodeType::kString, tok.pos);
      n->quoted = tok.val;
      n->text = std::move(*s);
      return n;
    }
    default:
      Backup();
      return std::unique_ptr<Node>();
  }
}

void AppendBranch(const Node& n, std::string_view name, std::string& out) {
  out += "{{";
  out += name;
  out += ' ';
  AppendNodeString(*n.pipe, out);
  out += "}}";
  AppendNodeString(*n.list, out);
  if (n.else_list != nullptr) {
    out += "{{else}}";
    AppendNodeString(*n.else_list, out);
  }
  out += "{{end}}";
}

}  // namespace

Result<std::vector<Tree>> ParseTrees(std::string_view name, std::string_view text,
                                     const ParseOptions& options) {
  auto src = std::make_shared<Source>(Source{std::string(name), std::string(text)});
  const bool break_ok = !(options.has_function && options.has_function("break"));
  const bool continue_ok = !(options.has_function && options.has_function("continue"));
  std::vector<Item> items = Lexer(src->text, break_ok, continue_ok).Run();
  Parser parser(std::move(items), src, options);
  std::vector<Tree> trees;
  PROMKIT_RETURN_IF_ERROR(parser.ParseAll(&trees));
  return trees;
}

bool IsEmptyTree(const Node* n) {
  if (n == nullptr) return true;
  switch (n->type) {
    case NodeType::kComment:
      return true;
    case NodeType::kList:
      for (const auto& c : n->nodes) {
        if (!IsEmptyTree(c.get())) return false;
      }
      return true;
    case NodeType::kText:
      return util::TrimSpace(n->text).empty();
    default:
      return false;
  }
}

void AppendNodeString(const Node& n, std::string& out) {
  switch (n.type) {
    case NodeType::kText:
      out += n.text;
      return;
    case NodeType::kComment:
      out += "{{" + n.text + "}}";
      return;
    case NodeType::kAction:
      out += "{{";
      AppendNodeString(*n.pipe, out);
      out += "}}";
      return;
    case NodeType::kPipe:
      if (!n.decl.empty()) {
        for (size_t i = 0; i < n.decl.size(); ++i) {
          if (i > 0) out += ", ";
          AppendNodeString(*n.decl[i], out);
        }
        out += " := ";
      }
      for (size_t i = 0; i < n.nodes.size(); ++i) {
        if (i > 0) out += " | ";
        AppendNodeString(*n.nodes[i], out);
      }
      return;
    case NodeType::kCommand:
      for (size_t i = 0; i < n.nodes.size(); ++i) {
        if (i > 0) out += ' ';
        if (n.nodes[i]->type == NodeType::kPipe) {
          out += '(';
          AppendNodeString(*n.nodes[i], out);
          out += ')';
        } else {
          AppendNodeString(*n.nodes[i], out);
        }
      }
      return;
    case NodeType::kIdentifier:
    case NodeType::kNumber:
      out += n.text;
      return;
    case NodeType::kVariable:
      for (size_t i = 0; i < n.ident.size(); ++i) {
        if (i > 0) out += '.';
        out += n.ident[i];
      }
      return;
    case NodeType::kField:
      for (const std::string& id : n.ident) {
        out += '.';
        out += id;
      }
      return;
    case NodeType::kChain:
      if (n.chained->type == NodeType::kPipe) {
        out += '(';
        AppendNodeString(*n.chained, out);
        out += ')';
      } else {
        AppendNodeString(*n.chained, out);
      }
      for (const std::string& id : n.ident) {
        out += '.';
        out += id;
      }
      return;
    case NodeType::kDot:
      out += '.';
      return;
    case NodeType::kNil:
      out += "nil";
      return;
    case NodeType::kBool:
      out += n.bool_val ? "true" : "false";
      return;
    case NodeType::kString:
      out += n.quoted;
      return;
    case NodeType::kList:
      for (const auto& c : n.nodes) AppendNodeString(*c, out);
      return;
    case NodeType::kIf:
      AppendBranch(n, "if", out);
      return;
    case NodeType::kRange:
      AppendBranch(n, "range", out);
      return;
    case NodeType::kWith:
      AppendBranch(n, "with", out);
      return;
    case NodeType::kTemplate:
      out += "{{template ";
      out += util::GoQuote(n.text);
      if (n.pipe != nullptr) {
        out += ' ';
        AppendNodeString(*n.pipe, out);
      }
      out += "}}";
      return;
    case NodeType::kBreak:
      out += "{{break}}";
      return;
    case NodeType::kContinue:
      out += "{{continue}}";
      return;
    case NodeType::kEnd:
      out += "{{end}}";
      return;
    case NodeType::kElse:
      out += "{{else}}";
      return;
  }
}

std::string NodeString(const Node& n) {
  std::string out;
  AppendNodeString(n, out);
  return out;
}

std::string NodeLocation(const Node& n) {
  const std::string_view text = std::string_view(n.src->text).substr(0, n.pos);
  const size_t nl = text.rfind('\n');
  const size_t col = nl == std::string_view::npos ? n.pos : n.pos - (nl + 1);
  return fmt::format("{}:{}:{}", n.src->parse_name, 1 + CountNewlines(text), col);
}

}  // namespace promkit::tmpl::internal
