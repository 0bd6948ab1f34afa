#include "textparse/promtext.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "textparse/internal/text_common.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::textparse {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Upstream's labels.FormatOpenMetricsFloat: Go's shortest form, with ".0" on integers.
void AppendOpenMetricsFloat(std::string& out, double f) {
  if (std::isnan(f)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(f)) {
    out.append(f > 0 ? "+Inf" : "-Inf");
    return;
  }
  if (f == 0) {  // -0 too
    out.append("0.0");
    return;
  }
  size_t start = out.size();
  util::AppendFloat(out, f, 'g', -1);
  std::string_view w(out.data() + start, out.size() - start);
  if (w.find_first_of("e.") == std::string_view::npos) out.append(".0");
}

// ---------------------------------------------------------------------------------------------
// Lexer: a hand-written copy of the automaton upstream generates from promlex.l, kept
// state-for-state because the error texts quote the exact token boundaries it produces.

using internal::Tok;
using internal::TokName;

// Lexer start conditions (promlex.l's %x states).
enum class State : uint8_t {
  kInit,
  kComment,
  kMeta1,
  kMeta2,
  kLabels,
  kLValue,
  kValue,
  kTimestamp
};

// Byte classes of the lexer, looked up in one table on the hot paths.
enum : uint8_t {
  kMetricStart = 1,  // [a-zA-Z_:]
  kMetricChar = 2,   // [a-zA-Z_:0-9]
  kLabelStart = 4,   // [a-zA-Z_]
  kLabelChar = 8,    // [a-zA-Z_0-9]
  kValueChar = 16,   // anything but NUL, blanks, newline and '{' (promlex.l's [^{ \t\n]+)
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    uint8_t v = 0;
    if (letter || c == ':') v |= kMetricStart | kMetricChar;
    if (digit) v |= kMetricChar | kLabelChar;
    if (letter) v |= kLabelStart | kLabelChar;
    if (c != 0 && c != ' ' && c != '\t' && c != '\n' && c != '{') v |= kValueChar;
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

constexpr bool Is(char c, uint8_t cls) { return (kClasses[static_cast<uint8_t>(c)] & cls) != 0; }
constexpr bool IsBlank(char c) { return c == ' ' || c == '\t'; }
constexpr bool IsMetricNameStart(char c) { return Is(c, kMetricStart); }
constexpr bool IsMetricNameChar(char c) { return Is(c, kMetricChar); }
constexpr bool IsLabelNameStart(char c) { return Is(c, kLabelStart); }
constexpr bool IsLabelNameChar(char c) { return Is(c, kLabelChar); }
constexpr bool IsValueChar(char c) { return Is(c, kValueChar); }

// Plain integers of up to 15 digits (most sample values) are exact doubles: no need for the
// general float parser.
bool ParseSmallInteger(std::string_view s, double* out) {
  size_t i = s.size() > 1 && s[0] == '-' ? 1 : 0;
  if (s.size() - i == 0 || s.size() - i > 15) return false;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = s[0] == '-' ? -static_cast<double>(v) : static_cast<double>(v);
  return true;
}

using internal::AppendUnescaped;
using internal::NormalNaN;

constexpr size_t kUnset = static_cast<size_t>(-1);

class PromTextParser final : public Parser {
 public:
  PromTextParser(std::string_view input, const PromTextOptions& opts)
      : b_(input.data()), n_(input.size()), len_(input.size() + 1), opts_(opts) {}

  bool Next() override;
  Entry entry() const override { return entry_; }
  const util::Status& Err() const override { return err_; }
  size_t error_offset() const override { return err_offset_; }

  std::string_view FamilyName() const override { return family_; }
  std::string_view HelpText() const override { return text_; }
  MetricType Type() const override { return mtype_; }
  std::string_view UnitText() const override { return {}; }
  std::string_view CommentText() const override { return text_; }

  std::string_view SeriesBytes() const override { return series_; }
  double Value() const override { return val_; }
  std::optional<int64_t> Timestamp() const override {
    return has_ts_ ? std::optional<int64_t>(ts_) : std::nullopt;
  }
  model::Labels Labels() const override;
  // The text format has neither exemplars nor created timestamps.
  bool NextExemplar(Exemplar*) override { return false; }
  std::optional<int64_t> CreatedTimestamp() override { return std::nullopt; }

