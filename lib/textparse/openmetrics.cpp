#include "textparse/openmetrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "textparse/internal/text_common.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::textparse {
namespace {

// ---------------------------------------------------------------------------------------------
// Lexer
//
// A hand-written state machine that reproduces, token for token, the DFA upstream generates from
// model/textparse/openmetricslex.l with golex. The details matter because upstream's error
// messages print the bytes between the token start and one past the lexer position, so where the
// lexer stops on bad input is part of the observable behaviour:
//  - no backtracking: on a byte a state cannot take, the token is invalid and the position stays
//    on that byte;
//  - the end of input reads as a NUL byte, which no rule accepts;
//  - in the comment, metadata-text and label-value states, NUL bytes are skipped while reading
//    (upstream's workaround so they may appear in help texts and label values) — except for the
//    first byte of a token;
//  - at the end of input Lex() returns kEof without moving the token start.
// ---------------------------------------------------------------------------------------------

using internal::Tok;
using internal::TokName;

enum class LexState : uint8_t {
  kInit,
  kComment,     // after "# "
  kMeta1,       // after "# HELP ", "# TYPE ", "# UNIT ": the family name
  kMeta2,       // the rest of a metadata line
  kLabels,      // inside {...} of a sample
  kLValue,      // after '=' inside {...}
  kValue,       // after the metric name: '{' or " value"
  kTimestamp,   // after the value: " timestamp", " # {" or newline
  kExemplar,    // inside the exemplar's {...}
  kEValue,      // after '=' or '}' of an exemplar
  kETimestamp,  // after the exemplar value
};

inline bool IsAlpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*
inline bool IsMetricStart(unsigned char c) { return IsAlpha(c) || c == '_' || c == ':'; }
inline bool IsMetricChar(unsigned char c) { return IsMetricStart(c) || IsDigit(c); }
// Label names: [a-zA-Z_][a-zA-Z0-9_]*
inline bool IsLabelStart(unsigned char c) { return IsAlpha(c) || c == '_'; }
inline bool IsLabelChar(unsigned char c) { return IsLabelStart(c) || IsDigit(c); }
// Values and timestamps: [^ \n] (and not NUL, which stands for the end of input).
inline bool IsValueChar(unsigned char c) { return c != 0 && c != ' ' && c != '\n'; }

struct Lexer {
  std::string_view b;
  size_t i = 0;      // position of the byte being looked at
  size_t start = 0;  // start of the last token
  LexState state = LexState::kInit;

  std::string_view Buf() const { return b.substr(start, i - start); }

  // Moves to the next byte and returns it, or 0 at the end of input.
  unsigned char Adv() {
    ++i;
    if (i >= b.size()) {
      i = b.size();
      return 0;
    }
    while (b[i] == 0 && (state == LexState::kLValue || state == LexState::kMeta2 ||
                         state == LexState::kComment)) {
      if (++i >= b.size()) return 0;
    }
    return static_cast<unsigned char>(b[i]);
  }

  // Skips bytes for which pred holds; returns the first byte that does not (or 0 at the end).
  // Equivalent to calling Adv() in a loop: pred never accepts NUL, so no skipping applies.
  template <typename Pred>
  unsigned char AdvWhile(Pred pred) {
    const size_t n = b.size();
    while (i + 1 < n && pred(static_cast<unsigned char>(b[i + 1]))) ++i;
    return Adv();
  }

  // At a '"': consumes a quoted string with backslash escapes. Returns false (position on the
  // offending byte) when it is not closed.
  bool ScanQuoted(bool allow_newline) {
    unsigned char c = Adv();
    for (;;) {
      if (c == '"') {
        Adv();
        return true;
      }
      if (c == '\\') {
        c = Adv();
        if (c == 0 || c == '\n') return false;
        c = Adv();
        continue;
      }
      if (c == 0 || (!allow_newline && c == '\n')) return false;
      c = AdvWhile([allow_newline](unsigned char x) {
        return x != 0 && x != '"' && x != '\\' && (allow_newline || x != '\n');
      });
    }
  }

  // Consumes the bytes of `word` after the current one; false on the first mismatch.
  bool Expect(std::string_view word) {
    for (char w : word) {
      if (Adv() != static_cast<unsigned char>(w)) return false;
    }
    return true;
  }

