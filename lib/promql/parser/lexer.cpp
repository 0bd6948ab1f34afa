#include "promql/parser/lexer.h"

#include <array>
#include <cctype>
#include <utility>

#include <fmt/core.h>

#include "util/strings.h"

namespace promkit::promql::parser {
namespace {

struct KeywordEntry {
  std::string_view word;
  ItemType type;
};

// Words the lexer turns into keyword items (matched case-insensitively).
constexpr std::array kKeywords = {
    KeywordEntry{"and", ItemType::kLand},
    KeywordEntry{"or", ItemType::kLor},
    KeywordEntry{"unless", ItemType::kLunless},
    KeywordEntry{"atan2", ItemType::kAtan2},
    KeywordEntry{"sum", ItemType::kSum},
    KeywordEntry{"avg", ItemType::kAvg},
    KeywordEntry{"count", ItemType::kCount},
    KeywordEntry{"min", ItemType::kMin},
    KeywordEntry{"max", ItemType::kMax},
    KeywordEntry{"group", ItemType::kGroup},
    KeywordEntry{"stddev", ItemType::kStddev},
    KeywordEntry{"stdvar", ItemType::kStdvar},
    KeywordEntry{"topk", ItemType::kTopk},
    KeywordEntry{"bottomk", ItemType::kBottomk},
    KeywordEntry{"count_values", ItemType::kCountValues},
    KeywordEntry{"quantile", ItemType::kQuantile},
    KeywordEntry{"limitk", ItemType::kLimitk},
    KeywordEntry{"limit_ratio", ItemType::kLimitRatio},
    KeywordEntry{"offset", ItemType::kOffset},
    KeywordEntry{"smoothed", ItemType::kSmoothed},
    KeywordEntry{"anchored", ItemType::kAnchored},
    KeywordEntry{"by", ItemType::kBy},
    KeywordEntry{"without", ItemType::kWithout},
    KeywordEntry{"on", ItemType::kOn},
    KeywordEntry{"ignoring", ItemType::kIgnoring},
    KeywordEntry{"group_left", ItemType::kGroupLeft},
    KeywordEntry{"group_right", ItemType::kGroupRight},
    KeywordEntry{"fill", ItemType::kFill},
    KeywordEntry{"fill_left", ItemType::kFillLeft},
    KeywordEntry{"fill_right", ItemType::kFillRight},
    KeywordEntry{"bool", ItemType::kBool},
    KeywordEntry{"start", ItemType::kStart},
    KeywordEntry{"end", ItemType::kEnd},
    KeywordEntry{"step", ItemType::kStep},
    KeywordEntry{"range", ItemType::kRange},
    KeywordEntry{"max_of", ItemType::kMaxOf},
    KeywordEntry{"min_of", ItemType::kMinOf},
    KeywordEntry{"inf", ItemType::kNumber},
    KeywordEntry{"nan", ItemType::kNumber},
};

bool EqualFoldAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool LookupKeyword(std::string_view word, ItemType* type) {
  for (const KeywordEntry& e : kKeywords) {
    if (EqualFoldAscii(word, e.word)) {
      *type = e.type;
      return true;
    }
  }
  return false;
}

bool IsSpaceRune(int32_t r) { return r == ' ' || r == '\t' || r == '\n' || r == '\r'; }
bool IsEndOfLine(int32_t r) { return r == '\r' || r == '\n'; }
bool IsDigit(int32_t r) { return '0' <= r && r <= '9'; }
bool IsAlpha(int32_t r) { return r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z'); }
bool IsAlphaNumeric(int32_t r) { return IsAlpha(r) || IsDigit(r); }

bool IsDurationKeywordStart(int32_t r) {
  if (r < 0 || r > 127) return false;
  int c = std::tolower(r);
  return c == 's' || c == 'r' || c == 'm';
}

bool ContainsRune(std::string_view set, int32_t r) {
  if (r < 0 || r > 127) return false;
  return set.find(static_cast<char>(r)) != std::string_view::npos;
}

// Go's %q of a rune.
std::string QuoteRune(int32_t r) {
  return util::GoQuoteRune(r < 0 ? util::kRuneError : static_cast<char32_t>(r));
}

// Go's %#U of a rune: "U+0063 'c'" (the quoted form only for printable runes).
std::string UnicodeFormat(int32_t r) {
  char32_t c = r < 0 ? util::kRuneError : static_cast<char32_t>(r);
  std::string out = fmt::format("U+{:04X}", static_cast<uint32_t>(c));
  if (util::IsPrint(c)) {
    out += " '";
    util::AppendRune(out, c);
    out += "'";
  }
  return out;
}

int DigitVal(int32_t ch) {
  if ('0' <= ch && ch <= '9') return ch - '0';
  if ('a' <= ch && ch <= 'f') return ch - 'a' + 10;
  if ('A' <= ch && ch <= 'F') return ch - 'A' + 10;
  return 16;
}

}  // namespace

std::string_view ItemTypeString(ItemType t) {
  switch (t) {
    case ItemType::kLeftParen:
      return "(";
    case ItemType::kRightParen:
      return ")";
    case ItemType::kLeftBrace:
      return "{";
    case ItemType::kRightBrace:
      return "}";
    case ItemType::kLeftBracket:
      return "[";
    case ItemType::kRightBracket:
      return "]";
    case ItemType::kComma:
      return ",";
    case ItemType::kEql:
      return "=";
    case ItemType::kColon:
      return ":";
    case ItemType::kSemicolon:
      return ";";
    case ItemType::kBlank:
      return "_";
    case ItemType::kTimes:
      return "x";
    case ItemType::kSpace:
      return "<space>";
    case ItemType::kOpenHist:
      return "{{";
    case ItemType::kCloseHist:
      return "}}";
    case ItemType::kSub:
      return "-";
    case ItemType::kAdd:
      return "+";
    case ItemType::kMul:
      return "*";
    case ItemType::kMod:
      return "%";
    case ItemType::kDiv:
      return "/";
    case ItemType::kEqlc:
      return "==";
    case ItemType::kNeq:
      return "!=";
    case ItemType::kLte:
      return "<=";
    case ItemType::kLss:
      return "<";
    case ItemType::kGte:
      return ">=";
    case ItemType::kGtr:
      return ">";
    case ItemType::kTrimUpper:
      return "</";
    case ItemType::kTrimLower:
      return ">/";
    case ItemType::kEqlRegex:
      return "=~";
    case ItemType::kNeqRegex:
      return "!~";
    case ItemType::kPow:
      return "^";
    case ItemType::kAt:
      return "@";
    default:
      break;
  }
  for (const KeywordEntry& e : kKeywords) {
    if (e.type == t && t != ItemType::kNumber) return e.word;
  }
  return "";
}

std::string Item::String() const {
  switch (type) {
    case ItemType::kEof:
      return "EOF";
    case ItemType::kError:
      return std::string(val);
    case ItemType::kIdentifier:
    case ItemType::kMetricIdentifier:
      return util::GoQuote(val);
    default:
      break;
  }
  if (IsKeyword(type)) return fmt::format("<{}>", val);
  if (IsOperator(type)) return fmt::format("<op:{}>", val);
  if (IsAggregator(type)) return fmt::format("<aggr:{}>", val);
  if (val.size() > 10) {
    // Go's %.10q: the first ten runes, quoted, then "...".
    size_t i = 0;
    for (int n = 0; n < 10 && i < val.size(); ++n) {
      util::DecodedRune d = util::DecodeRune(val.substr(i));
      i += static_cast<size_t>(d.width);
    }
    return util::GoQuote(val.substr(0, i)) + "...";
  }
  return util::GoQuote(val);
}

std::string Item::Desc() const {
  if (!ItemTypeString(type).empty()) return String();
  switch (type) {
    case ItemType::kEof:
      return "end of input";
    case ItemType::kError:
      return "error " + String();
    case ItemType::kComment:
      return "comment " + String();
    case ItemType::kIdentifier:
      return "identifier " + String();
    case ItemType::kMetricIdentifier:
      return "metric identifier " + String();
    case ItemType::kString:
      return "string " + String();
    case ItemType::kNumber:
      return "number " + String();
    case ItemType::kDuration:
      return "duration " + String();
    default:
      return String();
  }
}

int32_t Lexer::Next() {
  if (pos_ >= static_cast<int>(input_.size())) {
    width_ = 0;
    return kEofRune;
  }
  util::DecodedRune d = util::DecodeRune(input_.substr(static_cast<size_t>(pos_)));
  width_ = d.width;
  pos_ += width_;
  return static_cast<int32_t>(d.rune);
}

int32_t Lexer::Peek() {
  int32_t r = Next();
  Backup();
  return r;
}

void Lexer::Emit(ItemType t) {
  *item_ = Item{t, start_,
                input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_))};
  start_ = pos_;
  scanned_ = true;
}