 private:
  // The input behaves as if a '\n' were appended (upstream appends one); past that, NUL, which
  // is what upstream's lexer reads at the end of its buffer.
  char At(size_t i) const { return i < n_ ? b_[i] : (i == n_ ? '\n' : '\0'); }
  // Advances one byte; in label values, help text and comments NUL bytes are skipped over
  // (they are allowed there, and the automaton cannot match them).
  char Advance() {
    ++i_;
    if (i_ >= n_) return At(i_);
    if (skip_nul_ && b_[i_] == '\0') {
      while (i_ < n_ && b_[i_] == '\0') ++i_;
      return At(i_);
    }
    return b_[i_];
  }
  std::string_view View(size_t a, size_t b) const {
    return std::string_view(b_ + a, std::min(b, n_) - a);
  }
  // Input bytes [a, b), the virtual trailing newline included (for error messages).
  std::string Bytes(size_t a, size_t b) const {
    std::string s(View(std::min(a, n_), b));
    if (b > n_ && a <= n_) s.push_back('\n');
    return s;
  }

  Tok Lex();
  Tok NextToken() {
    Tok t;
    do t = Lex();
    while (t == Tok::kWhitespace);
    return t;
  }
  Tok LexWhitespace() {  // what Advance() would do, byte by byte
    ++i_;
    for (;;) {
      while (i_ < n_ && IsBlank(b_[i_])) ++i_;
      if (!skip_nul_ || i_ >= n_ || b_[i_] != '\0') return Tok::kWhitespace;
      while (i_ < n_ && b_[i_] == '\0') ++i_;
    }
  }
  // At the opening '"': consumes a quoted string with backslash escapes. False if it does not
  // close (the automaton aborts); i_ then points at the byte that stopped it.
  bool LexQuoted();
  Tok Abort() { return state_ == State::kComment ? ConsumeComment() : Tok::kInvalid; }
  Tok ConsumeComment();
  size_t LineEnd(size_t from) const;

  bool Fail(size_t offset, std::string msg) {
    err_ = util::Status::InvalidArgument(std::move(msg));
    err_offset_ = std::min(offset, n_);
    entry_ = Entry::kInvalid;
    done_ = true;
    return false;
  }
  bool ParseError(std::string_view expected, Tok got);
  bool ParseLabelValues();
  bool ParseMetricSuffix(Tok t);

  const char* b_;
  const size_t n_;    // input size
  const size_t len_;  // input size plus the virtual newline
  const PromTextOptions opts_;

  // Lexer state.
  size_t i_ = 0;      // next byte
  size_t start_ = 0;  // start of the current token
  State state_ = State::kInit;
  bool skip_nul_ = false;

  // Parser state.
  Entry entry_ = Entry::kInvalid;
  util::Status err_;
  size_t err_offset_ = 0;
  bool done_ = false;
  size_t line_start_ = 0;
  std::string_view series_;
  std::string_view family_;
  std::string_view text_;
  std::string scratch_family_;
  std::string scratch_text_;
  MetricType mtype_ = MetricType::kUnknown;
  double val_ = 0;
  int64_t ts_ = 0;
  bool has_ts_ = false;
  // [0], [1]: the metric name's bytes (kUnset while a brace-first series has none yet); then
  // four offsets per label: name begin, end, value begin, end (quotes stripped, escapes kept).
  std::vector<size_t> offsets_;

