#include "repl/complete.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "promql/parser/ast.h"
#include "promql/parser/lexer.h"
#include "repl/input.h"

namespace promkit::cli::repl {
namespace {

namespace p = promql::parser;

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == ':';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsAggregatorName(std::string_view lower) {
  for (int t = static_cast<int>(p::ItemType::kAggregatorsStart) + 1;
       t < static_cast<int>(p::ItemType::kAggregatorsEnd); ++t) {
    if (p::ItemTypeString(static_cast<p::ItemType>(t)) == lower) return true;
  }
  return false;
}

// What the last token before the cursor was, as far as completion cares.
enum class Prev : uint8_t {
  kStart,            // start of the statement, after '(' or ','
  kOperand,          // a metric, number, string, or ')' ']' '}' closing one
  kAggregator,       // "sum", "topk", ...
  kAggregation,      // ')' closing an aggregation's arguments
  kBinaryOp,         // + - * / % ^ and or unless atan2
  kComparison,       // == != < > <= >=
  kBool,             // bool
  kMatchingClosed,   // on(...) or ignoring(...)
  kGroupModClosed,   // group_left(...) or group_right(...)
  kGroupingKeyword,  // by without on ignoring group_left group_right, before their '('
  kByClosed,         // by(...) / without(...) written before the aggregation's arguments
  kOffset,
  kOther,
};

struct Frame {
  char open = '(';
  // '(': the keyword introducing a label list ("by", "on", ...), or "" for calls and groups.
  std::string grouping;
  bool aggregation = false;  // '(': an aggregation's arguments
  bool postfix = false;      // '(' of by/without written after the aggregation's arguments
  // '{': the selector's metric name, the matcher being written and where in it we are.
  std::string metric;
  enum class Brace : uint8_t { kName, kAfterName, kAfterOp, kAfterValue } brace = Brace::kName;
  std::string label;
  bool name_eq = false;  // the matcher is __name__="..."
};

// Scans a statement prefix, tracking open brackets and the last token.
class Scanner {
 public:
  void Scan(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) i = Step(text, i);
  }

  std::vector<Frame> frames;
  Prev prev = Prev::kStart;
  std::string grouping_keyword;  // with Prev::kGroupingKeyword
  bool grouping_postfix = false;
  std::string last_ident;  // the identifier just before, when prev is kOperand from one
  bool last_was_ident = false;
  std::set<std::string> metrics;
  bool in_comment = false;
  bool in_string = false;
  char quote = 0;
  size_t string_start = 0;  // offset of the first byte after the opening quote

 private:
  Frame* Top() { return frames.empty() ? nullptr : &frames.back(); }
  bool InBraces() { return Top() != nullptr && Top()->open == '{'; }
  bool InBrackets() { return Top() != nullptr && Top()->open == '['; }
  bool InGrouping() { return Top() != nullptr && Top()->open == '(' && !Top()->grouping.empty(); }

  void SetPrev(Prev p) {
    prev = p;
    last_was_ident = false;
  }

  // A group modifier written without a label list ("group_left x") ends at the next token.
  void SettleGroupModifier(char next) {
    if (prev == Prev::kGroupingKeyword && next != '(' &&
        (grouping_keyword == "group_left" || grouping_keyword == "group_right")) {
      SetPrev(Prev::kGroupModClosed);
    }
  }