bool Lexer::Accept(std::string_view valid) {
  if (ContainsRune(valid, Next())) return true;
  Backup();
  return false;
}

bool Lexer::Is(std::string_view valid) { return ContainsRune(valid, Peek()); }

void Lexer::AcceptRun(std::string_view valid) {
  while (ContainsRune(valid, Next())) {
  }
  Backup();
}

Lexer::State Lexer::Errorf(std::string msg) {
  error_ = std::move(msg);
  *item_ = Item{ItemType::kError, start_, error_};
  scanned_ = true;
  return State::kDone;
}

void Lexer::NextItem(Item* item) {
  scanned_ = false;
  item_ = item;
  if (state_ == State::kDone) {
    start_ = pos_;
    Emit(ItemType::kEof);
    return;
  }
  while (!scanned_) state_ = Step(state_);
  if (item->type == ItemType::kEof) state_ = State::kDone;
}

Lexer::State Lexer::Step(State s) {
  switch (s) {
    case State::kDone:
      Emit(ItemType::kEof);
      return State::kDone;
    case State::kStatements:
      return LexStatements();
    case State::kInsideBraces:
      return LexInsideBraces();
    case State::kValueSequence:
      return LexValueSequence();
    case State::kString:
      return LexString();
    case State::kRawString:
      return LexRawString();
    case State::kEscape:
      return LexEscape();
    case State::kSpace:
      return LexSpace();
    case State::kLineComment:
      return LexLineComment();
    case State::kNumber:
      return LexNumber();
    case State::kNumberOrDuration:
      return LexNumberOrDuration();
    case State::kIdentifier:
      return LexIdentifier();
    case State::kKeywordOrIdentifier:
      return LexKeywordOrIdentifier();
    case State::kDurationExpr:
      return LexDurationExpr();
    case State::kHistogram:
      return LexHistogram();
  }
  return State::kDone;
}

