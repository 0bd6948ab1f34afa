#include "promql/parser/parser.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <deque>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include <fmt/core.h>

#include "promql/parser/metric.h"
#include "util/duration.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::promql::parser {
namespace {

// Upstream's strutil.Unquote: Go string literal syntax with '…' also allowed; `…` is raw.
bool Unquote(std::string_view s, std::string* out) {
  out->clear();
  if (s.size() < 2) return false;
  char quote = s.front();
  if (quote != s.back()) return false;
  s = s.substr(1, s.size() - 2);
  if (quote == '`') {
    if (s.find('`') != std::string_view::npos) return false;
    out->assign(s);
    return true;
  }
  if (quote != '"' && quote != '\'') return false;
  if (s.find('\n') != std::string_view::npos) return false;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == quote) return false;
    if (c != '\\') {
      util::DecodedRune d = util::DecodeRune(s.substr(i));
      out->append(s.substr(i, static_cast<size_t>(d.width)));
      i += static_cast<size_t>(d.width);
      continue;
    }
    if (i + 1 >= s.size()) return false;
    char e = s[i + 1];
    i += 2;
    switch (e) {
      case 'a':
        *out += '\a';
        break;
      case 'b':
        *out += '\b';
        break;
      case 'f':
        *out += '\f';
        break;
      case 'n':
        *out += '\n';
        break;
      case 'r':
        *out += '\r';
        break;
      case 't':
        *out += '\t';
        break;
      case 'v':
        *out += '\v';
        break;
      case '\\':
        *out += '\\';
        break;
      case '\'':
      case '"':
        if (e != quote) return false;
        *out += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > s.size()) return false;
        uint32_t v = 0;
        for (size_t k = 0; k < n; ++k) {
          char h = s[i + k];
          int d = (h >= '0' && h <= '9')   ? h - '0'
                  : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                  : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                           : -1;
          if (d < 0) return false;
          v = v * 16 + static_cast<uint32_t>(d);
        }
        i += n;
        if (e == 'x') {
          *out += static_cast<char>(v);
        } else {
          if (v > util::kMaxRune || (v >= 0xD800 && v < 0xE000)) return false;
          util::AppendRune(*out, v);
        }
        break;
      }
      default: {
        if (e < '0' || e > '7') return false;
        if (i + 2 > s.size()) return false;
        uint32_t v = static_cast<uint32_t>(e - '0');
        for (size_t k = 0; k < 2; ++k) {
          char o = s[i + k];
          if (o < '0' || o > '7') return false;
          v = v * 8 + static_cast<uint32_t>(o - '0');
        }
        if (v > 255) return false;
        i += 2;
        *out += static_cast<char>(v);
      }
    }
  }
  return true;
}

// Go's strconv.ParseInt(s, 0, 64) success path (base prefixes, '_' separators).
bool ParseGoInt(std::string_view s, int64_t* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int base = 10;
  bool prefixed = false;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x')
      base = 16, s.remove_prefix(2), prefixed = true;
    else if (p == 'o')
      base = 8, s.remove_prefix(2), prefixed = true;
    else if (p == 'b')
      base = 2, s.remove_prefix(2), prefixed = true;
    else
      base = 8, s.remove_prefix(1), prefixed = true;
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  bool last_underscore = prefixed;  // an underscore may follow the prefix
  bool any_digit = false;
  for (char c : s) {
    if (c == '_') {
      if (!last_underscore && !any_digit) return false;
      last_underscore = false;
      continue;
    }
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'z') ? c - 'a' + 10
            : (c >= 'A' && c <= 'Z') ? c - 'A' + 10
                                     : 99;
    if (d >= base) return false;
    if (v > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) /
                static_cast<uint64_t>(base)) {
      return false;
    }
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    any_digit = true;
    last_underscore = true;
  }
  if (!any_digit || s.back() == '_') return false;
  if (neg) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

// time.Duration(ms).Seconds() as Go computes it.
double MillisToSeconds(int64_t ms) {
  int64_t ns = ms * 1000000;
  int64_t sec = ns / 1000000000;
  int64_t nsec = ns % 1000000000;
  return static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
}

bool DurationLiteralOutOfRange(double v) {
  return v > 9223372036854775808.0 / 1e9 || v < -9223372036854775808.0 / 1e9;
}

int64_t SecondsToNanos(double v) { return static_cast<int64_t>(std::round(v * 1e9)); }

bool IsValidUtf8LabelName(std::string_view s) { return !s.empty() && util::IsValidUtf8(s); }

int BinaryPrecedence(ItemType t) {
  switch (t) {
    case ItemType::kLor:
      return 1;
    case ItemType::kLand:
    case ItemType::kLunless:
      return 2;
    case ItemType::kEqlc:
    case ItemType::kGte:
    case ItemType::kGtr:
    case ItemType::kLss:
    case ItemType::kLte:
    case ItemType::kNeq:
    case ItemType::kTrimUpper:
    case ItemType::kTrimLower:
      return 3;
    case ItemType::kAdd:
    case ItemType::kSub:
      return 4;
    case ItemType::kMul:
    case ItemType::kDiv:
    case ItemType::kMod:
    case ItemType::kAtan2:
      return 5;
    case ItemType::kPow:
      return 6;
    default:
      return -1;
  }
}
constexpr int kUnaryOperandPrecedence = 6;  // unary +/- bind like '*': only '^' binds tighter

int DurationPrecedence(ItemType t) {
  switch (t) {
    case ItemType::kAdd:
    case ItemType::kSub:
      return 4;
    case ItemType::kMul:
    case ItemType::kDiv:
    case ItemType::kMod:
      return 5;
    case ItemType::kPow:
      return 6;
    default:
      return -1;
  }
}

// Tokens that may name a metric (upstream's metric_identifier).
bool IsMetricIdentifier(ItemType t) {
  switch (t) {
    case ItemType::kIdentifier:
    case ItemType::kMetricIdentifier:
    case ItemType::kBy:
    case ItemType::kWithout:
    case ItemType::kFill:
    case ItemType::kFillLeft:
    case ItemType::kFillRight:
    case ItemType::kLand:
    case ItemType::kLor:
    case ItemType::kLunless:
    case ItemType::kOffset:
    case ItemType::kStart:
    case ItemType::kEnd:
    case ItemType::kStep:
    case ItemType::kRange:
    case ItemType::kAnchored:
    case ItemType::kSmoothed:
    case ItemType::kMaxOf:
    case ItemType::kMinOf:
      return true;
    default:
      return IsAggregator(t);
  }
}

// Tokens that may name a label in grouping clauses (upstream's maybe_label).
bool IsMaybeLabel(ItemType t) {
  if (IsMetricIdentifier(t)) return true;
  switch (t) {
    case ItemType::kBool:
    case ItemType::kGroupLeft:
    case ItemType::kGroupRight:
    case ItemType::kIgnoring:
    case ItemType::kOn:
    case ItemType::kAtan2:
      return true;
    default:
      return false;
  }
}

bool IsMatchOp(ItemType t) {
  return t == ItemType::kEql || t == ItemType::kNeq || t == ItemType::kEqlRegex ||
         t == ItemType::kNeqRegex;
}

PositionRange ItemRange(const Item& i) { return {i.pos, i.end()}; }

class Parser {
 public:
  Parser(std::string_view input, const Options& opts, bool series_desc)
      : input_(input), opts_(opts), lex_(input, series_desc) {}

  ExprPtr ParseExprTop();
  std::vector<model::Matcher> ParseMetricSelectorTop();
  model::Labels ParseMetricTop();
  SeriesDesc ParseSeriesDescTop();

  std::vector<ParseErr>& errors() { return errors_; }
  void CheckTree(Expr* e) { Check(e); }

 private:
  // Tokens.
  const Item& Peek(size_t n = 0);
  Item Consume();
  // Whether the current token is a lexer error (already reported) or parsing gave up.
  bool Failed() const { return failed_; }
  void Unexpected(std::string_view context, std::string_view expected);
  void AddErr(PositionRange r, std::string msg) { errors_.push_back({r, std::move(msg)}); }
  std::string UnquoteItem(const Item& item);

  // Expressions.
  ExprPtr ParseBinary(int min_prec);
  ExprPtr ParseUnary();
  ExprPtr ParsePrimary();
  ExprPtr ParsePostfix(ExprPtr e);
  ExprPtr ParseNumberLiteral();
  ExprPtr ParseVectorSelector();
  ExprPtr ParseCall();
  ExprPtr ParseAggregate();
  bool ParseCallBody(std::vector<ExprPtr>* args, std::string_view context);
  bool ParseGroupingLabels(std::vector<std::string>* out);
  bool ParseBinModifiers(BinaryExpr* be);
  bool ParseFillValue(double* out);
  bool ParseLabelMatchers(std::vector<model::Matcher>* out, PositionRange* range);
  ExprPtr ParseRangeOrSubquery(ExprPtr e);
  ExprPtr ParseOffset(ExprPtr e);
  ExprPtr ParseAt(ExprPtr e);