  size_t Step(std::string_view text, size_t i) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) return i + 1;
    if (c == '#') {
      size_t nl = text.find('\n', i);
      if (nl == std::string_view::npos) {
        in_comment = true;
        return text.size();
      }
      return nl + 1;
    }
    SettleGroupModifier(c);
    if (c == '"' || c == '\'' || c == '`') return String(text, i);
    if (IsDigit(c) || (c == '.' && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      size_t j = i;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) != 0 ||
                                 text[j] == '.' || text[j] == '_')) {
        ++j;
      }
      if (!InBraces() && !InBrackets() && !InGrouping()) SetPrev(Prev::kOperand);
      return j;
    }
    if (IsIdentChar(c)) {
      size_t j = i;
      while (j < text.size() && IsIdentChar(text[j])) ++j;
      Identifier(text.substr(i, j - i));
      return j;
    }
    std::string_view two = text.substr(i, 2);
    switch (c) {
      case '(': {
        Frame f;
        f.open = '(';
        if (prev == Prev::kGroupingKeyword) {
          f.grouping = grouping_keyword;
          f.postfix = grouping_postfix;
        }
        f.aggregation = prev == Prev::kAggregator || prev == Prev::kByClosed;
        frames.push_back(std::move(f));
        SetPrev(Prev::kStart);
        return i + 1;
      }
      case ')': {
        if (Top() == nullptr || Top()->open != '(') {
          SetPrev(Prev::kOperand);
          return i + 1;
        }
        Frame f = std::move(frames.back());
        frames.pop_back();
        if (f.grouping == "by" || f.grouping == "without") {
          SetPrev(f.postfix ? Prev::kOperand : Prev::kByClosed);
        } else if (f.grouping == "on" || f.grouping == "ignoring") {
          SetPrev(Prev::kMatchingClosed);
        } else if (!f.grouping.empty()) {
          SetPrev(Prev::kGroupModClosed);
        } else {
          SetPrev(f.aggregation ? Prev::kAggregation : Prev::kOperand);
        }
        return i + 1;
      }
      case '[':
      case '{': {
        Frame f;
        f.open = c;
        if (c == '{' && prev == Prev::kOperand && last_was_ident) f.metric = last_ident;
        frames.push_back(std::move(f));
        SetPrev(Prev::kStart);
        return i + 1;
      }
      case ']':
      case '}':
        if (Top() != nullptr && Top()->open == (c == ']' ? '[' : '{')) frames.pop_back();
        SetPrev(Prev::kOperand);
        return i + 1;
      case ',':
        if (InBraces()) {
          Top()->brace = Frame::Brace::kName;
          Top()->name_eq = false;
        } else {
          SetPrev(Prev::kStart);
        }
        return i + 1;
      default:
        break;
    }
    if (InBraces()) {
      if (two == "=~" || two == "!~" || two == "!=") {
        Top()->brace = Frame::Brace::kAfterOp;
        Top()->name_eq = false;
        return i + 2;
      }
      if (c == '=') {
        Top()->brace = Frame::Brace::kAfterOp;
        Top()->name_eq = Top()->label == "__name__";
        return i + 1;
      }
      return i + 1;
    }
    if (two == "==" || two == "!=" || two == ">=" || two == "<=") {
      SetPrev(Prev::kComparison);
      return i + 2;
    }
    if (c == '<' || c == '>') {
      SetPrev(Prev::kComparison);
      return i + 1;
    }
    if (c == '+' || c == '-' || c == '*' || c == '/' || c == '%' || c == '^') {
      if (!InBrackets()) SetPrev(Prev::kBinaryOp);
      return i + 1;
    }
    if (!InBrackets()) SetPrev(Prev::kOther);
    return i + 1;
  }

  size_t String(std::string_view text, size_t i) {
    const char q = text[i];
    size_t j = i + 1;
    while (j < text.size() && text[j] != q) {
      if (text[j] == '\\' && q != '`') ++j;
      ++j;
    }
    if (j >= text.size()) {
      in_string = true;
      quote = q;
      string_start = i + 1;
      return text.size();
    }
    std::string_view body = text.substr(i + 1, j - i - 1);
    if (InBraces()) {
      Frame& f = *Top();
      if (f.brace == Frame::Brace::kName) {  // a quoted label name, or a quoted metric name
        f.label = std::string(body);
        f.brace = Frame::Brace::kAfterName;
      } else if (f.brace == Frame::Brace::kAfterOp) {
        if (f.name_eq && body.find('\\') == std::string_view::npos) {
          f.metric = std::string(body);
          metrics.insert(f.metric);
        }
        f.brace = Frame::Brace::kAfterValue;
      }
    } else if (!InGrouping()) {
      SetPrev(Prev::kOperand);
    }
    return j + 1;
  }

  void Identifier(std::string_view word) {
    if (InBraces()) {
      Frame& f = *Top();
      if (f.brace == Frame::Brace::kName) {
        f.label = std::string(word);
        f.brace = Frame::Brace::kAfterName;
      }
      return;
    }
    if (InGrouping() || InBrackets()) return;
    const std::string lower = Lower(word);
    if (lower == "and" || lower == "or" || lower == "unless" || lower == "atan2") {
      SetPrev(Prev::kBinaryOp);
    } else if (lower == "by" || lower == "without" || lower == "on" || lower == "ignoring" ||
               lower == "group_left" || lower == "group_right") {
      grouping_postfix = prev == Prev::kAggregation;
      SetPrev(Prev::kGroupingKeyword);
      grouping_keyword = lower;
    } else if (lower == "bool") {
      SetPrev(Prev::kBool);
    } else if (lower == "offset") {
      SetPrev(Prev::kOffset);
    } else if (IsAggregatorName(lower)) {
      SetPrev(Prev::kAggregator);
    } else {
      SetPrev(Prev::kOperand);
      last_ident = std::string(word);
      last_was_ident = true;
      if (p::GetFunction(word) == nullptr) metrics.insert(last_ident);
    }
  }
};

