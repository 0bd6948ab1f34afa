#include "textparse/families.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include <fmt/core.h>

#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::textparse {

std::string_view FamilyTypeName(FamilyType t) {
  switch (t) {
    case FamilyType::kCounter:
      return "COUNTER";
    case FamilyType::kGauge:
      return "GAUGE";
    case FamilyType::kSummary:
      return "SUMMARY";
    case FamilyType::kUntyped:
      return "UNTYPED";
    case FamilyType::kHistogram:
      return "HISTOGRAM";
    case FamilyType::kGaugeHistogram:
      return "GAUGE_HISTOGRAM";
  }
  return "UNTYPED";
}

namespace {

// Go's strconv.ParseInt(s, 10, 64).
std::optional<int64_t> GoParseInt64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  uint64_t v = 0;
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (kLimit + 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > kLimit) return std::nullopt;
  }
  if (!neg && v == kLimit) return std::nullopt;
  if (neg) return static_cast<int64_t>(~v + 1);
  return static_cast<int64_t>(v);
}

// Go's %q of a byte value: strconv.QuoteRune(rune(b)).
std::string QuotedByte(unsigned char b) { return util::GoQuoteRune(b); }

bool IsBlankOrTab(unsigned char b) { return b == ' ' || b == '\t'; }

bool IsValidLabelNameStart(unsigned char b) {
  return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == '"';
}

// Upstream also tests utf8.ValidString(string(b)) for quoted names, but converting a byte to a
// string in Go encodes it as a rune, which is always valid: inside quotes every byte continues.
bool IsValidLabelNameContinuation(unsigned char b, bool quoted) {
  return quoted || IsValidLabelNameStart(b) || (b >= '0' && b <= '9');
}

bool IsValidMetricNameStart(unsigned char b) { return IsValidLabelNameStart(b) || b == ':'; }

bool IsValidMetricNameContinuation(unsigned char b, bool quoted) {
  return IsValidLabelNameContinuation(b, quoted) || b == ':';
}

bool IsValidMetricName(std::string_view name, NameValidation scheme) {
  if (name.empty()) return false;
  if (scheme == NameValidation::kUtf8) return util::IsValidUtf8(name);
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char b = name[i];
    bool ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == ':' ||
              (b >= '0' && b <= '9' && i > 0);
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name, NameValidation scheme) {
  if (name.empty()) return false;
  if (scheme == NameValidation::kUtf8) return util::IsValidUtf8(name);
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char b = name[i];
    bool ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' ||
              (b >= '0' && b <= '9' && i > 0);
    if (!ok) return false;
  }
  return true;
}

bool HasSuffixLonger(std::string_view name, std::string_view suffix) {
  return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}
bool IsCount(std::string_view n) { return HasSuffixLonger(n, "_count"); }
bool IsSum(std::string_view n) { return HasSuffixLonger(n, "_sum"); }
bool IsBucket(std::string_view n) { return HasSuffixLonger(n, "_bucket"); }

std::string_view SummaryMetricName(std::string_view n) {
  if (IsCount(n)) return n.substr(0, n.size() - 6);
  if (IsSum(n)) return n.substr(0, n.size() - 4);
  return n;
}

std::string_view HistogramMetricName(std::string_view n) {
  if (IsCount(n)) return n.substr(0, n.size() - 6);
  if (IsSum(n)) return n.substr(0, n.size() - 4);
  if (IsBucket(n)) return n.substr(0, n.size() - 7);
  return n;
}

// The metric type a TYPE line names, as upstream: strings.ToUpper (Unicode-aware, so the
// dotless 'ı' and long 'ſ' become 'I' and 'S') looked up in the protobuf enum's names, plus
// OpenMetrics' "gaugehistogram".
std::optional<FamilyType> TypeFromToken(std::string_view token) {
  std::string upper;
  upper.reserve(token.size());
  for (size_t i = 0; i < token.size();) {
    unsigned char b = token[i];
    if (b < 0x80) {
      upper.push_back(b >= 'a' && b <= 'z' ? static_cast<char>(b - 'a' + 'A')
                                           : static_cast<char>(b));
      ++i;
      continue;
    }
    util::DecodedRune r = util::DecodeRune(token.substr(i));
    if (r.width == 2 && r.rune == 0x131) {
      upper.push_back('I');
    } else if (r.width == 2 && r.rune == 0x17F) {
      upper.push_back('S');
    } else {
      return std::nullopt;  // any other rune keeps the name away from every enum name
    }
    i += r.width;
  }
  if (upper == "COUNTER") return FamilyType::kCounter;
  if (upper == "GAUGE") return FamilyType::kGauge;
  if (upper == "SUMMARY") return FamilyType::kSummary;
  if (upper == "UNTYPED") return FamilyType::kUntyped;
  if (upper == "HISTOGRAM") return FamilyType::kHistogram;
  if (upper == "GAUGE_HISTOGRAM" || upper == "GAUGEHISTOGRAM") return FamilyType::kGaugeHistogram;
  return std::nullopt;
}