Lexer::State Lexer::LexStatements() {
  if (brace_open_) return State::kInsideBraces;
  if (input_.substr(static_cast<size_t>(pos_)).starts_with('#')) return State::kLineComment;
  int32_t r = Next();
  if (r == kEofRune) {
    if (paren_depth_ != 0) return Errorf("unclosed left parenthesis");
    if (bracket_open_) return Errorf("unclosed left bracket");
    Emit(ItemType::kEof);
    return State::kDone;
  }
  if (r == ',') {
    Emit(ItemType::kComma);
  } else if (IsSpaceRune(r)) {
    return State::kSpace;
  } else if (r == '*') {
    Emit(ItemType::kMul);
  } else if (r == '/') {
    Emit(ItemType::kDiv);
  } else if (r == '%') {
    Emit(ItemType::kMod);
  } else if (r == '+') {
    Emit(ItemType::kAdd);
  } else if (r == '-') {
    Emit(ItemType::kSub);
  } else if (r == '^') {
    Emit(ItemType::kPow);
  } else if (r == '=') {
    int32_t t = Peek();
    if (t == '=') {
      Next();
      Emit(ItemType::kEqlc);
    } else if (t == '~') {
      return Errorf(fmt::format("unexpected character after '=': {}", QuoteRune(t)));
    } else {
      Emit(ItemType::kEql);
    }
  } else if (r == '!') {
    int32_t t = Next();
    if (t != '=') return Errorf(fmt::format("unexpected character after '!': {}", QuoteRune(t)));
    Emit(ItemType::kNeq);
  } else if (r == '<' || r == '>') {
    int32_t t = Peek();
    if (t == '=') {
      Next();
      Emit(r == '<' ? ItemType::kLte : ItemType::kGte);
    } else if (t == '/') {
      Next();
      Emit(r == '<' ? ItemType::kTrimUpper : ItemType::kTrimLower);
    } else {
      Emit(r == '<' ? ItemType::kLss : ItemType::kGtr);
    }
  } else if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
    Backup();
    return State::kNumberOrDuration;
  } else if (r == '"' || r == '\'') {
    string_open_ = r;
    return State::kString;
  } else if (r == '`') {
    string_open_ = r;
    return State::kRawString;
  } else if (IsAlpha(r) || r == ':') {
    if (!bracket_open_) {
      Backup();
      return State::kKeywordOrIdentifier;
    }
    if (r == ':') {
      if (got_colon_) return Errorf(fmt::format("unexpected colon {}", QuoteRune(r)));
      Emit(ItemType::kColon);
      got_colon_ = true;
      return State::kStatements;
    }
    if (IsDurationKeywordStart(r) && ScanDurationKeyword()) return State::kStatements;
    return Errorf(fmt::format("unexpected character: {}, expected ':'", QuoteRune(r)));
  } else if (r == '(') {
    Emit(ItemType::kLeftParen);
    ++paren_depth_;
  } else if (r == ')') {
    Emit(ItemType::kRightParen);
    --paren_depth_;
    if (paren_depth_ < 0) return Errorf("unexpected right parenthesis ')'");
  } else if (r == '{') {
    Emit(ItemType::kLeftBrace);
    brace_open_ = true;
    return State::kInsideBraces;
  } else if (r == '[') {
    if (bracket_open_) return Errorf("unexpected left bracket '['");
    got_colon_ = false;
    Emit(ItemType::kLeftBracket);
    while (IsSpaceRune(Peek())) Next();
    Ignore();
    bracket_open_ = true;
    return State::kDurationExpr;
  } else if (r == ']') {
    if (!bracket_open_) return Errorf("unexpected right bracket ']'");
    Emit(ItemType::kRightBracket);
    bracket_open_ = false;
  } else if (r == '@') {
    Emit(ItemType::kAt);
  } else {
    return Errorf(fmt::format("unexpected character: {}", QuoteRune(r)));
  }
  return State::kStatements;
}