size_t WordStart(std::string_view text, bool duration) {
  size_t i = text.size();
  while (i > 0 && (duration ? std::isalnum(static_cast<unsigned char>(text[i - 1])) != 0
                            : IsIdentChar(text[i - 1]))) {
    --i;
  }
  return i;
}

void AddKeywords(CompletionContext& ctx, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) ctx.keywords.emplace_back(w);
}

// Appends the members of sorted `names` starting with `prefix`.
void AddPrefixed(const std::vector<std::string>& names, std::string_view prefix,
                 std::vector<std::string>& out) {
  auto it = std::lower_bound(names.begin(), names.end(), prefix,
                             [](const std::string& a, std::string_view b) { return a < b; });
  for (; it != names.end() && StartsWith(*it, prefix); ++it) out.push_back(*it);
}

}  // namespace

CompletionContext AnalyzeCompletion(std::string_view text) {
  CompletionContext ctx;
  Scanner whole;
  whole.Scan(text);
  if (whole.in_comment) return ctx;
  if (whole.in_string) {
    const Frame* top = whole.frames.empty() ? nullptr : &whole.frames.back();
    if (top != nullptr && top->open == '{' && top->brace == Frame::Brace::kAfterOp) {
      ctx.kind = CompletionKind::kLabelValue;
      ctx.word_start = whole.string_start;
      ctx.prefix = std::string(text.substr(whole.string_start));
      ctx.metric = top->metric;
      ctx.label = top->label;
      ctx.quote = whole.quote;
    }
    return ctx;
  }

  size_t start = WordStart(text, false);
  Scanner s;
  s.Scan(text.substr(0, start));
  if (!s.frames.empty() && s.frames.back().open == '[') {
    start = WordStart(text, true);
    s = Scanner();
    s.Scan(text.substr(0, start));
  }
  ctx.word_start = start;
  ctx.prefix = std::string(text.substr(start));
  const bool numeric = !ctx.prefix.empty() && IsDigit(ctx.prefix[0]);
  const Frame* top = s.frames.empty() ? nullptr : &s.frames.back();

  if (top != nullptr && top->open == '{') {
    if (top->brace == Frame::Brace::kName && !numeric) {
      ctx.kind = CompletionKind::kLabelName;
      ctx.metric = top->metric;
    } else if (top->brace == Frame::Brace::kAfterOp) {
      ctx.kind = CompletionKind::kLabelValue;
      ctx.metric = top->metric;
      ctx.label = top->label;
    }
    return ctx;
  }
  if (top != nullptr && top->open == '[') {
    if (ctx.prefix.empty() || numeric) ctx.kind = CompletionKind::kDuration;
    return ctx;
  }
  if (top != nullptr && !top->grouping.empty()) {
    if (numeric) return ctx;
    ctx.kind = CompletionKind::kGroupingLabel;
    ctx.metrics.assign(whole.metrics.begin(), whole.metrics.end());
    return ctx;
  }
  if (s.prev == Prev::kOffset) {
    if (ctx.prefix.empty() || numeric) ctx.kind = CompletionKind::kDuration;
    return ctx;
  }
  if (numeric) return ctx;
  switch (s.prev) {
    case Prev::kOperand:
      ctx.kind = CompletionKind::kAfterOperand;
      AddKeywords(ctx, {"and", "atan2", "offset", "or", "unless"});
      break;
    case Prev::kAggregation:
      ctx.kind = CompletionKind::kAfterOperand;
      AddKeywords(ctx, {"and", "atan2", "by", "or", "unless", "without"});
      break;
    case Prev::kAggregator:
      ctx.kind = CompletionKind::kAfterOperand;
      AddKeywords(ctx, {"by", "without"});
      break;
    case Prev::kComparison:
      ctx.kind = CompletionKind::kExpression;
      AddKeywords(ctx, {"bool", "ignoring", "on"});
      break;
    case Prev::kBool:
    case Prev::kBinaryOp:
      ctx.kind = CompletionKind::kExpression;
      AddKeywords(ctx, {"ignoring", "on"});
      break;
    case Prev::kMatchingClosed:
      ctx.kind = CompletionKind::kExpression;
      AddKeywords(ctx, {"group_left", "group_right"});
      break;
    case Prev::kGroupingKeyword:
      // by/on/... wait for their '('; only a group modifier may be followed by an operand.
      if (s.grouping_keyword == "group_left" || s.grouping_keyword == "group_right") {
        ctx.kind = CompletionKind::kExpression;
      }
      break;
    case Prev::kByClosed:
    case Prev::kOffset:
      break;
    case Prev::kStart:
    case Prev::kGroupModClosed:
    case Prev::kOther:
      ctx.kind = CompletionKind::kExpression;
      break;
  }
  return ctx;
}