// FNV-1a 64 as common/model's LabelsToSignature computes it over sorted name/value pairs.
constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;
uint64_t FnvAdd(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}
uint64_t FnvAddByte(uint64_t h, unsigned char b) {
  h ^= b;
  h *= kFnvPrime;
  return h;
}

// Go's uint64(v) on amd64, for values that are not exactly representable (only stored, never
// shown by promtool).
uint64_t GoFloatToUint64(double v) {
  if (std::isnan(v)) return uint64_t{1} << 63;
  if (v >= 0 && v < 18446744073709551616.0) return static_cast<uint64_t>(v);
  if (v < 0 && v > -9223372036854775808.0) {
    return static_cast<uint64_t>(static_cast<int64_t>(v));
  }
  return uint64_t{1} << 63;
}

// True when v converts to uint64 and back unchanged (a non-negative integer below 2^64).
bool IsExactUint64(double v) { return v >= 0 && v < 18446744073709551616.0 && v == std::trunc(v); }

constexpr int32_t kNil = -1;

// The state machine of expfmt.TextParser, one state per upstream stateFn. The byte-level
// primitives (ReadByte, SkipBlankTab, ReadToken*) keep upstream's contract: the most recently
// read byte is in cur_, and reaching the end of input sets the sticky kEof error.
class FamilyParser {
 public:
  FamilyParser(std::string_view text, NameValidation scheme) : text_(text), scheme_(scheme) {}

  util::Result<ParsedFamilies> Run(TextParseErrorInfo* info);

 private:
  enum class State : uint8_t {
    kDone,
    kStartOfLine,
    kStartComment,
    kReadingMetricName,
    kReadingLabels,
    kStartLabelName,
    kStartLabelValue,
    kReadingValue,
    kStartTimestamp,
    kReadingHelp,
    kReadingType,
  };
  enum class Err : uint8_t { kNone, kEof, kParse };

  State StartOfLine();
  State StartComment();
  State ReadingMetricName();
  State ReadingLabels();
  State StartLabelName();
  State StartLabelValue();
  State ReadingValue();
  State StartTimestamp();
  State ReadingHelp();
  State ReadingType();

  bool ReadByte() {
    if (pos_ < text_.size()) {
      cur_ = static_cast<unsigned char>(text_[pos_++]);
      return true;
    }
    cur_ = 0;
    pos_ = text_.size() + 1;  // cur_ then sits "at" text_.size()
    err_ = Err::kEof;
    return false;
  }
  void SkipBlankTab() {
    while (ReadByte() && IsBlankOrTab(cur_)) {
    }
  }
  void SkipBlankTabIfCurrentBlankTab() {
    if (IsBlankOrTab(cur_)) SkipBlankTab();
  }
  void ReadTokenUntilWhitespace();
  void ReadTokenUntilNewline(bool recognize_escapes);
  void ReadTokenAsName(bool metric);
  void ReadTokenAsLabelValue();
  // Appends what the escape sequence "\<cur_>" stands for (\\, \n, \"); on any other byte
  // records a parse error and returns false.
  bool AppendEscapedByte();
  void SetOrCreateCurrentMF();
  // At the '}' closing a label set: hands the label pairs to the current metric and moves on to
  // its value.
  State EndLabelSet();
  void ParseError(std::string msg);
  // Reports the error at the start of the token just read (a bad value, timestamp or type).
  void TokenError(std::string msg) {
    ParseError(std::move(msg));
    parse_error_.offset = token_start_;
  }
  bool Failed() const { return err_ != Err::kNone; }