  // Duration expressions (inside [] and after offset).
  ExprPtr ParseDuration(int min_prec);
  ExprPtr ParseDurationUnary();
  ExprPtr ParseDurationPrimary();
  ExprPtr ParseDurationLiteral();  // number_duration_literal with the range check
  ExprPtr ParseDurationKeyword();  // step(), range(), max_of(a, b), min_of(a, b)
  ExprPtr ParseOffsetDuration();
  ExprPtr ApplyUnary(const Item& op, ExprPtr e, bool wrapped);
  ExprPtr Positive(ExprPtr e);
  void ExperimentalDurationExpr(const Expr& e);
  static ExprPtr WrapParen(ExprPtr e, int start, int end);

  double Number(const Item& item);
  NumberLiteral* LiteralFromItem(const Item& item, NumberLiteral* nl);

  // Semantic actions.
  void AddOffset(Expr* e, const std::unique_ptr<NumberLiteral>* lit, ExprPtr expr);
  Modifiers* ModifiersFor(Expr* e, int** end_pos, std::string_view which);
  void SetAnchoredOrSmoothed(Expr* e, bool anchored);

  // Type checking (upstream's checkAST).
  ValueType Check(Expr* e);
  void ExpectType(Expr* e, ValueType want, std::string_view context);
  PositionRange OpRange(const BinaryExpr& e) const;

  // Series descriptions.
  bool ParseLabelSet(std::vector<std::pair<std::string, std::string>>* out);
  bool ParseSeriesValues(std::vector<SequenceValue>* out);
  bool ParseSeriesNumber(double* out);
  bool ParseUint(uint64_t* out);
  bool ParseHistogramValues(std::vector<SequenceValue>* out);
  std::shared_ptr<const model::FloatHistogram> ParseHistogramDesc(const Item& item, bool* hint_set);

  std::string_view input_;
  Options opts_;
  Lexer lex_;
  std::deque<Item> ahead_;
  int last_end_ = 0;  // end of the last consumed token
  bool failed_ = false;
  std::vector<ParseErr> errors_;
};

const Item& Parser::Peek(size_t n) {
  while (ahead_.size() <= n) {
    if (!ahead_.empty() && ahead_.back().type == ItemType::kError) return ahead_.back();
    Item it;
    do {
      lex_.NextItem(&it);
    } while (it.type == ItemType::kComment);
    if (it.type == ItemType::kError) {
      AddErr({it.pos, static_cast<int>(input_.size())}, std::string(it.val));
      failed_ = true;
    }
    ahead_.push_back(it);
  }
  return ahead_[n];
}

Item Parser::Consume() {
  Peek();
  Item it = ahead_.front();
  if (it.type != ItemType::kError && it.type != ItemType::kEof) ahead_.pop_front();
  last_end_ = it.end();
  return it;
}

void Parser::Unexpected(std::string_view context, std::string_view expected) {
  if (failed_) return;
  failed_ = true;
  const Item& it = Peek();
  if (it.type == ItemType::kError) return;
  std::string msg = "unexpected " + it.Desc();
  if (!context.empty()) msg += fmt::format(" in {}", context);
  if (!expected.empty()) msg += fmt::format(", expected {}", expected);
  AddErr(ItemRange(it), std::move(msg));
}

std::string Parser::UnquoteItem(const Item& item) {
  std::string out;
  if (!Unquote(item.val, &out)) {
    AddErr(ItemRange(item),
           fmt::format("error unquoting string {}: invalid syntax", util::GoQuote(item.val)));
  }
  return out;
}

double Parser::Number(const Item& item) {
  int64_t i = 0;
  if (ParseGoInt(item.val, &i)) return static_cast<double>(i);
  util::Result<double> f = util::ParseFloat(item.val);
  if (!f.ok()) {
    AddErr(ItemRange(item), fmt::format("error parsing number: {}", f.status().message()));
    return 0;
  }
  return *f;
}

NumberLiteral* Parser::LiteralFromItem(const Item& item, NumberLiteral* nl) {
  nl->pos = ItemRange(item);
  if (item.type == ItemType::kNumber) {
    nl->val = Number(item);
    return nl;
  }
  nl->duration = true;
  util::Result<int64_t> ms = util::ParseDuration(item.val);
  if (!ms.ok()) {
    AddErr(ItemRange(item), std::string(ms.status().message()));
    nl->val = 0;
  } else {
    nl->val = MillisToSeconds(*ms);
  }
  return nl;
}

ExprPtr Parser::ParseNumberLiteral() {
  auto nl = std::make_unique<NumberLiteral>();
  LiteralFromItem(Consume(), nl.get());
  return nl;
}

// ---------------------------------------------------------------------------------------------
// Expressions.

ExprPtr Parser::ParseExprTop() {
  if (Peek().type == ItemType::kEof) {
    AddErr({0, 0}, "no expression found in input");
    return nullptr;
  }
  if (Failed()) return nullptr;
  ExprPtr e = ParseBinary(0);
  if (e == nullptr || Failed()) return nullptr;
  if (Peek().type != ItemType::kEof) {
    Unexpected("", "");
    return nullptr;
  }
  return e;
}

ExprPtr Parser::ParseBinary(int min_prec) {
  ExprPtr lhs = ParseUnary();
  if (lhs == nullptr) return nullptr;
  for (;;) {
    const Item& op_item = Peek();
    int prec = BinaryPrecedence(op_item.type);
    if (prec < 0 || prec < min_prec) break;
    Item op = Consume();
    auto be = std::make_unique<BinaryExpr>();
    be->op = op.type;
    be->matching.emplace();
    if (!ParseBinModifiers(be.get())) return nullptr;
    ExprPtr rhs = ParseBinary(op.type == ItemType::kPow ? prec : prec + 1);
    if (rhs == nullptr) return nullptr;
    be->lhs = std::move(lhs);
    be->rhs = std::move(rhs);
    if (!opts_.binop_fill_modifiers && (be->matching->fill_lhs || be->matching->fill_rhs)) {
      AddErr(be->Range(), "binop fill modifiers are experimental and not enabled");
    }
    lhs = std::move(be);
  }
  return lhs;
}

bool Parser::ParseBinModifiers(BinaryExpr* be) {
  VectorMatching& vm = *be->matching;
  if (Peek().type == ItemType::kBool) {
    Consume();
    be->return_bool = true;
  }
  ItemType t = Peek().type;
  if (t == ItemType::kOn || t == ItemType::kIgnoring) {
    Consume();
    vm.on = t == ItemType::kOn;
    if (!ParseGroupingLabels(&vm.matching_labels)) return false;
    t = Peek().type;
    if (t == ItemType::kGroupLeft || t == ItemType::kGroupRight) {
      Consume();
      vm.card = t == ItemType::kGroupLeft ? Cardinality::kManyToOne : Cardinality::kOneToMany;
      if (Peek().type == ItemType::kLeftParen && !ParseGroupingLabels(&vm.include)) return false;
    }
  }
  t = Peek().type;
  if (t == ItemType::kFill || t == ItemType::kFillLeft || t == ItemType::kFillRight) {
    Consume();
    double v = 0;
    if (!ParseFillValue(&v)) return false;
    if (t == ItemType::kFill) {
      vm.fill_lhs = v;
      vm.fill_rhs = v;
      return true;
    }
    (t == ItemType::kFillLeft ? vm.fill_lhs : vm.fill_rhs) = v;
    ItemType other = t == ItemType::kFillLeft ? ItemType::kFillRight : ItemType::kFillLeft;
    if (Peek().type == other) {
      Consume();
      if (!ParseFillValue(&v)) return false;
      (other == ItemType::kFillLeft ? vm.fill_lhs : vm.fill_rhs) = v;
    }
  }
  return !Failed();
}

bool Parser::ParseFillValue(double* out) {
  if (Peek().type != ItemType::kLeftParen) {
    Unexpected("", "");
    return false;
  }
  Consume();
  bool neg = false;
  if (Peek().type == ItemType::kAdd || Peek().type == ItemType::kSub) {
    neg = Consume().type == ItemType::kSub;
  }
  ItemType t = Peek().type;
  if (t != ItemType::kNumber && t != ItemType::kDuration) {
    Unexpected("", "");
    return false;
  }
  NumberLiteral nl;
  LiteralFromItem(Consume(), &nl);
  *out = neg ? -nl.val : nl.val;
  if (Peek().type != ItemType::kRightParen) {
    Unexpected("", "");
    return false;
  }
  Consume();
  return true;
}