Lexer::State Lexer::LexInsideBraces() {
  if (input_.substr(static_cast<size_t>(pos_)).starts_with('#')) return State::kLineComment;
  int32_t r = Next();
  if (r == kEofRune) return Errorf("unexpected end of input inside braces");
  if (IsSpaceRune(r)) return State::kSpace;
  if (IsAlpha(r)) {
    Backup();
    return State::kIdentifier;
  }
  switch (r) {
    case ',':
      Emit(ItemType::kComma);
      break;
    case '"':
    case '\'':
      string_open_ = r;
      return State::kString;
    case '`':
      string_open_ = r;
      return State::kRawString;
    case '=':
      if (Next() == '~') {
        Emit(ItemType::kEqlRegex);
        break;
      }
      Backup();
      Emit(ItemType::kEql);
      break;
    case '!': {
      int32_t nr = Next();
      if (nr == '~') {
        Emit(ItemType::kNeqRegex);
      } else if (nr == '=') {
        Emit(ItemType::kNeq);
      } else {
        return Errorf(
            fmt::format("unexpected character after '!' inside braces: {}", QuoteRune(nr)));
      }
      break;
    }
    case '{':
      return Errorf("unexpected left brace '{'");
    case '}':
      Emit(ItemType::kRightBrace);
      brace_open_ = false;
      return series_desc_ ? State::kValueSequence : State::kStatements;
    default:
      return Errorf(fmt::format("unexpected character inside braces: {}", QuoteRune(r)));
  }
  return State::kInsideBraces;
}