  MetricFamily* mf() { return cur_mf_ == kNil ? nullptr : &families_[cur_mf_]; }
  FamilyType CurType() const {
    return cur_mf_ == kNil ? FamilyType::kCounter : families_[cur_mf_].type();
  }
  std::string_view CurName() const {
    return cur_mf_ == kNil ? std::string_view() : std::string_view(families_[cur_mf_].name);
  }
  bool CurIsSummary() const { return CurType() == FamilyType::kSummary; }
  bool CurIsHistogram() const {
    FamilyType t = CurType();
    return t == FamilyType::kHistogram || t == FamilyType::kGaugeHistogram;
  }
  // `quantile` of summaries and `le` of histograms are not kept as labels.
  bool CurLabelIsSpecial() const {
    return (CurIsSummary() && cur_label_name_ == "quantile") ||
           (CurIsHistogram() && cur_label_name_ == "le");
  }
  void NewCurrentMetric() {
    metrics_.emplace_back();
    cur_metric_ = static_cast<int32_t>(metrics_.size() - 1);
  }
  void SetCurrentLabel(std::string_view name, std::string_view value);
  uint64_t CurrentLabelsSignature();

  std::string_view text_;
  NameValidation scheme_;
  size_t pos_ = 0;         // next byte to read
  unsigned char cur_ = 0;  // the most recently read byte
  Err err_ = Err::kNone;
  int line_count_ = 0;
  std::string token_;
  size_t token_start_ = 0;  // offset of token_'s first byte, for error positions
  TextParseErrorInfo parse_error_;

  std::vector<MetricFamily> families_;
  std::unordered_map<std::string, int32_t> by_name_;
  std::vector<Metric> metrics_;
  int32_t cur_mf_ = kNil;
  int32_t cur_metric_ = kNil;
  std::string cur_label_name_;
  std::vector<LabelPair> cur_label_pairs_;

  // Summary/histogram bookkeeping. cur_labels_ is upstream's currentLabels map: replaced at the
  // start of each summary/histogram label set and otherwise left as it was (nil at first).
  bool cur_labels_nil_ = true;
  std::vector<std::pair<std::string, std::string>> cur_labels_;
  std::unordered_map<uint64_t, int32_t> summaries_;
  std::unordered_map<uint64_t, int32_t> histograms_;
  std::vector<int32_t> histogram_metrics_;
  std::vector<const std::pair<std::string, std::string>*>
      signature_scratch_;  // registration order, for normalization
  double cur_quantile_ = std::numeric_limits<double>::quiet_NaN();
  double cur_bucket_ = std::numeric_limits<double>::quiet_NaN();
  bool is_summary_count_ = false, is_summary_sum_ = false;
  bool is_histogram_count_ = false, is_histogram_sum_ = false;
  bool metric_inside_braces_ = false, metric_inside_braces_present_ = false;
};

void FamilyParser::ParseError(std::string msg) {
  err_ = Err::kParse;
  parse_error_.line = line_count_;
  parse_error_.offset = pos_ == 0 ? 0 : std::min(pos_ - 1, text_.size());
  parse_error_.message = std::move(msg);
}

bool FamilyParser::AppendEscapedByte() {
  switch (cur_) {
    case '\\':
    case '"':
      token_.push_back(static_cast<char>(cur_));
      return true;
    case 'n':
      token_.push_back('\n');
      return true;
    default: {
      std::string msg = "invalid escape sequence '\\";
      util::AppendRune(msg, cur_);
      msg += "'";
      ParseError(std::move(msg));
      return false;
    }
  }
}

void FamilyParser::ReadTokenUntilWhitespace() {
  token_.clear();
  token_start_ = pos_ == 0 ? 0 : std::min(pos_ - 1, text_.size());
  while (!Failed() && !IsBlankOrTab(cur_) && cur_ != '\n') {
    // Fast path: copy the run of plain bytes in one go.
    size_t start = pos_ - 1;
    size_t end = start;
    while (end < text_.size()) {
      unsigned char b = text_[end];
      if (IsBlankOrTab(b) || b == '\n') break;
      ++end;
    }
    token_.append(text_.data() + start, end - start);
    pos_ = end;
    ReadByte();
  }
}

void FamilyParser::ReadTokenUntilNewline(bool recognize_escapes) {
  token_.clear();
  token_start_ = pos_ == 0 ? 0 : std::min(pos_ - 1, text_.size());
  bool escaped = false;
  while (!Failed()) {
    if (recognize_escapes && escaped) {
      if (!AppendEscapedByte()) return;
      escaped = false;
    } else {
      switch (cur_) {
        case '\n':
          return;
        case '\\':
          escaped = true;
          break;
        default:
          token_.push_back(static_cast<char>(cur_));
      }
    }
    ReadByte();
  }
}