  // Labels() scratch, reused.
  mutable std::string lb_scratch_;
  struct Piece {
    std::string_view direct;  // when scratch_off == kUnset
    size_t scratch_off;
    size_t scratch_len;
  };
  mutable std::vector<Piece> lb_pieces_;
  mutable std::vector<model::Label> lb_labels_;
};

// Position of the first '\n' at or after `from`, the virtual one at n_ included.
size_t PromTextParser::LineEnd(size_t from) const {
  if (from >= n_) return n_;
  const void* nl = std::memchr(b_ + from, '\n', n_ - from);
  return nl == nullptr ? n_ : static_cast<size_t>(static_cast<const char*>(nl) - b_);
}

Tok PromTextParser::ConsumeComment() {
  // Runs to the end of the line. A NUL where it starts ends the input; so does any NUL when
  // NULs are not being skipped (a '#' directly followed by text).
  if (At(i_) == '\0') return Tok::kEof;
  const size_t end = LineEnd(i_);
  if (!skip_nul_ && std::memchr(b_ + i_, '\0', end - i_) != nullptr) {
    i_ = static_cast<const char*>(std::memchr(b_ + i_, '\0', end - i_)) - b_;
    return Tok::kEof;
  }
  i_ = end;
  state_ = State::kInit;
  return Tok::kComment;
}

bool PromTextParser::LexQuoted() {
  size_t i = i_ + 1;
  for (;;) {
    while (i < n_) {
      const char c = b_[i];
      if (c == '"' || c == '\\' || (c == '\0' && !skip_nul_)) break;
      ++i;
    }
    if (i >= n_) {
      // Past the virtual newline (allowed inside quotes) the input ends: no closing quote.
      i_ = len_;
      return false;
    }
    i_ = i;
    if (b_[i] == '"') {
      Advance();
      return true;
    }
    if (b_[i] == '\0') return false;
    const char escaped = Advance();  // after a backslash: anything but a newline
    if (escaped == '\0' || escaped == '\n') return false;
    i = i_ + 1;
  }
}

Tok PromTextParser::Lex() {
  if (i_ >= len_) return Tok::kEof;
  start_ = i_;
  for (;;) {  // loops once more after "#[ \t]+" switches to the comment state
    const char c = At(i_);
    skip_nul_ = state_ == State::kLValue || state_ == State::kMeta2 || state_ == State::kComment;
    switch (state_) {
      case State::kInit:
        if (IsMetricNameStart(c)) {
          ++i_;
          while (i_ < n_ && IsMetricNameChar(b_[i_])) ++i_;
          state_ = State::kValue;
          return Tok::kMName;
        }
        if (c == '#') {
          if (IsBlank(Advance())) {
            while (IsBlank(Advance())) {
            }
            state_ = State::kComment;
            continue;
          }
          return ConsumeComment();
        }
        if (c == '\n') {
          Advance();
          return Tok::kLinebreak;
        }
        if (IsBlank(c)) return LexWhitespace();
        if (c == '\0') {
          Advance();
          return Tok::kEof;
        }
        if (c == '{') {
          Advance();
          state_ = State::kLabels;
          return Tok::kBraceOpen;
        }
        return Abort();

      case State::kComment: {
        if (IsBlank(c)) return LexWhitespace();
        std::string_view word;
        if (c == 'H') {
          word = "ELP";
        } else if (c == 'T') {
          word = "YPE";
        } else {
          return Abort();
        }
        for (char w : word) {
          if (Advance() != w) return Abort();
        }
        if (!IsBlank(Advance())) return Abort();
        while (IsBlank(Advance())) {
        }
        state_ = State::kMeta1;
        return c == 'H' ? Tok::kHelp : Tok::kType;
      }

      case State::kMeta1:
        if (c == '"') {
          if (!LexQuoted()) return Abort();
          state_ = State::kMeta2;
          return Tok::kMName;
        }
        if (IsMetricNameStart(c)) {
          ++i_;
          while (i_ < n_ && IsMetricNameChar(b_[i_])) ++i_;
          state_ = State::kMeta2;
          return Tok::kMName;
        }
        if (IsBlank(c)) return LexWhitespace();
        return Abort();

      case State::kMeta2: {
        char d = c;
        if (IsBlank(d)) {
          do d = Advance();
          while (IsBlank(d));
          if (d == '\0' || d == '\n') return Tok::kWhitespace;
        }
        // The rest of the line (possibly empty) is the text; NULs in it are skipped.
        if (d != '\0' && d != '\n') i_ = LineEnd(i_);
        state_ = State::kInit;
        return Tok::kText;
      }

      case State::kLabels:
        if (IsLabelNameStart(c)) {
          ++i_;
          while (i_ < n_ && IsLabelNameChar(b_[i_])) ++i_;
          return Tok::kLName;
        }
        switch (c) {
          case '"':
            if (!LexQuoted()) return Abort();
            return Tok::kQString;
          case ',':
            Advance();
            return Tok::kComma;
          case '=':
            Advance();
            state_ = State::kLValue;
            return Tok::kEqual;
          case '}':
            Advance();
            state_ = State::kValue;
            return Tok::kBraceClose;
          case ' ':
          case '\t':
            return LexWhitespace();
          default:
            return Abort();
        }

      case State::kLValue:
        if (c == '"') {
          if (!LexQuoted()) return Abort();
          state_ = State::kLabels;
          return Tok::kLValue;
        }
        if (IsBlank(c)) return LexWhitespace();
        return Abort();

      case State::kValue:
        if (IsValueChar(c)) {
          ++i_;
          while (i_ < n_ && IsValueChar(b_[i_])) ++i_;
          state_ = State::kTimestamp;
          return Tok::kValue;
        }
        if (IsBlank(c)) return LexWhitespace();
        if (c == '{') {
          Advance();
          state_ = State::kLabels;
          return Tok::kBraceOpen;
        }
        return Abort();

      case State::kTimestamp:
        if (IsDigit(c)) {
          ++i_;
          while (i_ < n_ && IsDigit(b_[i_])) ++i_;
          return Tok::kTimestamp;
        }
        if (c == '\n') {
          Advance();
          state_ = State::kInit;
          return Tok::kLinebreak;
        }
        if (IsBlank(c)) return LexWhitespace();
        return Abort();
    }
    return Abort();
  }
}

bool PromTextParser::ParseError(std::string_view expected, Tok got) {
  const size_t e = std::min(len_, i_ + 1);
  return Fail(start_, fmt::format("{}, got {} ({}) while parsing: {}", expected,
                                  util::GoQuote(Bytes(start_, e)), util::GoQuote(TokName(got)),
                                  util::GoQuote(Bytes(line_start_, e))));
}

bool PromTextParser::Next() {
  if (done_) return false;
  for (;;) {
    line_start_ = i_;
    offsets_.clear();
    const Tok t = NextToken();
    switch (t) {
      case Tok::kEof:
        entry_ = Entry::kInvalid;
        done_ = true;
        return false;

      case Tok::kLinebreak:
        continue;  // blank line

      case Tok::kHelp:
      case Tok::kType: {
        Tok t2 = NextToken();
        if (t2 != Tok::kMName) {
          return ParseError(fmt::format("expected metric name after {}", TokName(t)), t2);
        }
        size_t m_begin = start_;
        size_t m_end = i_;
        bool quoted = false;
        if (At(m_begin) == '"' && At(m_end - 1) == '"') {
          ++m_begin;
          --m_end;
          quoted = true;
        }
        family_ = View(m_begin, m_end);
        if (quoted && family_.find('\\') != std::string_view::npos) {
          scratch_family_.clear();
          AppendUnescaped(scratch_family_, family_, /*quotes=*/true);
          family_ = scratch_family_;
        }
        t2 = NextToken();
        if (t2 != Tok::kText) {
          return Fail(start_, fmt::format("expected text in {}, got {}", TokName(t), TokName(t2)));
        }
        // The text token starts with the blank that separated it from the name.
        const size_t text_begin = i_ - start_ > 1 ? start_ + 1 : i_;
        std::string_view text = View(text_begin, i_);
        if (t == Tok::kType) {
          if (text == "counter") {
            mtype_ = MetricType::kCounter;
          } else if (text == "gauge") {
            mtype_ = MetricType::kGauge;
          } else if (text == "histogram") {
            mtype_ = MetricType::kHistogram;
          } else if (text == "summary") {
            mtype_ = MetricType::kSummary;
          } else if (text == "untyped") {
            mtype_ = MetricType::kUnknown;
          } else {
            return Fail(text_begin, fmt::format("invalid metric type {}", util::GoQuote(text)));
          }
          text_ = {};
        } else {
          if (!util::IsValidUtf8(text)) {
            return Fail(text_begin, fmt::format("help text {} is not a valid utf8 string",
                                                util::GoQuote(text)));
          }
          text_ = text;
          if (text.find('\\') != std::string_view::npos) {
            scratch_text_.clear();
            AppendUnescaped(scratch_text_, text, /*quotes=*/false);
            text_ = scratch_text_;
          }
        }
        const Tok t3 = NextToken();
        if (t3 != Tok::kLinebreak) return ParseError("linebreak expected after metadata", t3);
        entry_ = t == Tok::kHelp ? Entry::kHelp : Entry::kType;
        return true;
      }

      case Tok::kComment: {
        text_ = View(start_, i_);
        const Tok t2 = NextToken();
        if (t2 != Tok::kLinebreak) return ParseError("linebreak expected after comment", t2);
        entry_ = Entry::kComment;
        return true;
      }

      case Tok::kBraceOpen: {
        offsets_.push_back(kUnset);
        offsets_.push_back(kUnset);
        if (!ParseLabelValues()) return false;
        series_ = View(line_start_, i_);
        return ParseMetricSuffix(NextToken());
      }

      case Tok::kMName: {
        // Upstream starts the name at the line start, so leading blanks become part of it.
        offsets_.push_back(line_start_);
        offsets_.push_back(i_);
        series_ = View(line_start_, i_);
        Tok t2 = NextToken();
        if (t2 == Tok::kBraceOpen) {
          if (!ParseLabelValues()) return false;
          series_ = View(line_start_, i_);
          t2 = NextToken();
        }
        return ParseMetricSuffix(t2);
      }

      default:
        return ParseError("expected a valid start token", t);
    }
  }
}

bool PromTextParser::ParseLabelValues() {
  Tok t = NextToken();
  for (;;) {
    size_t tok_begin = start_;
    size_t tok_end = i_;
    bool qstring = false;
    switch (t) {
      case Tok::kBraceClose:
        return true;
      case Tok::kLName:
        break;
      case Tok::kQString:
        qstring = true;
        break;
      default:
        return ParseError("expected label name", t);
    }
    t = NextToken();
    // A quoted string alone between separators is the metric name.
    if (qstring && (t == Tok::kComma || t == Tok::kBraceClose)) {
      if (offsets_[0] != kUnset || offsets_[1] != kUnset) {
        return Fail(tok_begin, fmt::format("metric name already set while parsing: {}",
                                           util::GoQuote(Bytes(line_start_, i_))));
      }
      offsets_[0] = tok_begin + 1;
      offsets_[1] = tok_end - 1;
      if (t == Tok::kBraceClose) return true;
      t = NextToken();
      continue;
    }
    if (At(tok_begin) == '"') {
      ++tok_begin;
      --tok_end;
    }
    offsets_.push_back(tok_begin);
    offsets_.push_back(tok_end);
    if (t != Tok::kEqual) return ParseError("expected equal", t);
    t = NextToken();
    if (t != Tok::kLValue) return ParseError("expected label value", t);
    std::string_view raw = View(start_, i_);
    if (!util::IsValidUtf8(raw)) {
      return Fail(start_, fmt::format("invalid UTF-8 label value: {}", util::GoQuote(raw)));
    }
    offsets_.push_back(start_ + 1);
    offsets_.push_back(i_ - 1);
    // One trailing comma is allowed; blanks between terms are too (upstream quirk).
    t = NextToken();
    if (t == Tok::kComma) t = NextToken();
  }
}

bool PromTextParser::ParseMetricSuffix(Tok t) {
  if (offsets_[0] == kUnset) {
    return Fail(line_start_, fmt::format("metric name not set while parsing: {}",
                                         util::GoQuote(Bytes(line_start_, i_))));
  }
  if (t != Tok::kValue) return ParseError("expected value after metric", t);
  std::string_view v = View(start_, i_);
  if (v.find_first_of("pP_") != std::string_view::npos) {
    return Fail(start_, fmt::format("unsupported character in float while parsing: {}",
                                    util::GoQuote(Bytes(line_start_, i_))));
  }
  if (!ParseSmallInteger(v, &val_)) {
    util::Result<double> f = util::ParseFloat(v);
    if (!f.ok()) {
      return Fail(start_, fmt::format("{} while parsing: {}", f.status().message(),
                                      util::GoQuote(Bytes(line_start_, i_))));
    }
    val_ = std::isnan(*f) ? NormalNaN() : *f;
  }
  has_ts_ = false;
  t = NextToken();
  if (t == Tok::kTimestamp) {
    std::string_view d = View(start_, i_);
    int64_t ts = 0;
    auto [ptr, ec] = std::from_chars(d.data(), d.data() + d.size(), ts);
    if (ec != std::errc() || ptr != d.data() + d.size()) {
      return Fail(start_,
                  fmt::format("strconv.ParseInt: parsing {}: value out of range while parsing: {}",
                              util::GoQuote(d), util::GoQuote(Bytes(line_start_, i_))));
    }
    ts_ = ts;
    has_ts_ = true;
    const Tok t2 = NextToken();
    if (t2 != Tok::kLinebreak) return ParseError("expected next entry after timestamp", t2);
  } else if (t != Tok::kLinebreak) {
    return ParseError("expected timestamp or new record", t);
  }
  entry_ = Entry::kSeries;
  return true;
}

model::Labels PromTextParser::Labels() const {
  if (entry_ != Entry::kSeries) return {};
  // Strings that need no rewriting are views into the input; unescaped names and values and
  // normalized le/quantile values are written to lb_scratch_ and resolved to views at the end,
  // once the scratch buffer has stopped growing.
  lb_scratch_.clear();
  lb_pieces_.clear();
  auto add = [&](std::string_view s, bool unescape) {
    if (unescape && s.find('\\') != std::string_view::npos) {
      const size_t begin = lb_scratch_.size();
      AppendUnescaped(lb_scratch_, s, /*quotes=*/true);
      lb_pieces_.push_back(Piece{{}, begin, lb_scratch_.size() - begin});
      return std::string_view(lb_scratch_).substr(begin);
    }
    lb_pieces_.push_back(Piece{s, kUnset, 0});
    return s;
  };
  const bool tu = opts_.type_and_unit_labels;
  const bool has_type = mtype_ != MetricType::kUnknown;
  // Pieces come in name/value pairs; a pair is dropped by popping both.
  add(model::kMetricName, false);
  const bool name_empty = add(View(offsets_[0], offsets_[1]), true).empty();
  if (tu) {
    if (name_empty) {  // upstream adds no empty __name__ in this mode
      lb_pieces_.pop_back();
      lb_pieces_.pop_back();
    }
    if (has_type) {
      add("__type__", false);
      add(MetricTypeName(mtype_), false);
    }
  }
  for (size_t k = 2; k + 3 < offsets_.size(); k += 4) {
    const std::string_view label = add(View(offsets_[k], offsets_[k + 1]), true);
    if (tu && ((label == model::kMetricName && !name_empty) || (label == "__type__" && has_type))) {
      lb_pieces_.pop_back();
      continue;
    }
    const std::string_view value_raw = View(offsets_[k + 2], offsets_[k + 3]);
    const bool normalize = (mtype_ == MetricType::kSummary && label == "quantile") ||
                           (mtype_ == MetricType::kHistogram && label == "le");
    if (normalize) {
      std::string value;
      AppendUnescaped(value, value_raw, /*quotes=*/true);
      util::Result<double> f = util::ParseFloat(value);
      if (f.ok()) {
        const size_t begin = lb_scratch_.size();
        AppendOpenMetricsFloat(lb_scratch_, *f);
        lb_pieces_.push_back(Piece{{}, begin, lb_scratch_.size() - begin});
        continue;
      }
    }
    add(value_raw, true);
  }
  lb_labels_.clear();
  const std::string_view scratch(lb_scratch_);
  auto resolve = [&](const Piece& p) {
    return p.scratch_off == kUnset ? p.direct : scratch.substr(p.scratch_off, p.scratch_len);
  };
  for (size_t k = 0; k + 1 < lb_pieces_.size(); k += 2) {
    lb_labels_.push_back(model::Label{resolve(lb_pieces_[k]), resolve(lb_pieces_[k + 1])});
  }
  // Stable, so duplicate names (which upstream also passes through) keep input order. Label
  // sets are small: insertion sort, which allocates nothing; stable_sort for big ones.
  auto by_name = [](const model::Label& a, const model::Label& b) { return a.name < b.name; };
  if (lb_labels_.size() <= 32) {
    for (size_t k = 1; k < lb_labels_.size(); ++k) {
      for (size_t j = k; j > 0 && by_name(lb_labels_[j], lb_labels_[j - 1]); --j) {
        std::swap(lb_labels_[j], lb_labels_[j - 1]);
      }
    }
  } else {
    std::stable_sort(lb_labels_.begin(), lb_labels_.end(), by_name);
  }
  return model::Labels::FromSorted(lb_labels_);
}

}  // namespace

std::unique_ptr<Parser> NewPromTextParser(std::string_view input, const PromTextOptions& opts) {
  return std::make_unique<PromTextParser>(input, opts);
}

}  // namespace promkit::textparse