Lexer::State Lexer::LexValueSequence() {
  int32_t r = Next();
  if (r == kEofRune) return State::kStatements;
  if (r == '{' && Peek() == '{') return State::kHistogram;
  if (IsSpaceRune(r)) {
    Emit(ItemType::kSpace);
    while (IsSpaceRune(Peek())) Next();
    Ignore();
  } else if (r == '+') {
    Emit(ItemType::kAdd);
  } else if (r == '-') {
    Emit(ItemType::kSub);
  } else if (r == 'x') {
    Emit(ItemType::kTimes);
  } else if (r == '_') {
    Emit(ItemType::kBlank);
  } else if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
    Backup();
    State next = LexNumber();
    if (item_->type == ItemType::kError) return next;
  } else if (IsAlpha(r)) {
    Backup();
    return State::kKeywordOrIdentifier;
  } else {
    return Errorf(fmt::format("unexpected character in series sequence: {}", QuoteRune(r)));
  }
  return State::kValueSequence;
}

// A native histogram description `{{...}}` in series values, emitted whole as one kOpenHist item
// (the parser reads its fields); what follows (`x3`, `+{{...}}x3`) is lexed as series values.
Lexer::State Lexer::LexHistogram() {
  Next();  // the second '{'
  size_t end = input_.find("}}", static_cast<size_t>(pos_));
  if (end == std::string_view::npos) {
    pos_ = static_cast<int>(input_.size());
    return Errorf("histogram description incomplete unexpected: EOF");
  }
  pos_ = static_cast<int>(end + 2);
  Emit(ItemType::kOpenHist);
  return State::kValueSequence;
}

Lexer::State Lexer::LexEscape() {
  int32_t ch = Next();
  int n = 0;
  uint32_t base = 0;
  uint32_t max_val = 0;
  switch (ch) {
    case 'a':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
    case '\\':
      return State::kString;
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
      n = 3, base = 8, max_val = 255;
      break;
    case 'x':
      ch = Next();
      n = 2, base = 16, max_val = 255;
      break;
    case 'u':
      ch = Next();
      n = 4, base = 16, max_val = util::kMaxRune;
      break;
    case 'U':
      ch = Next();
      n = 8, base = 16, max_val = util::kMaxRune;
      break;
    case kEofRune:
      return Errorf("escape sequence not terminated");
    default:
      if (ch == string_open_) return State::kString;
      return Errorf(fmt::format("unknown escape sequence {}", UnicodeFormat(ch)));
  }
  uint32_t x = 0;
  while (n > 0) {
    auto d = static_cast<uint32_t>(DigitVal(ch));
    if (d >= base) {
      if (ch == kEofRune) return Errorf("escape sequence not terminated");
      return Errorf(fmt::format("illegal character {} in escape sequence", UnicodeFormat(ch)));
    }
    x = x * base + d;
    --n;
    if (n > 0) ch = Next();
  }
  if (x > max_val || (0xD800 <= x && x < 0xE000)) {
    return Errorf("escape sequence is an invalid Unicode code point");
  }
  return State::kString;
}