void FamilyParser::ReadTokenAsName(bool metric) {
  token_.clear();
  bool quoted = false;
  bool escaped = false;
  if (metric ? !IsValidMetricNameStart(cur_) : !IsValidLabelNameStart(cur_)) return;
  while (!Failed()) {
    if (escaped) {
      if (!AppendEscapedByte()) return;
      escaped = false;
    } else {
      switch (cur_) {
        case '"':
          quoted = !quoted;
          if (!quoted) {
            ReadByte();
            return;
          }
          break;
        case '\n':
          ParseError(fmt::format("{} name {} contains unescaped new-line",
                                 metric ? "metric" : "label", util::GoQuote(token_)));
          return;
        case '\\':
          escaped = true;
          break;
        default:
          token_.push_back(static_cast<char>(cur_));
      }
    }
    if (!quoted && !escaped) {
      // Fast path: the rest of a plain unquoted name in one go.
      size_t end = pos_;
      while (end < text_.size()) {
        unsigned char b = text_[end];
        bool plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' ||
                     (b >= '0' && b <= '9') || (metric && b == ':');
        if (!plain) break;
        ++end;
      }
      token_.append(text_.data() + pos_, end - pos_);
      pos_ = end;
    }
    ReadByte();
    if (metric) {
      if (!IsValidMetricNameContinuation(cur_, quoted) || (!quoted && cur_ == ' ')) return;
    } else {
      if (!IsValidLabelNameContinuation(cur_, quoted) || (!quoted && cur_ == '=')) return;
    }
  }
}

void FamilyParser::ReadTokenAsLabelValue() {
  token_.clear();
  bool escaped = false;
  while (true) {
    if (!escaped) {
      // Fast path: the run of bytes that need no attention.
      size_t end = pos_;
      while (end < text_.size()) {
        unsigned char b = text_[end];
        if (b == '"' || b == '\\' || b == '\n') break;
        ++end;
      }
      token_.append(text_.data() + pos_, end - pos_);
      pos_ = end;
    }
    if (!ReadByte()) return;
    if (escaped) {
      if (!AppendEscapedByte()) {
        cur_label_pairs_.clear();
        return;
      }
      escaped = false;
      continue;
    }
    switch (cur_) {
      case '"':
        return;
      case '\n':
        ParseError(
            fmt::format("label value {} contains unescaped new-line", util::GoQuote(token_)));
        return;
      case '\\':
        escaped = true;
        break;
      default:
        token_.push_back(static_cast<char>(cur_));
    }
  }
}

FamilyParser::State FamilyParser::EndLabelSet() {
  auto& labels = metrics_[cur_metric_].labels;
  labels.insert(labels.end(), std::make_move_iterator(cur_label_pairs_.begin()),
                std::make_move_iterator(cur_label_pairs_.end()));
  cur_label_pairs_.clear();
  SkipBlankTab();
  if (Failed()) return State::kDone;
  return State::kReadingValue;
}

void FamilyParser::SetOrCreateCurrentMF() {
  is_summary_count_ = is_summary_sum_ = false;
  is_histogram_count_ = is_histogram_sum_ = false;
  const std::string& name = token_;
  if (!IsValidMetricName(name, scheme_)) {
    ParseError(fmt::format("invalid metric name {}", util::GoQuote(name)));
    return;
  }
  if (auto it = by_name_.find(name); it != by_name_.end()) {
    cur_mf_ = it->second;
    return;
  }
  std::string_view view(name);
  if (auto it = by_name_.find(std::string(SummaryMetricName(view))); it != by_name_.end()) {
    if (families_[it->second].type() == FamilyType::kSummary) {
      cur_mf_ = it->second;
      is_summary_count_ = IsCount(view);
      is_summary_sum_ = IsSum(view);
      return;
    }
  }
  if (auto it = by_name_.find(std::string(HistogramMetricName(view))); it != by_name_.end()) {
    FamilyType t = families_[it->second].type();
    if (t == FamilyType::kHistogram || t == FamilyType::kGaugeHistogram) {
      cur_mf_ = it->second;
      is_histogram_count_ = IsCount(view);
      is_histogram_sum_ = IsSum(view);
      return;
    }
  }
  families_.emplace_back();
  families_.back().name = name;
  cur_mf_ = static_cast<int32_t>(families_.size() - 1);
  by_name_.emplace(name, cur_mf_);
}