  Tok Lex() {
    if (i >= b.size()) return Tok::kEof;
    unsigned char c = static_cast<unsigned char>(b[i]);
    start = i;
    for (;;) {
      switch (state) {
        case LexState::kInit:
          if (c == '#') {
            if (Adv() != ' ') return Tok::kInvalid;
            c = Adv();  // read before switching state: no NUL skipping for this byte
            state = LexState::kComment;
            continue;
          }
          if (IsMetricStart(c)) {
            AdvWhile(IsMetricChar);
            state = LexState::kValue;
            return Tok::kMName;
          }
          if (c == '{') {
            Adv();
            state = LexState::kLabels;
            return Tok::kBraceOpen;
          }
          return Tok::kInvalid;

        case LexState::kComment:
          switch (c) {
            case 'E':
              if (!Expect("OF")) return Tok::kInvalid;
              if (Adv() == '\n') Adv();
              state = LexState::kInit;
              return Tok::kEofWord;
            case 'H':
              if (!Expect("ELP ")) return Tok::kInvalid;
              Adv();
              state = LexState::kMeta1;
              return Tok::kHelp;
            case 'T':
              if (!Expect("YPE ")) return Tok::kInvalid;
              Adv();
              state = LexState::kMeta1;
              return Tok::kType;
            case 'U':
              if (!Expect("NIT ")) return Tok::kInvalid;
              Adv();
              state = LexState::kMeta1;
              return Tok::kUnit;
            default:
              return Tok::kInvalid;
          }

        case LexState::kMeta1:
          if (c == '"') {
            if (!ScanQuoted(/*allow_newline=*/true)) return Tok::kInvalid;
            state = LexState::kMeta2;
            return Tok::kMName;
          }
          if (IsMetricStart(c)) {
            AdvWhile(IsMetricChar);
            state = LexState::kMeta2;
            return Tok::kMName;
          }
          return Tok::kInvalid;

        case LexState::kMeta2:
          if (c != ' ') return Tok::kInvalid;
          for (;;) {
            c = AdvWhile([](unsigned char x) { return x != 0 && x != '\n'; });
            if (c == '\n') {
              Adv();
              state = LexState::kInit;
              return Tok::kText;
            }
            if (c == 0) return Tok::kInvalid;
          }

        case LexState::kLabels:
        case LexState::kExemplar: {
          const bool exemplar = state == LexState::kExemplar;
          if (c == '"') {
            // Quoted label (or metric) names may span lines in a sample, not in an exemplar.
            if (!ScanQuoted(/*allow_newline=*/!exemplar)) return Tok::kInvalid;
            return Tok::kQString;
          }
          if (c == ',') {
            Adv();
            return Tok::kComma;
          }
          if (c == '=') {
            Adv();
            state = exemplar ? LexState::kEValue : LexState::kLValue;
            return Tok::kEqual;
          }
          if (c == '}') {
            Adv();
            state = exemplar ? LexState::kEValue : LexState::kValue;
            return Tok::kBraceClose;
          }
          if (IsLabelStart(c)) {
            AdvWhile(IsLabelChar);
            return Tok::kLName;
          }
          return Tok::kInvalid;
        }

        case LexState::kLValue:
          if (c != '"' || !ScanQuoted(/*allow_newline=*/false)) return Tok::kInvalid;
          state = LexState::kLabels;
          return Tok::kLValue;

        case LexState::kValue:
          if (c == '{') {
            Adv();
            state = LexState::kLabels;
            return Tok::kBraceOpen;
          }
          if (c != ' ' || !IsValueChar(Adv())) return Tok::kInvalid;
          AdvWhile(IsValueChar);
          state = LexState::kTimestamp;
          return Tok::kValue;

        case LexState::kTimestamp:
          if (c == '\n') {
            Adv();
            state = LexState::kInit;
            return Tok::kLinebreak;
          }
          if (c != ' ') return Tok::kInvalid;
          c = Adv();
          if (c == '#') {
            c = Adv();
            if (c == ' ') {
              if (Adv() != '{') return Tok::kInvalid;
              Adv();
              state = LexState::kExemplar;
              return Tok::kComment;
            }
            if (IsValueChar(c)) AdvWhile(IsValueChar);
            return Tok::kTimestamp;  // " #" followed by anything else is a timestamp
          }
          if (!IsValueChar(c)) return Tok::kInvalid;
          AdvWhile(IsValueChar);
          return Tok::kTimestamp;

        case LexState::kEValue:
          if (c == '"') {
            if (!ScanQuoted(/*allow_newline=*/false)) return Tok::kInvalid;
            state = LexState::kExemplar;
            return Tok::kLValue;
          }
          if (c != ' ' || !IsValueChar(Adv())) return Tok::kInvalid;
          AdvWhile(IsValueChar);
          state = LexState::kETimestamp;
          return Tok::kValue;

        case LexState::kETimestamp:
          if (c == '\n') {
            Adv();
            state = LexState::kInit;
            return Tok::kLinebreak;
          }
          if (c != ' ' || !IsValueChar(Adv())) return Tok::kInvalid;
          AdvWhile(IsValueChar);
          return Tok::kTimestamp;
      }
      return Tok::kInvalid;
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

constexpr size_t kUnset = std::numeric_limits<size_t>::max();
constexpr std::string_view kCreatedSuffix = "_created";

// Go's int64(f) on amd64: truncation toward zero; NaN and out-of-range values give MinInt64.
int64_t GoFloatToInt64(double f) {
  if (!(f > -9223372036854775808.0 && f < 9223372036854775808.0)) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(f);
}

// Go's fmt "%f" for the values the parser rejects as timestamps (NaN and infinities).
std::string GoFormatNonFinite(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  return fmt::format("{:f}", f);
}

// Sample values and timestamps keep to the float syntax Prometheus accepted before Go 1.13:
// no hexadecimal exponents and no digit separators.
util::Result<double> ParseSampleFloat(std::string_view s) {
  if (s.find_first_of("pP_") != std::string_view::npos) {
    return util::Status::InvalidArgument("unsupported character in float");
  }
  return util::ParseFloat(s);
}

bool TypeHasCreated(MetricType t) {
  return t == MetricType::kCounter || t == MetricType::kSummary || t == MetricType::kHistogram;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

// Everything Next() changes. CreatedTimestamp() scans ahead on a copy and swaps it back.
struct Cursor {
  Lexer lex;
  size_t start = 0;  // offset of the current line
  Entry entry = Entry::kInvalid;
  // Offsets into the input: [0,1) the metric name (kUnset until seen), then per label
  // [name begin, name end, value begin, value end). Quotes are excluded; escapes are not resolved.
  std::vector<size_t> offsets;
  std::string_view series;
  double val = 0;
  int64_t ts = 0;
  bool has_ts = false;

  // Exemplar of the current sample: label offsets as above (no metric name), its bytes (empty
  // when there is none, or once returned), value and timestamp.
  std::vector<size_t> e_offsets;
  std::string_view exemplar;
  double exemplar_val = 0;
  int64_t exemplar_ts = 0;
  bool has_exemplar_ts = false;

  // Metadata: the last HELP/TYPE/UNIT line's text and name, and the type in force.
  std::string_view text;
  size_t name_begin = 0, name_end = 0;  // family name of a metadata line, quotes excluded
  size_t mf_name_len = 0;
  MetricType mtype = MetricType::kUnknown;
  std::string_view unit;
};

class OpenMetricsParser final : public Parser {
 public:
  OpenMetricsParser(std::string_view input, const OpenMetricsOptions& opts) : opts_(opts) {
    cur_.lex.b = input;
    cur_.offsets.reserve(16);
    cur_.e_offsets.reserve(8);
  }

  bool Next() override {
    if (done_) return false;
    bool eof = false;
    size_t off = 0;
    util::Status st = Step(&eof, &off);
    if (!st.ok()) {
      err_ = std::move(st);
      err_offset_ = std::min(off, input().size());
      cur_.entry = Entry::kInvalid;
      done_ = true;
      return false;
    }
    if (eof) {
      cur_.entry = Entry::kInvalid;
      done_ = true;
      return false;
    }
    return true;
  }

  Entry entry() const override { return cur_.entry; }
  const util::Status& Err() const override { return err_; }
  size_t error_offset() const override { return err_offset_; }

  std::string_view FamilyName() const override {
    std::string_view raw = input().substr(cur_.name_begin, cur_.name_end - cur_.name_begin);
    if (raw.find('\\') == std::string_view::npos) return raw;
    scratch_.clear();
    internal::AppendUnescaped(scratch_, raw, /*quotes=*/true);
    return scratch_;
  }

  std::string_view HelpText() const override {
    if (cur_.text.find('\\') == std::string_view::npos) return cur_.text;
    scratch_.clear();
    internal::AppendUnescaped(scratch_, cur_.text, /*quotes=*/true);
    return scratch_;
  }

  MetricType Type() const override { return cur_.mtype; }
  std::string_view UnitText() const override { return cur_.unit; }
  // OpenMetrics has no free-form comments: a '#' line other than HELP/TYPE/UNIT/EOF is an
  // error, so there is never a kComment entry.
  std::string_view CommentText() const override { return {}; }

  std::string_view SeriesBytes() const override { return cur_.series; }
  double Value() const override { return cur_.val; }
  std::optional<int64_t> Timestamp() const override {
    if (!cur_.has_ts) return std::nullopt;
    return cur_.ts;
  }

  model::Labels Labels() const override;
  bool NextExemplar(Exemplar* e) override;
  std::optional<int64_t> CreatedTimestamp() override;

 private:
  std::string_view input() const { return cur_.lex.b; }

  // One entry. On success sets cur_.entry, or *eof at a clean "# EOF". On error returns it with
  // *err_off set to the offending byte.
  util::Status Step(bool* eof, size_t* err_off);
  util::Status ParseLabelValues(std::vector<size_t>* offsets, bool exemplar, size_t* err_off);
  util::Status ParseSeriesEndOfLine(Tok t, size_t* err_off);
  util::Status ParseExemplar(size_t* err_off);
  util::Status ParseValue(Tok t, std::string_view after, double* out, size_t* err_off);
  util::Status ParseTimestamp(std::string_view what, int64_t* out, size_t* err_off);
  // "<exp>, got "<token>" ("<NAME>") while parsing: "<line so far>"", as upstream.
  util::Status ParseError(std::string_view exp, Tok got, size_t* err_off) const;

  bool IsCreatedSeries() const {
    return TypeHasCreated(cur_.mtype) && EndsWith(SeriesName(), kCreatedSuffix);
  }
  // The metric name of the current sample as written (quotes removed, escapes kept).
  std::string_view SeriesName() const {
    return input().substr(cur_.offsets[0], cur_.offsets[1] - cur_.offsets[0]);
  }
  // Identity of a sample for matching it with its `_created` line: the family name plus the
  // labels other than `le` (histograms) and `quantile` (summaries), raw bytes, length-prefixed.
  void CreatedKey(std::string_view family, std::string* key) const;

  OpenMetricsOptions opts_;
  Cursor cur_;
  Cursor saved_;  // scratch for CreatedTimestamp()
  bool peeking_ = false;
  bool done_ = false;
  util::Status err_;
  size_t err_offset_ = 0;

  // CreatedTimestamp() cache: the key of the last sample a `_created` line was found for.
  bool ct_valid_ = false;
  int64_t ct_ = 0;
  std::string ct_key_;
  std::string key_scratch_;
  // A scan ahead from no_ct_from_ reached a non-sample entry at no_ct_until_ without seeing any
  // `_created` sample, so a scan from anywhere in between will find none either.
  size_t no_ct_from_ = 1, no_ct_until_ = 0;

  mutable std::string scratch_;
  mutable std::vector<model::Label> label_scratch_;
  mutable std::vector<std::pair<size_t, size_t>> span_scratch_;
};

util::Status OpenMetricsParser::ParseError(std::string_view exp, Tok got, size_t* err_off) const {
  const Lexer& l = cur_.lex;
  const size_t e = std::min(l.b.size(), l.i + 1);
  *err_off = got == Tok::kInvalid || got == Tok::kEof ? l.i : l.start;
  return util::Status::InvalidArgument(fmt::format(
      "{}, got {} ({}) while parsing: {}", exp, util::GoQuote(l.b.substr(l.start, e - l.start)),
      util::GoQuote(TokName(got)), util::GoQuote(l.b.substr(cur_.start, e - cur_.start))));
}

util::Status OpenMetricsParser::Step(bool* eof, size_t* err_off) {
  Cursor& c = cur_;
  Lexer& l = c.lex;
  for (;;) {  // skipped `_created` samples loop back here
    c.start = l.i;
    c.offsets.clear();
    if (!peeking_) {
      c.e_offsets.clear();
      c.exemplar = {};
      c.exemplar_val = 0;
      c.has_exemplar_ts = false;
    }

    const Tok t = l.Lex();
    switch (t) {
      case Tok::kEofWord:
        if (l.Lex() != Tok::kEof) {
          *err_off = l.start;
          return util::Status::InvalidArgument("unexpected data after # EOF");
        }
        *eof = true;
        return util::Status::Ok();

      case Tok::kEof:
        *err_off = l.b.size();
        return util::Status::InvalidArgument("data does not end with # EOF");

      case Tok::kHelp:
      case Tok::kType:
      case Tok::kUnit: {
        const Tok name_tok = l.Lex();
        if (name_tok != Tok::kMName) {
          return ParseError(fmt::format("expected metric name after {}", TokName(t)), name_tok,
                            err_off);
        }
        size_t nb = l.start, ne = l.i;
        if (l.b[nb] == '"' && l.b[ne - 1] == '"') {
          ++nb;
          --ne;
        }
        c.name_begin = nb;
        c.name_end = ne;
        c.mf_name_len = ne - nb;
        if (l.Lex() != Tok::kText) {
          *err_off = l.start;
          return util::Status::InvalidArgument(fmt::format("expected text in {}", TokName(t)));
        }
        const std::string_view buf = l.Buf();  // " text\n"
        c.text = buf.size() > 1 ? buf.substr(1, buf.size() - 2) : std::string_view();
        const size_t text_off = l.start + 1;
        if (t == Tok::kType) {
          static constexpr std::pair<std::string_view, MetricType> kTypes[] = {
              {"counter", MetricType::kCounter},
              {"gauge", MetricType::kGauge},
              {"histogram", MetricType::kHistogram},
              {"gaugehistogram", MetricType::kGaugeHistogram},
              {"summary", MetricType::kSummary},
              {"info", MetricType::kInfo},
              {"stateset", MetricType::kStateset},
              {"unknown", MetricType::kUnknown},
          };
          const auto* it = std::find_if(std::begin(kTypes), std::end(kTypes),
                                        [&](const auto& p) { return p.first == c.text; });
          if (it == std::end(kTypes)) {
            *err_off = text_off;
            return util::Status::InvalidArgument(
                fmt::format("invalid metric type {}", util::GoQuote(c.text)));
          }
          c.mtype = it->second;
          c.entry = Entry::kType;
        } else if (t == Tok::kHelp) {
          if (!util::IsValidUtf8(c.text)) {
            *err_off = text_off;
            return util::Status::InvalidArgument(
                fmt::format("help text {} is not a valid utf8 string", util::GoQuote(c.text)));
          }
          c.entry = Entry::kHelp;
        } else {
          c.unit = c.text;
          // The unit must be a suffix of the family name, after an underscore.
          const std::string_view name = l.b.substr(nb, ne - nb);
          if (!c.unit.empty() && (!EndsWith(name, c.unit) || name.size() < c.unit.size() + 1 ||
                                  name[name.size() - c.unit.size() - 1] != '_')) {
            *err_off = text_off;
            return util::Status::InvalidArgument(fmt::format(
                "unit {} not a suffix of metric {}", util::GoQuote(c.unit), util::GoQuote(name)));
          }
          c.entry = Entry::kUnit;
        }
        return util::Status::Ok();
      }

      case Tok::kBraceOpen: {
        c.offsets.push_back(kUnset);
        c.offsets.push_back(kUnset);
        PROMKIT_RETURN_IF_ERROR(ParseLabelValues(&c.offsets, /*exemplar=*/false, err_off));
        c.series = l.b.substr(c.start, l.i - c.start);
        PROMKIT_RETURN_IF_ERROR(ParseSeriesEndOfLine(l.Lex(), err_off));
        break;
      }

      case Tok::kMName: {
        c.offsets.push_back(c.start);
        c.offsets.push_back(l.i);
        c.series = l.b.substr(c.start, l.i - c.start);
        Tok t2 = l.Lex();
        if (t2 == Tok::kBraceOpen) {
          PROMKIT_RETURN_IF_ERROR(ParseLabelValues(&c.offsets, /*exemplar=*/false, err_off));
          c.series = l.b.substr(c.start, l.i - c.start);
          t2 = l.Lex();
        }
        PROMKIT_RETURN_IF_ERROR(ParseSeriesEndOfLine(t2, err_off));
        break;
      }

      default:
        return ParseError("expected a valid start token", t, err_off);
    }

    // A sample.
    if (!peeking_ && opts_.skip_ct_series && IsCreatedSeries()) continue;
    c.entry = Entry::kSeries;
    return util::Status::Ok();
  }
}

util::Status OpenMetricsParser::ParseLabelValues(std::vector<size_t>* offsets, bool exemplar,
                                                 size_t* err_off) {
  Lexer& l = cur_.lex;
  Tok t = l.Lex();
  for (;;) {
    size_t tok_begin = l.start, tok_end = l.i;
    bool quoted = false;
    switch (t) {
      case Tok::kBraceClose:
        return util::Status::Ok();
      case Tok::kLName:
        break;
      case Tok::kQString:
        quoted = true;
        break;
      default:
        return ParseError("expected label name", t, err_off);
    }

    t = l.Lex();
    // A quoted string followed by ',' or '}' is the metric name (not allowed in exemplars).
    if (quoted && (t == Tok::kComma || t == Tok::kBraceClose)) {
      if (exemplar) return ParseError("expected label name", t, err_off);
      if ((*offsets)[0] != kUnset || (*offsets)[1] != kUnset) {
        *err_off = tok_begin;
        return util::Status::InvalidArgument(
            fmt::format("metric name already set while parsing: {}",
                        util::GoQuote(l.b.substr(cur_.start, l.i - cur_.start))));
      }
      (*offsets)[0] = tok_begin + 1;
      (*offsets)[1] = tok_end - 1;
      if (t == Tok::kBraceClose) return util::Status::Ok();
      t = l.Lex();
      continue;
    }
    if (l.b[tok_begin] == '"') {
      ++tok_begin;
      --tok_end;
    }
    offsets->push_back(tok_begin);
    offsets->push_back(tok_end);

    if (t != Tok::kEqual) return ParseError("expected equal", t, err_off);
    if (Tok v = l.Lex(); v != Tok::kLValue) return ParseError("expected label value", v, err_off);
    if (!util::IsValidUtf8(l.Buf())) {
      *err_off = l.start;
      return util::Status::InvalidArgument(
          fmt::format("invalid UTF-8 label value: {}", util::GoQuote(l.Buf())));
    }
    offsets->push_back(l.start + 1);
    offsets->push_back(l.i - 1);

    // A trailing comma before '}' is allowed.
    t = l.Lex();
    if (t == Tok::kComma) {
      t = l.Lex();
    } else if (t != Tok::kBraceClose) {
      return ParseError("expected comma or brace close", t, err_off);
    }
  }
}

util::Status OpenMetricsParser::ParseValue(Tok t, std::string_view after, double* out,
                                           size_t* err_off) {
  Lexer& l = cur_.lex;
  if (t != Tok::kValue) {
    return ParseError(fmt::format("expected value after {}", after), t, err_off);
  }
  auto v = ParseSampleFloat(l.Buf().substr(1));
  if (!v.ok()) {
    *err_off = l.start + 1;
    return util::Status::InvalidArgument(
        fmt::format("{} while parsing: {}", v.status().message(),
                    util::GoQuote(l.b.substr(cur_.start, l.i - cur_.start))));
  }
  *out = std::isnan(*v) ? internal::NormalNaN() : *v;
  return util::Status::Ok();
}

// Parses the kTimestamp token just read: float seconds, to milliseconds.
util::Status OpenMetricsParser::ParseTimestamp(std::string_view what, int64_t* out,
                                               size_t* err_off) {
  Lexer& l = cur_.lex;
  auto v = ParseSampleFloat(l.Buf().substr(1));
  if (!v.ok()) {
    *err_off = l.start + 1;
    return util::Status::InvalidArgument(
        fmt::format("{} while parsing: {}", v.status().message(),
                    util::GoQuote(l.b.substr(cur_.start, l.i - cur_.start))));
  }
  if (std::isnan(*v) || std::isinf(*v)) {
    *err_off = l.start + 1;
    return util::Status::InvalidArgument(fmt::format("invalid {} {}", what, GoFormatNonFinite(*v)));
  }
  *out = GoFloatToInt64(*v * 1000);
  return util::Status::Ok();
}

util::Status OpenMetricsParser::ParseSeriesEndOfLine(Tok t, size_t* err_off) {
  Cursor& c = cur_;
  Lexer& l = c.lex;
  if (c.offsets[0] == kUnset) {
    *err_off = c.start;
    return util::Status::InvalidArgument(
        fmt::format("metric name not set while parsing: {}",
                    util::GoQuote(l.b.substr(c.start, l.i - c.start))));
  }
  PROMKIT_RETURN_IF_ERROR(ParseValue(t, "metric", &c.val, err_off));

  c.has_ts = false;
  // Upstream has no default branch here: any other token ends the sample, and the next call
  // to Next() reports what follows.
  switch (l.Lex()) {
    case Tok::kEof:
      *err_off = l.b.size();
      return util::Status::InvalidArgument("data does not end with # EOF");
    case Tok::kComment:
      return ParseExemplar(err_off);
    case Tok::kTimestamp: {
      c.has_ts = true;
      PROMKIT_RETURN_IF_ERROR(ParseTimestamp("timestamp", &c.ts, err_off));
      const Tok t3 = l.Lex();
      if (t3 == Tok::kComment) return ParseExemplar(err_off);
      if (t3 != Tok::kLinebreak) {
        return ParseError("expected next entry after timestamp", t3, err_off);
      }
      break;
    }
    default:
      break;
  }
  return util::Status::Ok();
}

util::Status OpenMetricsParser::ParseExemplar(size_t* err_off) {
  Cursor& c = cur_;
  Lexer& l = c.lex;
  if (peeking_) {
    // Scanning ahead for `_created`: keep the current sample's exemplar, skip this one.
    for (Tok t = l.Lex(); t != Tok::kLinebreak; t = l.Lex()) {
      if (t == Tok::kEof) {
        *err_off = l.b.size();
        return util::Status::InvalidArgument("data does not end with # EOF");
      }
      if (t == Tok::kInvalid) {  // the lexer cannot move on; Next() will report it
        return ParseError("expected label name", t, err_off);
      }
    }
    return util::Status::Ok();
  }

  PROMKIT_RETURN_IF_ERROR(ParseLabelValues(&c.e_offsets, /*exemplar=*/true, err_off));
  c.exemplar = l.b.substr(c.start, l.i - c.start);
  PROMKIT_RETURN_IF_ERROR(ParseValue(l.Lex(), "exemplar labels", &c.exemplar_val, err_off));

  c.has_exemplar_ts = false;
  switch (const Tok t2 = l.Lex(); t2) {
    case Tok::kEof:
      *err_off = l.b.size();
      return util::Status::InvalidArgument("data does not end with # EOF");
    case Tok::kLinebreak:
      break;
    case Tok::kTimestamp: {
      c.has_exemplar_ts = true;
      PROMKIT_RETURN_IF_ERROR(ParseTimestamp("exemplar timestamp", &c.exemplar_ts, err_off));
      if (const Tok t3 = l.Lex(); t3 != Tok::kLinebreak) {
        return ParseError("expected next entry after exemplar timestamp", t3, err_off);
      }
      break;
    }
    default:
      return ParseError("expected timestamp or comment", t2, err_off);
  }
  return util::Status::Ok();
}

model::Labels OpenMetricsParser::Labels() const {
  if (cur_.entry != Entry::kSeries) return {};
  const std::string_view in = input();
  const std::vector<size_t>& off = cur_.offsets;

  // Unescaped names and values go to scratch_; reserve the worst case first (escapes only
  // shrink; a normalized float takes at most 24 bytes) so views into it stay valid.
  scratch_.clear();
  scratch_.reserve(cur_.series.size() + 32 * (off.size() / 4 + 1));
  auto unescape = [&](size_t b, size_t e) -> std::string_view {
    std::string_view raw = in.substr(b, e - b);
    if (raw.find('\\') == std::string_view::npos) return raw;
    const size_t at = scratch_.size();
    internal::AppendUnescaped(scratch_, raw, /*quotes=*/true);
    return std::string_view(scratch_).substr(at);
  };

  std::vector<model::Label>& ls = label_scratch_;
  ls.clear();
  ls.push_back({model::kMetricName, unescape(off[0], off[1])});
  for (size_t i = 2; i + 3 < off.size(); i += 4) {
    const std::string_view name = unescape(off[i], off[i + 1]);
    std::string_view value = unescape(off[i + 2], off[i + 3]);
    // Classic histogram `le` and summary `quantile` values are normalized to OpenMetrics float
    // formatting ("1" -> "1.0"), so both exposition formats give the same series.
    if ((cur_.mtype == MetricType::kSummary && name == "quantile") ||
        (cur_.mtype == MetricType::kHistogram && name == "le")) {
      if (auto f = util::ParseFloat(value); f.ok()) {
        const size_t at = scratch_.size();
        const double v = *f;
        if (v == 1) {
          scratch_.append("1.0");
        } else if (v == 0) {
          scratch_.append("0.0");
        } else if (v == -1) {
          scratch_.append("-1.0");
        } else {
          util::AppendFloat(scratch_, v, 'g', -1);
          std::string_view s = std::string_view(scratch_).substr(at);
          if (std::isfinite(v) && s.find_first_of("e.") == std::string_view::npos) {
            scratch_.append(".0");
          }
        }
        value = std::string_view(scratch_).substr(at);
      }
    }
    ls.push_back({name, value});
  }
  std::stable_sort(ls.begin(), ls.end(),
                   [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
  return model::Labels::FromSorted(ls);
}

bool OpenMetricsParser::NextExemplar(Exemplar* e) {
  if (cur_.entry != Entry::kSeries || cur_.exemplar.empty()) return false;
  const std::string_view in = input();
  e->value = cur_.exemplar_val;
  e->timestamp_ms = cur_.has_exemplar_ts ? std::optional<int64_t>(cur_.exemplar_ts) : std::nullopt;
  // As upstream, exemplar label names and values are taken as written (escapes unresolved).
  std::vector<model::Label>& ls = label_scratch_;
  ls.clear();
  const std::vector<size_t>& off = cur_.e_offsets;
  for (size_t i = 0; i + 3 < off.size(); i += 4) {
    ls.push_back(
        {in.substr(off[i], off[i + 1] - off[i]), in.substr(off[i + 2], off[i + 3] - off[i + 2])});
  }
  std::stable_sort(ls.begin(), ls.end(),
                   [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
  e->labels = model::Labels::FromSorted(ls);
  cur_.exemplar = {};  // OpenMetrics has at most one exemplar per sample
  return true;
}

void OpenMetricsParser::CreatedKey(std::string_view family, std::string* key) const {
  key->clear();
  const std::string_view in = input();
  auto put = [&](std::string_view s) {
    const size_t n = s.size();
    key->append(reinterpret_cast<const char*>(&n), sizeof(n));
    key->append(s);
  };
  const std::vector<size_t>& off = cur_.offsets;
  for (size_t i = 2; i + 3 < off.size(); i += 4) {
    const std::string_view name = in.substr(off[i], off[i + 1] - off[i]);
    if (cur_.mtype == MetricType::kSummary && name == "quantile") continue;
    if (cur_.mtype == MetricType::kHistogram && name == "le") continue;
    put(name);
    put(in.substr(off[i + 2], off[i + 3] - off[i + 2]));
  }
  put(family);
}

std::optional<int64_t> OpenMetricsParser::CreatedTimestamp() {
  if (cur_.entry != Entry::kSeries || !TypeHasCreated(cur_.mtype)) {
    ct_valid_ = false;
    return std::nullopt;
  }
  // The family name is taken as the first mf_name_len bytes of the sample's name, with
  // mf_name_len from the last metadata line (as upstream: `foo_total` of family `foo`).
  const std::string_view in = input();
  const size_t fb = std::min(cur_.offsets[0], in.size());
  const std::string_view family = in.substr(fb, std::min(cur_.mf_name_len, in.size() - fb));
  std::string key;
  std::swap(key, key_scratch_);
  CreatedKey(family, &key);
  std::optional<int64_t> result;
  const size_t pos = cur_.lex.i;

  if (ct_valid_ && ct_ > 0 && key == ct_key_) {
    result = ct_;
  } else if (pos >= no_ct_from_ && pos < no_ct_until_) {
    ct_valid_ = false;
  } else {
    // Scan ahead on a copy of the cursor for this family's `_created` sample with the same
    // labels. The first `_created` sample decides; a non-sample entry or an error ends the
    // family without one.
    saved_ = cur_;
    peeking_ = true;
    bool saw_created = false;
    bool found = false;
    bool eof = false;
    size_t unused_off = 0;
    std::string peek_key;
    for (;;) {
      util::Status st = Step(&eof, &unused_off);
      if (!st.ok() || eof || cur_.entry != Entry::kSeries) break;
      const std::string_view name = SeriesName();
      if (!EndsWith(name, kCreatedSuffix)) continue;
      saw_created = true;
      CreatedKey(name.substr(0, name.size() - kCreatedSuffix.size()), &peek_key);
      if (peek_key == key) {
        found = true;
        ct_ = GoFloatToInt64(cur_.val * 1000.0);
      }
      break;
    }
    if (!saw_created) {
      no_ct_from_ = pos;
      no_ct_until_ = cur_.lex.i;
    }
    std::swap(cur_, saved_);
    peeking_ = false;
    ct_valid_ = found;
    if (found) {
      ct_key_ = key;
      result = ct_;
    }
  }
  std::swap(key, key_scratch_);
  // Upstream returns 0 for "none".
  if (result && *result == 0) return std::nullopt;
  return result;
}

}  // namespace

std::unique_ptr<Parser> NewOpenMetricsParser(std::string_view input,
                                             const OpenMetricsOptions& opts) {
  return std::make_unique<OpenMetricsParser>(input, opts);
}

}  // namespace promkit::textparse