Lexer::State Lexer::LexString() {
  for (;;) {
    int32_t r = Next();
    if (r == '\\') return State::kEscape;
    if (r == static_cast<int32_t>(util::kRuneError)) return Errorf("invalid UTF-8 rune");
    if (r == kEofRune || r == '\n') return Errorf("unterminated quoted string");
    if (r == string_open_) break;
  }
  Emit(ItemType::kString);
  return State::kStatements;
}

Lexer::State Lexer::LexRawString() {
  for (;;) {
    int32_t r = Next();
    if (r == static_cast<int32_t>(util::kRuneError)) return Errorf("invalid UTF-8 rune");
    if (r == kEofRune) return Errorf("unterminated raw string");
    if (r == string_open_) break;
  }
  Emit(ItemType::kString);
  return State::kStatements;
}

Lexer::State Lexer::LexSpace() {
  while (IsSpaceRune(Peek())) Next();
  Ignore();
  return State::kStatements;
}

Lexer::State Lexer::LexLineComment() {
  pos_ += 1;
  int32_t r = Next();
  while (!IsEndOfLine(r) && r != kEofRune) r = Next();
  Backup();
  Emit(ItemType::kComment);
  return State::kStatements;
}

Lexer::State Lexer::LexNumber() {
  if (!ScanNumber()) {
    return Errorf(fmt::format("bad number syntax: {}",
                              util::GoQuote(input_.substr(static_cast<size_t>(start_),
                                                          static_cast<size_t>(pos_ - start_)))));
  }
  Emit(ItemType::kNumber);
  return State::kStatements;
}

bool Lexer::ScanDurationKeyword() {
  while (IsAlpha(Next())) {
  }
  Backup();
  std::string_view word =
      input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_));
  static constexpr std::array<std::pair<std::string_view, ItemType>, 4> kWords = {{
      {"step", ItemType::kStep},
      {"range", ItemType::kRange},
      {"max_of", ItemType::kMaxOf},
      {"min_of", ItemType::kMinOf},
  }};
  for (const auto& [w, t] : kWords) {
    if (EqualFoldAscii(word, w)) {
      Emit(t);
      return true;
    }
  }
  return false;
}

Lexer::State Lexer::LexNumberOrDuration() {
  if (ScanNumber()) {
    Emit(ItemType::kNumber);
    return State::kStatements;
  }
  if (AcceptRemainingDuration()) {
    Backup();
    Emit(ItemType::kDuration);
    return State::kStatements;
  }
  return Errorf(fmt::format("bad number or duration syntax: {}",
                            util::GoQuote(input_.substr(static_cast<size_t>(start_),
                                                        static_cast<size_t>(pos_ - start_)))));
}

bool Lexer::AcceptRemainingDuration() {
  if (!Accept("smhdwy")) return false;
  Accept("s");
  while (Accept("0123456789")) {
    while (Accept("0123456789")) {
    }
    if (!Accept("smhdw")) return false;
    Accept("s");
  }
  return !IsAlphaNumeric(Next());
}

bool Lexer::ScanNumber() {
  int initial = pos_;
  std::string_view digits = "0123456789";
  if (!series_desc_ && Accept("0") && Accept("xX")) {
    Accept("_");
    digits = "0123456789abcdefABCDEF";
  }
  const bool hex = digits.size() > 10;
  Accept(".");
  Accept(digits);
  bool dot_consumed = false;
  bool exponent_consumed = false;
  for (;;) {
    int32_t p = Peek();
    if (!(ContainsRune(digits, p) || p == '.' || p == '_' || p == 'e' || p == 'E')) break;
    if (p == '.' && dot_consumed) {
      Accept(".");
      return false;
    }
    if ((p == 'e' || p == 'E') && exponent_consumed) {
      Accept("eE");
      return false;
    }
    if (Accept(".")) {
      dot_consumed = true;
      if (Accept("_.")) return false;
      if (hex) return false;
      continue;
    }
    if (Accept("eE")) {
      exponent_consumed = true;
      Accept("+-");
      if (Accept("._eE") || Peek() == kEofRune) return false;
      continue;
    }
    if (Accept("_")) {
      if (Accept("._eE") || Peek() == kEofRune) return false;
      continue;
    }
    AcceptRun(digits);
  }
  if (pos_ == initial) return false;
  int32_t r = Peek();
  return (series_desc_ && r == 'x') || !IsAlphaNumeric(r);
}