void FamilyParser::SetCurrentLabel(std::string_view name, std::string_view value) {
  // Upstream writes into a nil map here in one malformed case and panics; we start a map.
  cur_labels_nil_ = false;
  for (auto& [n, v] : cur_labels_) {
    if (n == name) {
      v = value;
      return;
    }
  }
  cur_labels_.emplace_back(name, value);
}

uint64_t FamilyParser::CurrentLabelsSignature() {
  if (cur_labels_.empty()) return kFnvOffset;
  std::vector<const std::pair<std::string, std::string>*>& sorted = signature_scratch_;
  sorted.clear();
  for (const auto& p : cur_labels_) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  uint64_t h = kFnvOffset;
  for (const auto* p : sorted) {
    h = FnvAdd(h, p->first);
    h = FnvAddByte(h, 0xff);
    h = FnvAdd(h, p->second);
    h = FnvAddByte(h, 0xff);
  }
  return h;
}

FamilyParser::State FamilyParser::StartOfLine() {
  ++line_count_;
  metric_inside_braces_ = false;
  metric_inside_braces_present_ = false;
  SkipBlankTab();
  if (Failed()) {
    // The only place where the end of input is the legitimate end.
    if (err_ == Err::kEof) err_ = Err::kNone;
    return State::kDone;
  }
  switch (cur_) {
    case '#':
      return State::kStartComment;
    case '\n':
      return State::kStartOfLine;
    case '{':
      metric_inside_braces_ = true;
      return State::kReadingLabels;
    default:
      return State::kReadingMetricName;
  }
}

FamilyParser::State FamilyParser::StartComment() {
  SkipBlankTab();
  if (Failed()) return State::kDone;
  if (cur_ == '\n') return State::kStartOfLine;
  ReadTokenUntilWhitespace();
  if (Failed()) return State::kDone;
  if (cur_ == '\n') return State::kStartOfLine;
  bool help = token_ == "HELP";
  if (!help && token_ != "TYPE") {
    // A plain comment: skip to the end of the line.
    size_t nl = text_.find('\n', pos_ - 1);
    if (nl == std::string_view::npos) {
      pos_ = text_.size();
      ReadByte();
      return State::kDone;
    }
    pos_ = nl + 1;
    cur_ = '\n';
    return State::kStartOfLine;
  }
  SkipBlankTab();
  if (Failed()) return State::kDone;
  ReadTokenAsName(/*metric=*/true);
  if (Failed()) return State::kDone;
  if (cur_ == '\n') return State::kStartOfLine;
  if (!IsBlankOrTab(cur_)) {
    ParseError("invalid metric name in comment");
    return State::kDone;
  }
  SetOrCreateCurrentMF();
  if (Failed()) return State::kDone;
  SkipBlankTab();
  if (Failed()) return State::kDone;
  if (cur_ == '\n') return State::kStartOfLine;
  return help ? State::kReadingHelp : State::kReadingType;
}

FamilyParser::State FamilyParser::ReadingMetricName() {
  ReadTokenAsName(/*metric=*/true);
  if (Failed()) return State::kDone;
  if (token_.empty()) {
    ParseError("invalid metric name");
    return State::kDone;
  }
  SetOrCreateCurrentMF();
  if (Failed()) return State::kDone;
  MetricFamily& f = families_[cur_mf_];
  if (!f.declared_type) f.declared_type = FamilyType::kUntyped;
  NewCurrentMetric();
  SkipBlankTabIfCurrentBlankTab();
  if (Failed()) return State::kDone;
  return State::kReadingLabels;
}

FamilyParser::State FamilyParser::ReadingLabels() {
  if (CurIsSummary() || CurIsHistogram()) {
    cur_labels_nil_ = false;
    cur_labels_.clear();
    cur_labels_.emplace_back("__name__", std::string(CurName()));
    cur_quantile_ = std::numeric_limits<double>::quiet_NaN();
    cur_bucket_ = std::numeric_limits<double>::quiet_NaN();
  }
  if (cur_ != '{') return State::kReadingValue;
  return State::kStartLabelName;
}