std::string QuoteLabelValue(std::string_view value, char quote) {
  std::string out;
  if (quote == '`') {
    if (value.find('`') != std::string_view::npos) return "";
    out = std::string(value);
  } else {
    for (char c : value) {
      if (c == '\\' || c == quote) {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
  }
  out += quote;
  return out;
}

std::vector<std::string> Complete(const CompletionContext& ctx, CompletionSource& source,
                                  const CompletionOptions& opts) {
  std::vector<std::string> out;
  const std::string_view prefix = ctx.prefix;
  for (const std::string& k : ctx.keywords) {
    if (StartsWith(k, prefix)) out.push_back(k);
  }
  switch (ctx.kind) {
    case CompletionKind::kNone:
    case CompletionKind::kAfterOperand:
      break;
    case CompletionKind::kExpression: {
      for (const p::Function* f : p::AllFunctions()) {
        if (f->experimental && !opts.experimental_functions) continue;
        if (StartsWith(f->name, prefix)) out.emplace_back(f->name);
      }
      for (int t = static_cast<int>(p::ItemType::kAggregatorsStart) + 1;
           t < static_cast<int>(p::ItemType::kAggregatorsEnd); ++t) {
        const auto type = static_cast<p::ItemType>(t);
        if (p::IsExperimentalAggregator(type) && !opts.experimental_functions) continue;
        std::string_view name = p::ItemTypeString(type);
        if (StartsWith(name, prefix)) out.emplace_back(name);
      }
      AddPrefixed(source.MetricNames(), prefix, out);
      break;
    }
    case CompletionKind::kLabelName: {
      std::vector<std::string> metric;
      if (!ctx.metric.empty()) metric.push_back(ctx.metric);
      AddPrefixed(source.LabelNames(metric), prefix, out);
      break;
    }
    case CompletionKind::kGroupingLabel: {
      std::vector<std::string> names = source.LabelNames(ctx.metrics);
      if (names.empty() && !ctx.metrics.empty()) names = source.LabelNames({});
      AddPrefixed(names, prefix, out);
      break;
    }
    case CompletionKind::kLabelValue:
      for (const std::string& v : source.LabelValues(ctx.label, ctx.metric)) {
        if (ctx.quote == 0) {
          if (StartsWith(v, prefix)) out.push_back("\"" + QuoteLabelValue(v, '"'));
        } else {
          std::string body = QuoteLabelValue(v, ctx.quote);
          if (!body.empty() && StartsWith(body, prefix)) out.push_back(std::move(body));
        }
      }
      break;
    case CompletionKind::kDuration: {
      static constexpr std::array<std::string_view, 11> kCommon = {
          "1m", "5m", "10m", "15m", "30m", "1h", "2h", "6h", "12h", "1d", "7d"};
      static constexpr std::array<std::string_view, 7> kUnits = {"ms", "s", "m", "h",
                                                                 "d",  "w", "y"};
      if (prefix.empty()) {
        for (std::string_view d : kCommon) out.emplace_back(d);
      } else if (std::all_of(prefix.begin(), prefix.end(), IsDigit)) {
        for (std::string_view u : kUnits) out.push_back(std::string(prefix) + std::string(u));
      }
      break;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

StatementCompletion CompleteStatement(std::string_view text, CompletionSource& source,
                                      const CompletionOptions& opts) {
  StatementCompletion out;
  size_t lead = 0;
  while (lead < text.size() && std::isspace(static_cast<unsigned char>(text[lead])) != 0) ++lead;
  if (lead == text.size() || text[lead] != '.') {
    CompletionContext ctx = AnalyzeCompletion(text);
    out.word_start = ctx.word_start;
    out.candidates = Complete(ctx, source, opts);
    return out;
  }
  size_t name_end = lead;
  while (name_end < text.size() && std::isspace(static_cast<unsigned char>(text[name_end])) == 0) {
    ++name_end;
  }
  const std::string_view name = text.substr(lead, name_end - lead);
  if (name_end == text.size()) {  // still typing the command's name
    out.word_start = lead;
    for (const DotCommand& c : DotCommands()) {
      if (StartsWith(c.name, name)) out.candidates.emplace_back(c.name);
    }
    return out;
  }
  size_t arg_start = name_end;
  while (arg_start < text.size() &&
         std::isspace(static_cast<unsigned char>(text[arg_start])) != 0) {
    ++arg_start;
  }
  const std::string_view args = text.substr(arg_start);
  if (name == ".explain" || name == ".series") {
    CompletionContext ctx = AnalyzeCompletion(args);
    out.word_start = arg_start + ctx.word_start;
    out.candidates = Complete(ctx, source, opts);
    return out;
  }
  // The others take simple words: complete the last one.
  const size_t word = WordStart(text, false);
  if (word < arg_start) return out;
  out.word_start = word;
  const std::string_view prefix = text.substr(word);
  const bool first_arg = word == arg_start;
  if (name == ".format" && first_arg) {
    for (std::string_view f : FormatNames()) {
      if (StartsWith(f, prefix)) out.candidates.emplace_back(f);
    }
  } else if (name == ".stats" && first_arg) {
    for (std::string_view f : {"off", "on"}) {
      if (StartsWith(f, prefix)) out.candidates.emplace_back(f);
    }
  } else if (name == ".labels" && first_arg) {
    AddPrefixed(source.LabelNames({}), prefix, out.candidates);
  } else if (name == ".metrics" && first_arg) {
    AddPrefixed(source.MetricNames(), prefix, out.candidates);
  } else if ((name == ".at" || name == ".range") && !prefix.empty()) {
    for (std::string_view f : {"latest", "now"}) {
      if (StartsWith(f, prefix)) out.candidates.emplace_back(f);
    }
  }
  return out;
}

std::vector<std::string> UnionOfLabelNames(
    std::span<const std::string> metrics,
    const std::function<const std::vector<std::string>&(const std::string&)>& names_of) {
  std::vector<std::string> out;
  for (const std::string& m : metrics) {
    const std::vector<std::string>& names = names_of(m);
    out.insert(out.end(), names.begin(), names.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace promkit::cli::repl