ExprPtr Parser::ParseUnary() {
  ItemType t = Peek().type;
  if (t != ItemType::kAdd && t != ItemType::kSub) return ParsePostfix(ParsePrimary());
  Item op = Consume();
  ExprPtr operand = ParseBinary(kUnaryOperandPrecedence);
  if (operand == nullptr) return nullptr;
  if (operand->kind() == ExprKind::kNumberLiteral) {
    auto* nl = static_cast<NumberLiteral*>(operand.get());
    if (op.type == ItemType::kSub) nl->val *= -1;
    nl->pos.start = op.pos;
    return operand;
  }
  auto u = std::make_unique<UnaryExpr>();
  u->op = op.type;
  u->expr = std::move(operand);
  u->start_pos = op.pos;
  return u;
}

ExprPtr Parser::ParsePrimary() {
  if (Failed()) return nullptr;
  const Item& it = Peek();
  switch (it.type) {
    case ItemType::kNumber:
    case ItemType::kDuration:
      return ParseNumberLiteral();
    case ItemType::kString: {
      Item s = Consume();
      auto sl = std::make_unique<StringLiteral>();
      sl->val = UnquoteItem(s);
      sl->pos = ItemRange(s);
      return sl;
    }
    case ItemType::kLeftParen: {
      Item open = Consume();
      ExprPtr inner = ParseBinary(0);
      if (inner == nullptr) return nullptr;
      if (Peek().type != ItemType::kRightParen) {
        Unexpected("", "");
        return nullptr;
      }
      Item close = Consume();
      auto p = std::make_unique<ParenExpr>();
      p->expr = std::move(inner);
      p->pos = {open.pos, close.end()};
      return p;
    }
    case ItemType::kLeftBrace:
      return ParseVectorSelector();
    default:
      break;
  }
  if (IsAggregator(it.type)) {
    ItemType next = Peek(1).type;
    if (next == ItemType::kLeftParen || next == ItemType::kBy || next == ItemType::kWithout) {
      return ParseAggregate();
    }
    return ParseVectorSelector();
  }
  if (it.type == ItemType::kIdentifier || it.type == ItemType::kStart ||
      it.type == ItemType::kEnd || it.type == ItemType::kStep || it.type == ItemType::kRange ||
      it.type == ItemType::kMaxOf || it.type == ItemType::kMinOf) {
    if (Peek(1).type == ItemType::kLeftParen) return ParseCall();
    return ParseVectorSelector();
  }
  if (IsMetricIdentifier(it.type)) return ParseVectorSelector();
  Unexpected("", "");
  return nullptr;
}

ExprPtr Parser::ParseVectorSelector() {
  auto vs = std::make_unique<VectorSelector>();
  if (Peek().type != ItemType::kLeftBrace) {
    Item name = Consume();
    vs->name = std::string(name.val);
    vs->pos = ItemRange(name);
  }
  if (Peek().type == ItemType::kLeftBrace) {
    PositionRange r;
    if (!ParseLabelMatchers(&vs->matchers, &r)) return nullptr;
    vs->pos = {vs->name.empty() ? r.start : vs->pos.start, r.end};
  }
  if (!vs->name.empty()) {
    util::Result<model::Matcher> m =
        model::Matcher::Make(model::MatchType::kEqual, "__name__", vs->name);
    if (m.ok()) vs->matchers.push_back(std::move(*m));
  }
  return vs;
}

bool Parser::ParseLabelMatchers(std::vector<model::Matcher>* out, PositionRange* range) {
  Item open = Consume();  // '{'
  range->start = open.pos;
  if (Peek().type == ItemType::kRightBrace) {
    range->end = Consume().end();
    return true;
  }
  for (;;) {
    const Item& first = Peek();
    if (first.type != ItemType::kIdentifier && first.type != ItemType::kString) {
      Unexpected("label matching", "identifier or \"}\"");
      return false;
    }
    Item label = Consume();
    std::string name =
        label.type == ItemType::kString ? UnquoteItem(label) : std::string(label.val);
    if (IsMatchOp(Peek().type)) {
      Item op = Consume();
      if (Peek().type != ItemType::kString) {
        Unexpected("label matching", "string");
        return false;
      }
      Item value = Consume();
      std::string v = UnquoteItem(value);
      model::MatchType mt = op.type == ItemType::kEql        ? model::MatchType::kEqual
                            : op.type == ItemType::kNeq      ? model::MatchType::kNotEqual
                            : op.type == ItemType::kEqlRegex ? model::MatchType::kRegexMatch
                                                             : model::MatchType::kRegexNoMatch;
      util::Result<model::Matcher> m = model::Matcher::Make(mt, name, v);
      if (!m.ok()) {
        AddErr({label.pos, value.end()}, std::string(m.status().message()));
      } else {
        out->push_back(std::move(*m));
      }
    } else if (label.type == ItemType::kString) {
      util::Result<model::Matcher> m =
          model::Matcher::Make(model::MatchType::kEqual, "__name__", name);
      if (m.ok()) out->push_back(std::move(*m));
    } else {
      Unexpected("label matching", "label matching operator");
      return false;
    }
    ItemType t = Peek().type;
    if (t == ItemType::kComma) {
      Consume();
      if (Peek().type == ItemType::kRightBrace) {
        range->end = Consume().end();
        return true;
      }
      continue;
    }
    if (t == ItemType::kRightBrace) {
      range->end = Consume().end();
      return true;
    }
    Unexpected("label matching", "\",\" or \"}\"");
    return false;
  }
}

bool Parser::ParseCallBody(std::vector<ExprPtr>* args, std::string_view context) {
  if (Peek().type != ItemType::kLeftParen) {
    Unexpected(context, "");
    return false;
  }
  Consume();
  if (Peek().type == ItemType::kRightParen) {
    Consume();
    return true;
  }
  for (;;) {
    ExprPtr arg = ParseBinary(0);
    if (arg == nullptr) return false;
    args->push_back(std::move(arg));
    if (Peek().type == ItemType::kComma) {
      Item comma = Consume();
      if (Peek().type == ItemType::kRightParen) {
        AddErr(ItemRange(comma), "trailing commas not allowed in function call args");
        Consume();
        return true;
      }
      continue;
    }
    if (Peek().type == ItemType::kRightParen) {
      Consume();
      return true;
    }
    Unexpected(context, "");
    return false;
  }
}

ExprPtr Parser::ParseCall() {
  Item name = Consume();
  auto call = std::make_unique<Call>();
  call->func = GetFunction(name.val);
  if (call->func == nullptr) {
    AddErr(ItemRange(name), fmt::format("unknown function with name {}", util::GoQuote(name.val)));
  } else if (call->func->experimental && !opts_.experimental_functions) {
    AddErr(ItemRange(name), fmt::format("function {} is not enabled", util::GoQuote(name.val)));
  }
  if (!ParseCallBody(&call->args, "")) return nullptr;
  call->pos = {name.pos, last_end_};
  return call;
}

ExprPtr Parser::ParseAggregate() {
  Item op = Consume();
  auto agg = std::make_unique<AggregateExpr>();
  agg->op = op.type;
  std::vector<ExprPtr> args;
  auto modifier = [&]() {
    agg->without = Consume().type == ItemType::kWithout;
    return ParseGroupingLabels(&agg->grouping);
  };
  ItemType t = Peek().type;
  if (t == ItemType::kBy || t == ItemType::kWithout) {
    if (!modifier()) return nullptr;
    if (!ParseCallBody(&args, "aggregation")) return nullptr;
  } else {
    if (!ParseCallBody(&args, "aggregation")) return nullptr;
    t = Peek().type;
    if ((t == ItemType::kBy || t == ItemType::kWithout) && !modifier()) return nullptr;
  }
  agg->pos = {op.pos, last_end_};
  if (args.empty()) {
    AddErr(agg->pos, "no arguments for aggregate expression provided");
    return agg;
  }
  size_t desired = 1;
  if (IsAggregatorWithParam(op.type)) {
    if (!opts_.experimental_functions && IsExperimentalAggregator(op.type)) {
      AddErr(agg->pos, fmt::format("{}() is experimental and must be enabled with "
                                   "--enable-feature=promql-experimental-functions",
                                   ItemTypeString(op.type)));
      return agg;
    }
    desired = 2;
  }
  if (args.size() != desired) {
    AddErr(agg->pos, fmt::format("wrong number of arguments for aggregate expression provided, "
                                 "expected {}, got {}",
                                 desired, args.size()));
    return agg;
  }
  if (desired == 2) agg->param = std::move(args[0]);
  agg->expr = std::move(args[desired - 1]);
  return agg;
}