FamilyParser::State FamilyParser::StartLabelName() {
  SkipBlankTab();
  if (Failed()) return State::kDone;
  if (cur_ == '}') {
    // Upstream dereferences a nil metric (and panics) when a HELP/TYPE line is followed by a
    // bare label set; both cases are reported as the missing name they are.
    if (cur_mf_ == kNil || cur_metric_ == kNil) {
      ParseError("invalid metric name");
      cur_label_pairs_.clear();
      return State::kDone;
    }
    return EndLabelSet();
  }
  ReadTokenAsName(/*metric=*/false);
  if (Failed()) return State::kDone;
  if (token_.empty()) {
    ParseError(fmt::format("invalid label name for metric {}", util::GoQuote(CurName())));
    return State::kDone;
  }
  SkipBlankTabIfCurrentBlankTab();
  if (Failed()) return State::kDone;
  if (cur_ != '=') {
    if (metric_inside_braces_) {
      if (metric_inside_braces_present_) {
        ParseError(fmt::format("multiple metric names for metric {}", util::GoQuote(CurName())));
        return State::kDone;
      }
      switch (cur_) {
        case ',':
        case '}': {
          bool close = cur_ == '}';
          SetOrCreateCurrentMF();
          if (Failed()) {
            cur_label_pairs_.clear();
            return State::kDone;
          }
          MetricFamily& f = families_[cur_mf_];
          if (!f.declared_type) f.declared_type = FamilyType::kUntyped;
          NewCurrentMetric();
          if (!close) {
            metric_inside_braces_present_ = true;
            return State::kStartLabelName;
          }
          return EndLabelSet();
        }
        default:
          ParseError(fmt::format("unexpected end of metric name {}", QuotedByte(cur_)));
          return State::kDone;
      }
    }
    ParseError(fmt::format("expected '=' after label name, found {}", QuotedByte(cur_)));
    cur_label_pairs_.clear();
    return State::kDone;
  }
  cur_label_name_ = token_;
  if (cur_label_name_ == "__name__") {
    ParseError("label name \"__name__\" is reserved");
    cur_label_pairs_.clear();
    return State::kDone;
  }
  if (!IsValidLabelName(cur_label_name_, scheme_)) {
    ParseError(fmt::format("invalid label name {}", util::GoQuote(cur_label_name_)));
    cur_label_pairs_.clear();
    return State::kDone;
  }
  // `quantile` of summaries and `le` of histograms are not kept as labels.
  bool special = CurLabelIsSpecial();
  if (!special) {
    for (const LabelPair& p : cur_label_pairs_) {
      if (p.name == cur_label_name_) {
        ParseError(fmt::format("duplicate label names for metric {}", util::GoQuote(CurName())));
        cur_label_pairs_.clear();
        return State::kDone;
      }
    }
    cur_label_pairs_.push_back(LabelPair{cur_label_name_, std::string()});
  }
  return State::kStartLabelValue;
}

FamilyParser::State FamilyParser::StartLabelValue() {
  SkipBlankTab();
  if (Failed()) return State::kDone;
  if (cur_ != '"') {
    ParseError(fmt::format("expected '\"' at start of label value, found {}", QuotedByte(cur_)));
    return State::kDone;
  }
  ReadTokenAsLabelValue();
  if (Failed()) return State::kDone;
  if (!util::IsValidUtf8(token_)) {
    ParseError(fmt::format("invalid label value {}", util::GoQuote(token_)));
    return State::kDone;
  }
  // The pair was appended in StartLabelName unless it is a quantile/le; upstream shares the
  // object, so its value lands there too.
  bool special = CurLabelIsSpecial();
  if (!special && !cur_label_pairs_.empty() && cur_label_pairs_.back().name == cur_label_name_) {
    cur_label_pairs_.back().value = token_;
  }
  if (CurIsSummary()) {
    if (cur_label_name_ == "quantile") {
      std::optional<double> q = ParseExpfmtFloat(token_);
      if (!q) {
        ParseError(fmt::format("expected float as value for 'quantile' label, got {}",
                               util::GoQuote(token_)));
        cur_label_pairs_.clear();
        return State::kDone;
      }
      cur_quantile_ = *q;
    } else {
      SetCurrentLabel(cur_label_name_, token_);
    }
  }
  if (CurIsHistogram()) {
    if (cur_label_name_ == "le") {
      std::optional<double> b = ParseExpfmtFloat(token_);
      if (!b) {
        ParseError(
            fmt::format("expected float as value for 'le' label, got {}", util::GoQuote(token_)));
        return State::kDone;
      }
      cur_bucket_ = *b;
    } else {
      SetCurrentLabel(cur_label_name_, token_);
    }
  }
  SkipBlankTab();
  if (Failed()) return State::kDone;
  switch (cur_) {
    case ',':
      return State::kStartLabelName;
    case '}': {
      if (cur_mf_ == kNil || cur_metric_ == kNil) {
        ParseError("invalid metric name");
        return State::kDone;
      }
      return EndLabelSet();
    }
    default:
      ParseError(fmt::format("unexpected end of label value {}", util::GoQuote(token_)));
      cur_label_pairs_.clear();
      return State::kDone;
  }
}