Lexer::State Lexer::LexIdentifier() {
  while (IsAlphaNumeric(Next())) {
  }
  Backup();
  Emit(ItemType::kIdentifier);
  return State::kStatements;
}

bool Lexer::PeekFollowedByLeftParen() const {
  for (size_t i = static_cast<size_t>(pos_); i < input_.size(); ++i) {
    char c = input_[i];
    if (!IsSpaceRune(static_cast<unsigned char>(c))) return c == '(';
  }
  return false;
}

Lexer::State Lexer::LexKeywordOrIdentifier() {
  for (;;) {
    int32_t r = Next();
    if (IsAlphaNumeric(r) || r == ':') continue;
    Backup();
    std::string_view word =
        input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_));
    ItemType kw;
    if (LookupKeyword(word, &kw)) {
      if ((kw == ItemType::kFill || kw == ItemType::kFillLeft || kw == ItemType::kFillRight) &&
          !PeekFollowedByLeftParen()) {
        Emit(ItemType::kIdentifier);
      } else {
        Emit(kw);
      }
    } else if (word.find(':') == std::string_view::npos) {
      Emit(ItemType::kIdentifier);
    } else {
      Emit(ItemType::kMetricIdentifier);
    }
    break;
  }
  if (series_desc_ && Peek() != '{') return State::kValueSequence;
  return State::kStatements;
}

Lexer::State Lexer::LexDurationExpr() {
  int32_t r = Next();
  if (r == kEofRune) return Errorf("unexpected end of input in duration expression");
  switch (r) {
    case ']':
      Emit(ItemType::kRightBracket);
      bracket_open_ = false;
      got_colon_ = false;
      return State::kStatements;
    case ':':
      Emit(ItemType::kColon);
      if (!got_duration_) {
        return Errorf("unexpected colon before duration in duration expression");
      }
      if (got_colon_) return Errorf("unexpected repeated colon in duration expression");
      got_colon_ = true;
      return State::kDurationExpr;
    case '(':
      Emit(ItemType::kLeftParen);
      ++paren_depth_;
      return State::kDurationExpr;
    case ')':
      Emit(ItemType::kRightParen);
      --paren_depth_;
      if (paren_depth_ < 0) return Errorf("unexpected right parenthesis ')'");
      return State::kDurationExpr;
    case '+':
      Emit(ItemType::kAdd);
      return State::kDurationExpr;
    case '-':
      Emit(ItemType::kSub);
      return State::kDurationExpr;
    case '*':
      Emit(ItemType::kMul);
      return State::kDurationExpr;
    case '/':
      Emit(ItemType::kDiv);
      return State::kDurationExpr;
    case '%':
      Emit(ItemType::kMod);
      return State::kDurationExpr;
    case '^':
      Emit(ItemType::kPow);
      return State::kDurationExpr;
    case ',':
      Emit(ItemType::kComma);
      return State::kDurationExpr;
    default:
      break;
  }
  if (IsSpaceRune(r)) {
    while (IsSpaceRune(Peek())) Next();
    Ignore();
    return State::kDurationExpr;
  }
  if (IsDurationKeywordStart(r)) {
    if (ScanDurationKeyword()) return State::kDurationExpr;
    return Errorf(fmt::format("unexpected character in duration expression: {}", QuoteRune(r)));
  }
  if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
    Backup();
    got_duration_ = true;
    return State::kNumberOrDuration;
  }
  return Errorf(fmt::format("unexpected character in duration expression: {}", QuoteRune(r)));
}

}  // namespace promkit::promql::parser