bool Parser::ParseGroupingLabels(std::vector<std::string>* out) {
  if (Peek().type != ItemType::kLeftParen) {
    Unexpected("grouping opts", "\"(\"");
    return false;
  }
  Consume();
  if (Peek().type == ItemType::kRightParen) {
    Consume();
    return true;
  }
  for (;;) {
    const Item& it = Peek();
    if (it.type == ItemType::kString) {
      Item s = Consume();
      std::string name = UnquoteItem(s);
      if (!IsValidUtf8LabelName(name)) {
        AddErr(ItemRange(s),
               fmt::format("invalid label name for grouping: {}", util::GoQuote(name)));
      }
      out->push_back(std::move(name));
    } else if (IsMaybeLabel(it.type)) {
      Item l = Consume();
      if (!IsValidUtf8LabelName(l.val)) {
        AddErr(ItemRange(l),
               fmt::format("invalid label name for grouping: {}", util::GoQuote(l.val)));
      }
      out->emplace_back(l.val);
    } else {
      Unexpected("grouping opts", "label");
      return false;
    }
    ItemType t = Peek().type;
    if (t == ItemType::kComma) {
      Consume();
      if (Peek().type == ItemType::kRightParen) {
        Consume();
        return true;
      }
      continue;
    }
    if (t == ItemType::kRightParen) {
      Consume();
      return true;
    }
    Unexpected("grouping opts", "\",\" or \")\"");
    return false;
  }
}

ExprPtr Parser::ParsePostfix(ExprPtr e) {
  while (e != nullptr && !Failed()) {
    switch (Peek().type) {
      case ItemType::kLeftBracket:
        e = ParseRangeOrSubquery(std::move(e));
        break;
      case ItemType::kOffset:
        e = ParseOffset(std::move(e));
        break;
      case ItemType::kAt:
        e = ParseAt(std::move(e));
        break;
      case ItemType::kAnchored:
      case ItemType::kSmoothed:
        SetAnchoredOrSmoothed(e.get(), Consume().type == ItemType::kAnchored);
        break;
      default:
        return e;
    }
  }
  return Failed() ? nullptr : std::move(e);
}

ExprPtr Parser::ParseRangeOrSubquery(ExprPtr e) {
  Item open = Consume();
  ExprPtr range = ParseDuration(0);
  if (range == nullptr) {
    Unexpected("subquery or range selector", "number, duration, step(), or range()");
    return nullptr;
  }
  range = Positive(std::move(range));
  auto split = [](ExprPtr d, int64_t* ns, std::unique_ptr<DurationExpr>* expr) {
    if (d->kind() == ExprKind::kNumberLiteral) {
      *ns = SecondsToNanos(static_cast<NumberLiteral&>(*d).val);
    } else {
      expr->reset(static_cast<DurationExpr*>(d.release()));
    }
  };
  ItemType t = Peek().type;
  if (t == ItemType::kRightBracket) {
    Item close = Consume();
    std::string err;
    if (e->kind() != ExprKind::kVectorSelector) {
      err = "ranges only allowed for vector selectors";
    } else if (static_cast<VectorSelector&>(*e).mods.HasOffset()) {
      err = "no offset modifiers allowed before range";
    } else if (static_cast<VectorSelector&>(*e).mods.HasAt()) {
      err = "no @ modifiers allowed before range";
    }
    if (!err.empty()) AddErr({open.pos, close.end()}, err);
    auto ms = std::make_unique<MatrixSelector>();
    ms->vector_selector = std::move(e);
    split(std::move(range), &ms->range_ns, &ms->range_expr);
    ms->end_pos = close.end();
    return ms;
  }
  if (t != ItemType::kColon) {
    Unexpected("subquery or range", "\":\" or \"]\"");
    return nullptr;
  }
  Consume();
  auto sq = std::make_unique<SubqueryExpr>();
  split(std::move(range), &sq->range_ns, &sq->range_expr);
  if (Peek().type != ItemType::kRightBracket) {
    ExprPtr step = ParseDuration(0);
    if (step == nullptr) {
      Unexpected("subquery selector", "number, duration, step(), range(), or \"]\"");
      return nullptr;
    }
    step = Positive(std::move(step));
    split(std::move(step), &sq->step_ns, &sq->step_expr);
    if (Peek().type != ItemType::kRightBracket) {
      Unexpected("subquery selector", "\"]\"");
      return nullptr;
    }
  }
  Item close = Consume();
  sq->expr = std::move(e);
  sq->end_pos = close.pos + 1;
  return sq;
}

ExprPtr Parser::ParseOffset(ExprPtr e) {
  Consume();
  ExprPtr d = ParseOffsetDuration();
  if (d == nullptr) {
    Unexpected("offset", "number, duration, step(), or range()");
    return nullptr;
  }
  if (d->kind() == ExprKind::kNumberLiteral) {
    std::unique_ptr<NumberLiteral> nl(static_cast<NumberLiteral*>(d.release()));
    AddOffset(e.get(), &nl, nullptr);
  } else {
    AddOffset(e.get(), nullptr, std::move(d));
  }
  return e;
}

Modifiers* Parser::ModifiersFor(Expr* e, int** end_pos, std::string_view which) {
  switch (e->kind()) {
    case ExprKind::kVectorSelector: {
      auto* vs = static_cast<VectorSelector*>(e);
      *end_pos = &vs->pos.end;
      return &vs->mods;
    }
    case ExprKind::kMatrixSelector: {
      auto* ms = static_cast<MatrixSelector*>(e);
      if (ms->vector_selector->kind() != ExprKind::kVectorSelector) {
        AddErr(e->Range(), "ranges only allowed for vector selectors");
        return nullptr;
      }
      *end_pos = &ms->end_pos;
      return &static_cast<VectorSelector&>(*ms->vector_selector).mods;
    }
    case ExprKind::kSubquery: {
      auto* sq = static_cast<SubqueryExpr*>(e);
      *end_pos = &sq->end_pos;
      return &sq->mods;
    }
    default:
      AddErr(e->Range(), fmt::format("{} modifier must be preceded by an instant vector selector "
                                     "or range vector selector or a subquery",
                                     which));
      return nullptr;
  }
}

void Parser::AddOffset(Expr* e, const std::unique_ptr<NumberLiteral>* lit, ExprPtr expr) {
  int* end_pos = nullptr;
  Modifiers* m = ModifiersFor(e, &end_pos, "offset");
  if (m == nullptr) return;
  if (m->HasOffset()) {
    AddErr(e->Range(), "offset may not be set multiple times");
  } else if (lit != nullptr) {
    m->original_offset_ns = SecondsToNanos((*lit)->val);
  } else {
    m->original_offset_expr.reset(static_cast<DurationExpr*>(expr.release()));
  }
  *end_pos = last_end_;
}

ExprPtr Parser::ParseAt(ExprPtr e) {
  Consume();
  ItemType t = Peek().type;
  if (t == ItemType::kStart || t == ItemType::kEnd) {
    Item which = Consume();
    if (Peek().type != ItemType::kLeftParen || Peek(1).type != ItemType::kRightParen) {
      if (Peek().type == ItemType::kLeftParen) Consume();
      Unexpected("@", "timestamp");
      return nullptr;
    }
    Consume();
    Consume();
    int* end_pos = nullptr;
    Modifiers* m = ModifiersFor(e.get(), &end_pos, "@");
    if (m == nullptr) return e;
    if (m->HasAt()) {
      AddErr(e->Range(), "@ <timestamp> may not be set multiple times");
      return e;
    }
    m->start_or_end = which.type;
    *end_pos = last_end_;
    return e;
  }
  bool neg = false;
  if (t == ItemType::kAdd || t == ItemType::kSub) {
    neg = Consume().type == ItemType::kSub;
    t = Peek().type;
  }
  if (t != ItemType::kNumber && t != ItemType::kDuration) {
    Unexpected("@", "timestamp");
    return nullptr;
  }
  NumberLiteral nl;
  LiteralFromItem(Consume(), &nl);
  double ts = neg ? -nl.val : nl.val;
  if (std::isinf(ts) || std::isnan(ts) || ts >= 9223372036854775807.0 ||
      ts <= -9223372036854775808.0) {
    std::string shown = std::isnan(ts)   ? "NaN"
                        : std::isinf(ts) ? (ts > 0 ? "+Inf" : "-Inf")
                                         : fmt::format("{:f}", ts);
    AddErr(e->Range(), fmt::format("timestamp out of bounds for @ modifier: {}", shown));
  }
  int* end_pos = nullptr;
  Modifiers* m = ModifiersFor(e.get(), &end_pos, "@");
  if (m == nullptr) return e;
  if (m->HasAt()) {
    AddErr(e->Range(), "@ <timestamp> may not be set multiple times");
    return e;
  }
  double ms = std::round(ts * 1000.0);
  m->timestamp_ms = std::isfinite(ms) && std::fabs(ms) < 9.2e18 ? static_cast<int64_t>(ms) : 0;
  *end_pos = last_end_;
  return e;
}