FamilyParser::State FamilyParser::ReadingValue() {
  MetricFamily& f = families_[cur_mf_];
  FamilyType type = f.type();
  if (type == FamilyType::kSummary) {
    uint64_t sig = CurrentLabelsSignature();
    auto [it, inserted] = summaries_.try_emplace(sig, cur_metric_);
    if (!inserted) {
      cur_metric_ = it->second;
    } else {
      f.metrics.push_back(static_cast<uint32_t>(cur_metric_));
    }
  } else if (type == FamilyType::kHistogram || type == FamilyType::kGaugeHistogram) {
    uint64_t sig = CurrentLabelsSignature();
    auto [it, inserted] = histograms_.try_emplace(sig, cur_metric_);
    if (!inserted) {
      cur_metric_ = it->second;
    } else {
      histogram_metrics_.push_back(cur_metric_);
      f.metrics.push_back(static_cast<uint32_t>(cur_metric_));
    }
  } else {
    f.metrics.push_back(static_cast<uint32_t>(cur_metric_));
  }
  ReadTokenUntilWhitespace();
  if (Failed()) return State::kDone;
  std::optional<double> parsed = ParseExpfmtFloat(token_);
  if (!parsed) {
    TokenError(fmt::format("expected float as value, got {}", util::GoQuote(token_)));
    return State::kDone;
  }
  double value = *parsed;
  Metric& m = metrics_[cur_metric_];
  switch (type) {
    case FamilyType::kCounter:
      m.counter = value;
      break;
    case FamilyType::kGauge:
      m.gauge = value;
      break;
    case FamilyType::kUntyped:
      m.untyped = value;
      break;
    case FamilyType::kSummary:
      if (!m.summary) m.summary = std::make_unique<Summary>();
      if (is_summary_count_) {
        m.summary->sample_count = GoFloatToUint64(value);
      } else if (is_summary_sum_) {
        m.summary->sample_sum = value;
      } else if (!std::isnan(cur_quantile_)) {
        m.summary->quantiles.push_back(Quantile{cur_quantile_, value});
      }
      break;
    case FamilyType::kHistogram:
    case FamilyType::kGaugeHistogram:
      if (!m.histogram) m.histogram = std::make_unique<Histogram>();
      if (is_histogram_count_) {
        if (IsExactUint64(value)) {
          m.histogram->sample_count = static_cast<uint64_t>(value);
        } else {
          if (value < 0) {
            ParseError(fmt::format("negative count for histogram {}", util::GoQuote(f.name)));
            return State::kDone;
          }
          m.histogram->sample_count_float = value;
        }
      } else if (is_histogram_sum_) {
        m.histogram->sample_sum = value;
      } else if (!std::isnan(cur_bucket_)) {
        Bucket b;
        b.upper_bound = cur_bucket_;
        if (IsExactUint64(value)) {
          b.cumulative_count = static_cast<uint64_t>(value);
        } else {
          if (value < 0) {
            ParseError(
                fmt::format("negative bucket population for histogram {}", util::GoQuote(f.name)));
            return State::kDone;
          }
          b.cumulative_count_float = value;
        }
        m.histogram->buckets.push_back(b);
      }
      break;
  }
  if (cur_ == '\n') return State::kStartOfLine;
  return State::kStartTimestamp;
}

FamilyParser::State FamilyParser::StartTimestamp() {
  SkipBlankTab();
  if (Failed()) return State::kDone;
  ReadTokenUntilWhitespace();
  if (Failed()) return State::kDone;
  std::optional<int64_t> ts = GoParseInt64(token_);
  if (!ts) {
    TokenError(fmt::format("expected integer as timestamp, got {}", util::GoQuote(token_)));
    return State::kDone;
  }
  metrics_[cur_metric_].timestamp_ms = *ts;
  ReadTokenUntilNewline(false);
  if (Failed()) return State::kDone;
  if (!token_.empty()) {
    ParseError(fmt::format("spurious string after timestamp: {}", util::GoQuote(token_)));
    return State::kDone;
  }
  return State::kStartOfLine;
}

FamilyParser::State FamilyParser::ReadingHelp() {
  MetricFamily& f = families_[cur_mf_];
  if (f.help) {
    ParseError(fmt::format("second HELP line for metric name {}", util::GoQuote(f.name)));
    return State::kDone;
  }
  ReadTokenUntilNewline(true);
  if (Failed()) return State::kDone;
  families_[cur_mf_].help = token_;
  return State::kStartOfLine;
}

FamilyParser::State FamilyParser::ReadingType() {
  MetricFamily& f = families_[cur_mf_];
  if (f.declared_type) {
    ParseError(fmt::format("second TYPE line for metric name {}, or TYPE reported after samples",
                           util::GoQuote(f.name)));
    return State::kDone;
  }
  ReadTokenUntilNewline(false);
  if (Failed()) return State::kDone;
  std::optional<FamilyType> t = TypeFromToken(token_);
  if (!t) {
    TokenError(fmt::format("unknown metric type {}", util::GoQuote(token_)));
    return State::kDone;
  }
  families_[cur_mf_].declared_type = *t;
  return State::kStartOfLine;
}

util::Result<ParsedFamilies> FamilyParser::Run(TextParseErrorInfo* info) {
  State s = State::kStartOfLine;
  while (s != State::kDone) {
    switch (s) {
      case State::kStartOfLine:
        s = StartOfLine();
        break;
      case State::kStartComment:
        s = StartComment();
        break;
      case State::kReadingMetricName:
        s = ReadingMetricName();
        break;
      case State::kReadingLabels:
        s = ReadingLabels();
        break;
      case State::kStartLabelName:
        s = StartLabelName();
        break;
      case State::kStartLabelValue:
        s = StartLabelValue();
        break;
      case State::kReadingValue:
        s = ReadingValue();
        break;
      case State::kStartTimestamp:
        s = StartTimestamp();
        break;
      case State::kReadingHelp:
        s = ReadingHelp();
        break;
      case State::kReadingType:
        s = ReadingType();
        break;
      case State::kDone:
        break;
    }
  }
  if (err_ == Err::kEof) {
    err_ = Err::kParse;
    parse_error_.line = line_count_;
    parse_error_.offset = text_.size();
    parse_error_.message = "unexpected end of input stream";
  }
  if (err_ == Err::kParse) {
    std::string msg = fmt::format("text format parsing error in line {}: {}", parse_error_.line,
                                  parse_error_.message);
    if (info != nullptr) *info = parse_error_;
    return util::Status::InvalidArgument(std::move(msg));
  }
  // Histograms whose counts mix integers and floats become all-float (normalizeHistogram).
  for (int32_t idx : histogram_metrics_) {
    Histogram* h = metrics_[idx].histogram.get();
    if (h == nullptr) continue;
    bool any_floats = h->sample_count_float.value_or(0) != 0;
    for (const Bucket& b : h->buckets) {
      if (any_floats) break;
      if (b.cumulative_count_float.value_or(0) != 0) any_floats = true;
    }
    if (!any_floats) continue;
    if (h->sample_count_float.value_or(0) == 0) {
      h->sample_count_float = static_cast<double>(h->sample_count.value_or(0));
      h->sample_count.reset();
    }
    for (Bucket& b : h->buckets) {
      if (b.cumulative_count_float.value_or(0) == 0) {
        b.cumulative_count_float = static_cast<double>(b.cumulative_count.value_or(0));
        b.cumulative_count.reset();
      }
    }
  }
  ParsedFamilies out;
  out.families.reserve(families_.size());
  for (MetricFamily& f : families_) {
    if (!f.metrics.empty()) out.families.push_back(std::move(f));
  }
  out.metrics = std::move(metrics_);
  return out;
}

}  // namespace

std::optional<double> ParseExpfmtFloat(std::string_view s) {
  // expfmt rejects hex floats and digit separators before asking strconv.
  if (s.find_first_of("pP_") != std::string_view::npos) return std::nullopt;
  util::Result<double> v = util::ParseFloat(s);
  if (!v.ok()) return std::nullopt;
  return *v;
}

util::Result<ParsedFamilies> ParseTextFamilies(std::string_view text, NameValidation scheme,
                                               TextParseErrorInfo* info) {
  FamilyParser parser(text, scheme);
  return parser.Run(info);
}

}  // namespace promkit::textparse