void Parser::SetAnchoredOrSmoothed(Expr* e, bool anchored) {
  std::string_view name = anchored ? "anchored" : "smoothed";
  if (!opts_.extended_range_selectors) {
    AddErr(e->Range(), fmt::format("{} modifier is experimental and not enabled", name));
    return;
  }
  VectorSelector* vs = nullptr;
  switch (e->kind()) {
    case ExprKind::kVectorSelector:
      vs = static_cast<VectorSelector*>(e);
      break;
    case ExprKind::kMatrixSelector: {
      Expr* inner = static_cast<MatrixSelector*>(e)->vector_selector.get();
      if (inner->kind() != ExprKind::kVectorSelector) return;
      vs = static_cast<VectorSelector*>(inner);
      break;
    }
    case ExprKind::kSubquery:
      AddErr(e->Range(), fmt::format("{} modifier is not supported for subqueries", name));
      return;
    default:
      AddErr(e->Range(), fmt::format("{} modifier not implemented", name));
      return;
  }
  (anchored ? vs->anchored : vs->smoothed) = true;
  if (vs->anchored && vs->smoothed) {
    AddErr(e->Range(), "anchored and smoothed modifiers cannot be used together");
  }
}

// ---------------------------------------------------------------------------------------------
// Duration expressions.

void Parser::ExperimentalDurationExpr(const Expr& e) {
  if (!opts_.duration_expr) AddErr(e.Range(), "experimental duration expression is not enabled");
}

ExprPtr Parser::WrapParen(ExprPtr e, int start, int end) {
  if (e->kind() == ExprKind::kDuration) {
    static_cast<DurationExpr&>(*e).wrapped = true;
    return e;
  }
  auto d = std::make_unique<DurationExpr>();
  d->op = ItemType::kAdd;
  d->rhs = std::move(e);
  d->wrapped = true;
  d->start_pos = start;
  d->end_pos = end;
  return d;
}

ExprPtr Parser::ApplyUnary(const Item& op, ExprPtr e, bool wrapped) {
  if (wrapped) {
    PositionRange r = e->Range();
    e = WrapParen(std::move(e), r.start, r.end);
  }
  if (e->kind() == ExprKind::kDuration) {
    if (op.type != ItemType::kSub) return e;
    auto d = std::make_unique<DurationExpr>();
    d->op = ItemType::kSub;
    d->rhs = std::move(e);
    d->start_pos = op.pos;
    return d;
  }
  auto* nl = static_cast<NumberLiteral*>(e.get());
  if (op.type == ItemType::kSub) nl->val *= -1;
  if (DurationLiteralOutOfRange(nl->val)) {
    AddErr(ItemRange(op), "duration out of range");
    return std::make_unique<NumberLiteral>();
  }
  nl->pos.start = op.pos;
  return e;
}

ExprPtr Parser::ParseDurationLiteral() {
  auto nl = std::make_unique<NumberLiteral>();
  LiteralFromItem(Consume(), nl.get());
  if (DurationLiteralOutOfRange(nl->val)) {
    AddErr(nl->pos, "duration out of range");
    return std::make_unique<NumberLiteral>();
  }
  return nl;
}

ExprPtr Parser::ParseDurationKeyword() {
  Item kw = Consume();
  if (Peek().type != ItemType::kLeftParen) return nullptr;
  Consume();
  auto d = std::make_unique<DurationExpr>();
  d->op = kw.type;
  d->start_pos = kw.pos;
  if (kw.type == ItemType::kMaxOf || kw.type == ItemType::kMinOf) {
    d->lhs = ParseDuration(0);
    if (d->lhs == nullptr || Peek().type != ItemType::kComma) return nullptr;
    Consume();
    d->rhs = ParseDuration(0);
    if (d->rhs == nullptr) return nullptr;
  }
  if (Peek().type != ItemType::kRightParen) return nullptr;
  d->end_pos = Consume().end();
  ExperimentalDurationExpr(*d);
  return d;
}

ExprPtr Parser::ParseDurationPrimary() {
  if (Failed()) return nullptr;
  switch (Peek().type) {
    case ItemType::kNumber:
    case ItemType::kDuration:
      return ParseDurationLiteral();
    case ItemType::kStep:
    case ItemType::kRange:
    case ItemType::kMaxOf:
    case ItemType::kMinOf:
      return ParseDurationKeyword();
    case ItemType::kLeftParen: {
      Item open = Consume();
      ExprPtr inner = ParseDuration(0);
      if (inner == nullptr || Peek().type != ItemType::kRightParen) return nullptr;
      Item close = Consume();
      ExperimentalDurationExpr(*inner);
      return WrapParen(std::move(inner), open.pos, close.end());
    }
    default:
      return nullptr;
  }
}

ExprPtr Parser::ParseDurationUnary() {
  ItemType t = Peek().type;
  if (t != ItemType::kAdd && t != ItemType::kSub) return ParseDurationPrimary();
  Item op = Consume();
  ExprPtr operand = ParseDuration(kUnaryOperandPrecedence);
  if (operand == nullptr) return nullptr;
  return ApplyUnary(op, std::move(operand), false);
}

ExprPtr Parser::ParseDuration(int min_prec) {
  ExprPtr lhs = ParseDurationUnary();
  if (lhs == nullptr) return nullptr;
  for (;;) {
    int prec = DurationPrecedence(Peek().type);
    if (prec < 0 || prec < min_prec) break;
    Item op = Consume();
    ExprPtr rhs = ParseDuration(op.type == ItemType::kPow ? prec : prec + 1);
    if (rhs == nullptr) return nullptr;
    ExperimentalDurationExpr(*lhs);
    if ((op.type == ItemType::kDiv || op.type == ItemType::kMod) &&
        rhs->kind() == ExprKind::kNumberLiteral && static_cast<NumberLiteral&>(*rhs).val == 0) {
      AddErr(ItemRange(op), op.type == ItemType::kDiv ? "division by zero" : "modulo by zero");
      lhs = std::make_unique<NumberLiteral>();
      continue;
    }
    auto d = std::make_unique<DurationExpr>();
    d->op = op.type;
    d->lhs = std::move(lhs);
    d->rhs = std::move(rhs);
    lhs = std::move(d);
  }
  return lhs;
}

ExprPtr Parser::Positive(ExprPtr e) {
  if (e->kind() == ExprKind::kNumberLiteral && static_cast<NumberLiteral&>(*e).val <= 0) {
    AddErr(e->Range(), "duration must be greater than 0");
    return std::make_unique<NumberLiteral>();
  }
  return e;
}

ExprPtr Parser::ParseOffsetDuration() {
  if (Failed()) return nullptr;
  ItemType t = Peek().type;
  switch (t) {
    case ItemType::kNumber:
    case ItemType::kDuration:
      return ParseDurationLiteral();
    case ItemType::kStep:
    case ItemType::kRange:
    case ItemType::kMaxOf:
    case ItemType::kMinOf:
      return ParseDurationKeyword();
    case ItemType::kLeftParen:
      return ParseDuration(0);
    case ItemType::kAdd:
    case ItemType::kSub:
      break;
    default:
      return nullptr;
  }
  Item op = Consume();
  ItemType n = Peek().type;
  if (n == ItemType::kNumber || n == ItemType::kDuration) {
    auto nl = std::make_unique<NumberLiteral>();
    LiteralFromItem(Consume(), nl.get());
    if (op.type == ItemType::kSub) nl->val *= -1;
    if (DurationLiteralOutOfRange(nl->val)) {
      AddErr(ItemRange(op), "duration out of range");
      return std::make_unique<NumberLiteral>();
    }
    nl->pos.start = op.pos;
    return nl;
  }
  if (n == ItemType::kStep || n == ItemType::kRange || n == ItemType::kMaxOf ||
      n == ItemType::kMinOf) {
    ExprPtr inner = ParseDurationKeyword();
    if (inner == nullptr) return nullptr;
    auto d = std::make_unique<DurationExpr>();
    d->op = op.type;
    d->rhs = std::move(inner);
    d->start_pos = op.pos;
    ExperimentalDurationExpr(*d);
    return d;
  }
  if (n == ItemType::kLeftParen) {
    Consume();
    ExprPtr inner = ParseDuration(0);
    if (inner == nullptr || Peek().type != ItemType::kRightParen) return nullptr;
    Consume();
    return ApplyUnary(op, std::move(inner), true);
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Type checking.

PositionRange Parser::OpRange(const BinaryExpr& e) const {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  PositionRange r;
  int n = static_cast<int>(input_.size());
  for (r.start = e.lhs->Range().end; r.start < n && is_space(input_[r.start]); ++r.start) {
  }
  for (r.end = e.rhs->Range().start - 1; r.end > 0 && r.end < n && is_space(input_[r.end]);
       --r.end) {
  }
  return r;
}

void Parser::ExpectType(Expr* e, ValueType want, std::string_view context) {
  ValueType t = Check(e);
  if (t != want) {
    AddErr(e->Range(), fmt::format("expected type {} in {}, got {}", DocumentedType(want), context,
                                   DocumentedType(t)));
  }
}

ValueType Parser::Check(Expr* node) {
  ValueType typ = node->Type();
  switch (node->kind()) {
    case ExprKind::kAggregate: {
      auto* n = static_cast<AggregateExpr*>(node);
      ExpectType(n->expr.get(), ValueType::kVector, "aggregation expression");
      if (n->op == ItemType::kTopk || n->op == ItemType::kBottomk || n->op == ItemType::kQuantile ||
          n->op == ItemType::kLimitk || n->op == ItemType::kLimitRatio) {
        ExpectType(n->param.get(), ValueType::kScalar, "aggregation parameter");
      }
      if (n->op == ItemType::kCountValues) {
        ExpectType(n->param.get(), ValueType::kString, "aggregation parameter");
      }
      break;
    }
    case ExprKind::kBinary: {
      auto* n = static_cast<BinaryExpr*>(node);
      ValueType lt = Check(n->lhs.get());
      ValueType rt = Check(n->rhs.get());
      VectorMatching& vm = *n->matching;
      if (n->return_bool && !IsComparisonOperator(n->op)) {
        AddErr(OpRange(*n), "bool modifier can only be used on comparison operators");
      }
      if (IsComparisonOperator(n->op) && !n->return_bool && n->rhs->Type() == ValueType::kScalar &&
          n->lhs->Type() == ValueType::kScalar) {
        AddErr(OpRange(*n), "comparisons between scalars must use BOOL modifier");
      }
      if (IsSetOperator(n->op) && vm.card == Cardinality::kOneToOne) {
        vm.card = Cardinality::kManyToMany;
      }
      for (const std::string& l1 : vm.matching_labels) {
        for (const std::string& l2 : vm.include) {
          if (l1 == l2 && vm.on) {
            AddErr(OpRange(*n),
                   fmt::format("label {} must not occur in ON and GROUP clause at once",
                               util::GoQuote(l1)));
          }
        }
      }
      if (lt != ValueType::kScalar && lt != ValueType::kVector) {
        AddErr(n->lhs->Range(),
               "binary expression must contain only scalar and instant vector types");
      }
      if (rt != ValueType::kScalar && rt != ValueType::kVector) {
        AddErr(n->rhs->Range(),
               "binary expression must contain only scalar and instant vector types");
      }
      if (lt != ValueType::kVector || rt != ValueType::kVector) {
        if (!vm.matching_labels.empty()) {
          AddErr(n->Range(), "vector matching only allowed between instant vectors");
        }
        if (vm.fill_lhs || vm.fill_rhs) {
          AddErr(n->Range(), "filling in missing series only allowed between instant vectors");
        }
        n->matching.reset();
      } else if (IsSetOperator(n->op)) {
        if (vm.card == Cardinality::kOneToMany || vm.card == Cardinality::kManyToOne) {
          AddErr(n->Range(),
                 fmt::format("no grouping allowed for \"{}\" operation", ItemTypeString(n->op)));
        }
        if (vm.card != Cardinality::kManyToMany) {
          AddErr(n->Range(), "set operations must always be many-to-many");
        }
        if (vm.fill_lhs || vm.fill_rhs) {
          AddErr(n->Range(), "filling in missing series not allowed for set operators");
        }
      }
      if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOperator(n->op)) {
        AddErr(n->Range(),
               fmt::format("set operator \"{}\" not allowed in binary scalar expression",
                           ItemTypeString(n->op)));
      }
      break;
    }
    case ExprKind::kCall: {
      auto* n = static_cast<Call*>(node);
      const Function& f = *n->func;
      size_t nargs = f.arg_types.size();
      if (f.variadic == 0) {
        if (nargs != n->args.size()) {
          AddErr(n->Range(), fmt::format("expected {} argument(s) in call to {}, got {}", nargs,
                                         util::GoQuote(f.name), n->args.size()));
        }
      } else {
        size_t na = nargs - 1;
        if (na > n->args.size()) {
          AddErr(n->Range(), fmt::format("expected at least {} argument(s) in call to {}, got {}",
                                         na, util::GoQuote(f.name), n->args.size()));
        } else if (f.variadic > 0 && na + static_cast<size_t>(f.variadic) < n->args.size()) {
          AddErr(n->Range(), fmt::format("expected at most {} argument(s) in call to {}, got {}",
                                         na + static_cast<size_t>(f.variadic),
                                         util::GoQuote(f.name), n->args.size()));
        }
      }
      if (f.name == "info" && n->args.size() > 1) {
        Expr* a1 = n->args[1].get();
        if (a1->Type() != ValueType::kVector) {
          AddErr(n->Range(), fmt::format("expected type {} in call to function {}, got {}",
                                         DocumentedType(ValueType::kVector), util::GoQuote(f.name),
                                         DocumentedType(a1->Type())));
        }
        if (a1->kind() == ExprKind::kVectorSelector) {
          auto* vs = static_cast<VectorSelector*>(a1);
          if (!vs->name.empty()) {
            AddErr(a1->Range(), "expected label selectors only, got vector selector instead");
          } else {
            vs->bypass_empty_matcher_check = true;
          }
        } else {
          AddErr(a1->Range(), "expected label selectors only");
        }
      }
      for (size_t i = 0; i < n->args.size(); ++i) {
        size_t k = i;
        if (k >= nargs) {
          if (f.variadic == 0) break;
          k = nargs - 1;
        }
        ValueType t = Check(n->args[i].get());
        if (t != f.arg_types[k]) {
          AddErr(n->args[i]->Range(), fmt::format("expected type {} in call to function {}, got {}",
                                                  DocumentedType(f.arg_types[k]),
                                                  util::GoQuote(f.name), DocumentedType(t)));
        }
      }
      break;
    }
    case ExprKind::kParen:
      Check(static_cast<ParenExpr*>(node)->expr.get());
      break;
    case ExprKind::kUnary: {
      auto* n = static_cast<UnaryExpr*>(node);
      ValueType t = Check(n->expr.get());
      if (t != ValueType::kScalar && t != ValueType::kVector) {
        AddErr(n->Range(), fmt::format("unary expression only allowed on expressions of type "
                                       "scalar or instant vector, got {}",
                                       util::GoQuote(DocumentedType(t))));
      }
      break;
    }
    case ExprKind::kSubquery: {
      auto* n = static_cast<SubqueryExpr*>(node);
      ValueType t = Check(n->expr.get());
      if (t != ValueType::kVector) {
        AddErr(n->Range(), fmt::format("subquery is only allowed on instant vector, got {} instead",
                                       ValueTypeName(t)));
      }
      break;
    }
    case ExprKind::kMatrixSelector:
      Check(static_cast<MatrixSelector*>(node)->vector_selector.get());
      break;
    case ExprKind::kVectorSelector: {
      auto* n = static_cast<VectorSelector*>(node);
      if (!n->name.empty()) {
        for (size_t i = 0; i + 1 < n->matchers.size(); ++i) {
          if (n->matchers[i].name() == "__name__") {
            AddErr(n->Range(),
                   fmt::format("metric name must not be set twice: {} or {}",
                               util::GoQuote(n->name), util::GoQuote(n->matchers[i].value())));
          }
        }
        break;
      }
      if (!n->bypass_empty_matcher_check) {
        bool not_empty = false;
        for (const model::Matcher& m : n->matchers) {
          if (!m.MatchesEmpty()) {
            not_empty = true;
            break;
          }
        }
        if (!not_empty) {
          AddErr(n->Range(), "vector selector must contain at least one non-empty matcher");
        }
      }
      break;
    }
    default:
      break;
  }
  return typ;
}

// ---------------------------------------------------------------------------------------------
// Metric selectors and series descriptions.

std::vector<model::Matcher> Parser::ParseMetricSelectorTop() {
  std::vector<model::Matcher> out;
  const Item& it = Peek();
  if (Failed()) return out;
  if (it.type != ItemType::kLeftBrace && !IsMetricIdentifier(it.type)) {
    Unexpected("", "");
    return out;
  }
  ExprPtr e = ParseVectorSelector();
  if (e == nullptr) return out;
  if (Peek().type != ItemType::kEof) {
    Unexpected("", "");
    return out;
  }
  return std::move(static_cast<VectorSelector&>(*e).matchers);
}

// Upstream's `metric` rule: a name, a label set or both, where the label set may be empty (so
// may the whole input). With a name the set goes through a labels.Builder, which drops labels
// with empty values; a bare label set keeps them.
model::Labels Parser::ParseMetricTop() {
  const Item& it = Peek();
  if (Failed() || it.type == ItemType::kEof) return {};
  std::string name;
  if (IsMetricIdentifier(it.type)) {
    name = std::string(Consume().val);
  } else if (it.type != ItemType::kLeftBrace) {
    Unexpected("", "");
    return {};
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  if (Peek().type == ItemType::kLeftBrace && !ParseLabelSet(&pairs)) return {};
  if (Failed()) return {};
  if (Peek().type != ItemType::kEof) {
    Unexpected("", "");
    return {};
  }
  model::Labels set = model::Labels::FromPairs(std::move(pairs));
  if (name.empty()) return set;
  model::LabelsBuilder b(set.WithoutEmpty());
  b.Set(model::kMetricName, name);
  return b.Build();
}

bool Parser::ParseLabelSet(std::vector<std::pair<std::string, std::string>>* out) {
  Consume();  // '{'
  if (Peek().type == ItemType::kRightBrace) {
    Consume();
    return true;
  }
  for (;;) {
    const Item& first = Peek();
    if (first.type != ItemType::kIdentifier && first.type != ItemType::kString) {
      Unexpected("label set", "identifier or \"}\"");
      return false;
    }
    Item label = Consume();
    std::string name =
        label.type == ItemType::kString ? UnquoteItem(label) : std::string(label.val);
    if (Peek().type == ItemType::kEql) {
      Consume();
      if (Peek().type != ItemType::kString) {
        Unexpected("label set", "string");
        return false;
      }
      out->emplace_back(std::move(name), UnquoteItem(Consume()));
    } else if (label.type == ItemType::kString) {
      out->emplace_back("__name__", std::move(name));
    } else {
      Unexpected("label set", "\"=\"");
      return false;
    }
    ItemType t = Peek().type;
    if (t == ItemType::kComma) {
      Consume();
      if (Peek().type == ItemType::kRightBrace) {
        Consume();
        return true;
      }
      continue;
    }
    if (t == ItemType::kRightBrace) {
      Consume();
      return true;
    }
    Unexpected("label set", "\",\" or \"}\"");
    return false;
  }
}

bool Parser::ParseUint(uint64_t* out) {
  if (Peek().type != ItemType::kNumber) {
    Unexpected("series values", "");
    return false;
  }
  Item n = Consume();
  uint64_t v = 0;
  bool ok = !n.val.empty();
  for (char c : n.val) {
    if (c < '0' || c > '9' || v > (UINT64_MAX - static_cast<uint64_t>(c - '0')) / 10) {
      ok = false;
      break;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok) {
    AddErr(ItemRange(n), fmt::format("invalid repetition in series values: strconv.ParseUint: "
                                     "parsing {}: invalid syntax",
                                     util::GoQuote(n.val)));
  }
  *out = v;
  return true;
}

bool Parser::ParseSeriesNumber(double* out) {
  ItemType t = Peek().type;
  bool neg = false;
  if (t == ItemType::kAdd || t == ItemType::kSub) {
    neg = Consume().type == ItemType::kSub;
    t = Peek().type;
  }
  if (t != ItemType::kNumber && t != ItemType::kDuration) {
    Unexpected("series values", "");
    return false;
  }
  NumberLiteral nl;
  LiteralFromItem(Consume(), &nl);
  *out = neg ? -nl.val : nl.val;
  return true;
}

bool Parser::ParseSeriesValues(std::vector<SequenceValue>* out) {
  for (;;) {
    ItemType t = Peek().type;
    if (t == ItemType::kEof || Failed()) return !Failed();
    if (t != ItemType::kSpace) {
      Unexpected("series values", "");
      return false;
    }
    Consume();
    t = Peek().type;
    if (t == ItemType::kEof || t == ItemType::kSpace) continue;
    if (t == ItemType::kBlank) {
      Consume();
      if (Peek().type == ItemType::kTimes) {
        Consume();
        uint64_t n = 0;
        if (!ParseUint(&n)) return false;
        for (uint64_t i = 0; i < n; ++i) out->push_back({0, true});
      } else {
        out->push_back({0, true});
      }
      continue;
    }
    if (t == ItemType::kOpenHist) {
      if (!ParseHistogramValues(out)) return false;
      continue;
    }
    double v = 0;
    if (t == ItemType::kIdentifier) {
      Item id = Consume();
      if (id.val != "stale") {
        AddErr(ItemRange(id), fmt::format("unexpected {} in series values, expected number or "
                                          "\"stale\"",
                                          id.Desc()));
      }
      v = std::bit_cast<double>(kStaleNaNBits);
    } else if (!ParseSeriesNumber(&v)) {
      return false;
    }
    t = Peek().type;
    if (t == ItemType::kTimes) {
      Consume();
      uint64_t n = 0;
      if (!ParseUint(&n)) return false;
      for (uint64_t i = 0; i <= n; ++i) out->push_back({v, false});
    } else if (t == ItemType::kAdd || t == ItemType::kSub) {
      double step = 0;
      if (!ParseSeriesNumber(&step)) return false;
      if (Peek().type != ItemType::kTimes) {
        Unexpected("series values", "");
        return false;
      }
      Consume();
      uint64_t n = 0;
      if (!ParseUint(&n)) return false;
      for (uint64_t i = 0; i <= n; ++i) {
        out->push_back({v, false});
        v += step;
      }
    } else {
      out->push_back({v, false});
    }
  }
}

// `{{...}}`, `{{...}}xN`, `{{...}}+{{...}}xN` or `{{...}}-{{...}}xN`.
bool Parser::ParseHistogramValues(std::vector<SequenceValue>* out) {
  bool hint_set = false;
  Item first = Consume();
  auto base = ParseHistogramDesc(first, &hint_set);
  if (base == nullptr) return false;
  ItemType t = Peek().type;
  if (t == ItemType::kTimes) {
    Consume();
    uint64_t n = 0;
    if (!ParseUint(&n)) return false;
    for (uint64_t i = 0; i <= n; ++i) out->push_back(SequenceValue(base, hint_set));
    return true;
  }
  if (t == ItemType::kAdd || t == ItemType::kSub) {
    Item op = Consume();
    if (Peek().type != ItemType::kOpenHist) {
      Unexpected("series values", "");
      return false;
    }
    Item inc_item = Consume();
    auto inc = ParseHistogramDesc(inc_item, &hint_set);
    if (inc == nullptr) return false;
    if (Peek().type != ItemType::kTimes) {
      Unexpected("series values", "");
      return false;
    }
    Consume();
    uint64_t n = 0;
    if (!ParseUint(&n)) return false;
    // As upstream: the base at time 0, then n times the increment added (subtracted).
    out->push_back(SequenceValue(base, hint_set));
    auto cur = base;
    for (uint64_t i = 1; i <= n; ++i) {
      if (cur->schema > inc->schema) {
        AddErr(PositionRange{first.pos, last_end_},
               fmt::format("error combining histograms: cannot merge from schema {} to {}",
                           inc->schema, cur->schema));
        return false;
      }
      auto next = std::make_shared<model::FloatHistogram>(*cur);
      auto r = op.type == ItemType::kAdd ? next->Add(*inc) : next->Sub(*inc);
      if (!r.ok()) {
        AddErr(PositionRange{first.pos, last_end_}, std::string(r.status().message()));
        return false;
      }
      cur = next;
      out->push_back(SequenceValue(cur, hint_set));
    }
    return true;
    return false;
  }
  out->push_back(SequenceValue(base, hint_set));
  return true;
}

// The fields of one `{{key:value ...}}` histogram description (upstream buildHistogramFromMap):
// keys are case-insensitive; a later key replaces an earlier one.
std::shared_ptr<const model::FloatHistogram> Parser::ParseHistogramDesc(const Item& item,
                                                                        bool* hint_set) {
  std::string_view text = item.val;
  const int base_pos = item.pos;
  auto h = std::make_shared<model::FloatHistogram>();
  *hint_set = false;
  std::optional<std::vector<double>> buckets, n_buckets;
  int64_t offset = 0, n_offset = 0;
  size_t i = 2;  // past "{{"
  const size_t end = text.size() - 2;
  auto err = [&](size_t at, std::string msg) {
    AddErr(PositionRange{base_pos + static_cast<int>(at), base_pos + static_cast<int>(end)},
           std::move(msg));
    return nullptr;
  };
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  auto number = [&](std::string_view s, size_t at, double* out) {
    std::string_view u = s;
    bool neg = false;
    if (!u.empty() && (u[0] == '-' || u[0] == '+')) {
      neg = u[0] == '-';
      u.remove_prefix(1);
    }
    int64_t iv = 0;
    if (ParseGoInt(u, &iv)) {
      *out = static_cast<double>(iv);
    } else {
      util::Result<double> f = util::ParseFloat(u);
      if (!f.ok() || u.empty() || u[0] == '+' || u[0] == '-') {
        err(at, fmt::format("error parsing number in histogram description: {}", util::GoQuote(s)));
        return false;
      }
      *out = *f;
    }
    if (neg) *out = -*out;
    return true;
  };
  auto integer = [&](std::string_view s, size_t at, int64_t* out) {
    std::string_view u = s;
    bool neg = !u.empty() && u[0] == '-';
    if (neg) u.remove_prefix(1);
    if (u.empty() || !ParseGoInt(u, out)) {
      err(at, fmt::format("error parsing integer in histogram description: {}", util::GoQuote(s)));
      return false;
    }
    if (neg) *out = -*out;
    return true;
  };
  while (i < end) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    size_t key_start = i;
    while (i < end && text[i] != ':' && !is_space(text[i])) ++i;
    std::string key = util::ToLower(text.substr(key_start, i - key_start));
    static constexpr std::string_view kKeys[] = {
        "sum",       "count",    "schema",     "offset",        "n_offset",          "buckets",
        "n_buckets", "z_bucket", "z_bucket_w", "custom_values", "counter_reset_hint"};
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return err(key_start, fmt::format("bad histogram descriptor found: {}",
                                        util::GoQuote(text.substr(key_start, i - key_start))));
    }
    if (i >= end || text[i] != ':') return err(key_start, "missing `:` for histogram descriptor");
    ++i;
    size_t val_start = i;
    if (key == "buckets" || key == "n_buckets" || key == "custom_values") {
      if (i >= end || text[i] != '[') {
        return err(val_start, fmt::format("unexpected value for histogram descriptor {}, expected "
                                          "a bucket list like [1 2 3]",
                                          key));
      }
      size_t close = text.find(']', i);
      if (close == std::string_view::npos || close > end) {
        return err(val_start, "unclosed bucket list in histogram description");
      }
      std::vector<double> vals;
      size_t j = i + 1;
      while (j < close) {
        if (is_space(text[j])) {
          ++j;
          continue;
        }
        size_t k = j;
        while (k < close && !is_space(text[k])) ++k;
        double v = 0;
        if (!number(text.substr(j, k - j), j, &v)) return nullptr;
        vals.push_back(v);
        j = k;
      }
      if (vals.empty()) return err(val_start, "empty bucket list in histogram description");
      i = close + 1;
      if (key == "buckets") {
        buckets = std::move(vals);
      } else if (key == "n_buckets") {
        n_buckets = std::move(vals);
      } else {
        h->custom_values = std::move(vals);
      }
      continue;
    }
    while (i < end && !is_space(text[i])) ++i;
    std::string_view val = text.substr(val_start, i - val_start);
    if (key == "counter_reset_hint") {
      std::string v = util::ToLower(val);
      if (v == "unknown") {
        h->counter_reset_hint = model::CounterResetHint::kUnknown;
      } else if (v == "reset") {
        h->counter_reset_hint = model::CounterResetHint::kCounterReset;
      } else if (v == "not_reset") {
        h->counter_reset_hint = model::CounterResetHint::kNotCounterReset;
      } else if (v == "gauge") {
        h->counter_reset_hint = model::CounterResetHint::kGauge;
      } else {
        return err(val_start,
                   fmt::format("bad histogram descriptor found: {}", util::GoQuote(val)));
      }
      *hint_set = true;
    } else if (key == "schema" || key == "offset" || key == "n_offset") {
      int64_t v = 0;
      if (!integer(val, val_start, &v)) return nullptr;
      if (key == "schema") {
        h->schema = static_cast<int32_t>(v);
      } else if (key == "offset") {
        offset = v;
      } else {
        n_offset = v;
      }
    } else {
      double v = 0;
      if (!number(val, val_start, &v)) return nullptr;
      if (key == "sum") {
        h->sum = v;
      } else if (key == "count") {
        h->count = v;
      } else if (key == "z_bucket") {
        h->zero_count = v;
      } else {
        h->zero_threshold = v;
      }
    }
  }
  if (buckets) {
    h->positive_spans = {{static_cast<int32_t>(offset), static_cast<uint32_t>(buckets->size())}};
    h->positive_buckets = std::move(*buckets);
  }
  if (n_buckets) {
    h->negative_spans = {
        {static_cast<int32_t>(n_offset), static_cast<uint32_t>(n_buckets->size())}};
    h->negative_buckets = std::move(*n_buckets);
  }
  return h;
}

SeriesDesc Parser::ParseSeriesDescTop() {
  SeriesDesc desc;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string name;
  const Item& it = Peek();
  if (Failed()) return desc;
  if (IsMetricIdentifier(it.type)) name = std::string(Consume().val);
  if (Peek().type == ItemType::kLeftBrace && !ParseLabelSet(&pairs)) return desc;
  if (!name.empty()) {
    std::erase_if(pairs, [](const auto& p) { return p.first == "__name__"; });
    pairs.emplace_back("__name__", name);
  }
  desc.labels = model::Labels::FromPairs(std::move(pairs));
  if (Failed()) return desc;
  ParseSeriesValues(&desc.values);
  return desc;
}

util::Status ErrorStatus(std::string_view input, std::vector<ParseErr>& errs, ParseErrors* out) {
  util::Status st = util::Status::InvalidArgument(errs.front().Error(input));
  if (out != nullptr) out->errors = std::move(errs);
  return st;
}

}  // namespace

std::string ParseErr::Error(std::string_view query) const {
  std::string where;
  if (query.empty()) {
    where = "unknown position";
  } else if (range.start < 0 || range.start > static_cast<int>(query.size())) {
    where = "invalid position";
  } else {
    int line = 1;
    int last_break = -1;
    for (int i = 0; i < range.start; ++i) {
      if (query[static_cast<size_t>(i)] == '\n') {
        last_break = i;
        ++line;
      }
    }
    where = fmt::format("{}:{}", line, range.start - last_break);
  }
  return fmt::format("{}: parse error: {}", where, msg);
}

util::Result<ExprPtr> ParseExpr(std::string_view input, const Options& opts, ParseErrors* errors) {
  Parser p(input, opts, false);
  ExprPtr e = p.ParseExprTop();
  if (p.errors().empty() && e != nullptr) p.CheckTree(e.get());
  if (!p.errors().empty() || e == nullptr) {
    if (p.errors().empty()) p.errors().push_back({{0, 0}, "unexpected error"});
    return ErrorStatus(input, p.errors(), errors);
  }
  return e;
}

util::Result<std::vector<model::Matcher>> ParseMetricSelector(std::string_view input,
                                                              ParseErrors* errors) {
  Parser p(input, Options{}, false);
  std::vector<model::Matcher> ms = p.ParseMetricSelectorTop();
  if (!p.errors().empty()) return ErrorStatus(input, p.errors(), errors);
  return ms;
}

util::Result<model::Labels> ParseMetric(std::string_view input, ParseErrors* errors) {
  Parser p(input, Options{}, false);
  model::Labels m = p.ParseMetricTop();
  if (!p.errors().empty()) return ErrorStatus(input, p.errors(), errors);
  return m;
}

util::Result<SeriesDesc> ParseSeriesDesc(std::string_view input, ParseErrors* errors) {
  Parser p(input, Options{}, true);
  SeriesDesc d = p.ParseSeriesDescTop();
  if (!p.errors().empty()) return ErrorStatus(input, p.errors(), errors);
  return d;
}

}  // namespace promkit::promql::parser
