#pragma once
// The PromQL lexer: a state machine that turns a query (or a series description, as used by rule
// unit tests and promqltest) into items, with upstream's token set and error texts. Items carry
// byte offsets; errors are items of type kError whose value is the message.
// Thread-safety: a Lexer is used by one thread; it views the input, which must outlive it.

#include <cstdint>
#include <string>
#include <string_view>

namespace promkit::promql::parser {

enum class ItemType : uint8_t {
  kError,
  kEof,
  kComment,
  kIdentifier,
  kMetricIdentifier,
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kEql,  // '=' (label matching, label sets)
  kColon,
  kSemicolon,
  kString,
  kNumber,
  kDuration,
  kBlank,  // '_' in series values
  kTimes,  // 'x' in series values
  kSpace,  // significant only in series values
  kOpenHist,
  kCloseHist,
  // Operators.
  kOperatorsStart,
  kAdd,
  kDiv,
  kEqlc,
  kEqlRegex,
  kGte,
  kGtr,
  kTrimUpper,
  kTrimLower,
  kLand,
  kLor,
  kLss,
  kLte,
  kLunless,
  kMod,
  kMul,
  kNeq,
  kNeqRegex,
  kPow,
  kSub,
  kAt,
  kAtan2,
  kOperatorsEnd,
  // Aggregators.
  kAggregatorsStart,
  kAvg,
  kBottomk,
  kCount,
  kCountValues,
  kGroup,
  kMax,
  kMin,
  kQuantile,
  kStddev,
  kStdvar,
  kSum,
  kTopk,
  kLimitk,
  kLimitRatio,
  kAggregatorsEnd,
  // Keywords.
  kKeywordsStart,
  kBool,
  kBy,
  kGroupLeft,
  kGroupRight,
  kFill,
  kFillLeft,
  kFillRight,
  kIgnoring,
  kOffset,
  kSmoothed,
  kAnchored,
  kOn,
  kWithout,
  kKeywordsEnd,
  // Preprocessors and duration-expression keywords.
  kStart,
  kEnd,
  kStep,
  kRange,
  kMaxOf,
  kMinOf,
  // Histogram descriptors (series values only).
  kHistDesc,
  kCounterResetHint,
};

inline bool IsOperator(ItemType t) {
  return t > ItemType::kOperatorsStart && t < ItemType::kOperatorsEnd;
}
inline bool IsAggregator(ItemType t) {
  return t > ItemType::kAggregatorsStart && t < ItemType::kAggregatorsEnd;
}
inline bool IsKeyword(ItemType t) {
  return t > ItemType::kKeywordsStart && t < ItemType::kKeywordsEnd;
}
inline bool IsAggregatorWithParam(ItemType t) {
  return t == ItemType::kTopk || t == ItemType::kBottomk || t == ItemType::kCountValues ||
         t == ItemType::kQuantile || t == ItemType::kLimitk || t == ItemType::kLimitRatio;
}
inline bool IsExperimentalAggregator(ItemType t) {
  return t == ItemType::kLimitk || t == ItemType::kLimitRatio;
}
inline bool IsComparisonOperator(ItemType t) {
  return t == ItemType::kEqlc || t == ItemType::kNeq || t == ItemType::kLte ||
         t == ItemType::kLss || t == ItemType::kGte || t == ItemType::kGtr;
}
inline bool IsSetOperator(ItemType t) {
  return t == ItemType::kLand || t == ItemType::kLor || t == ItemType::kLunless;
}

// The canonical spelling of a token type ("+", "sum", "group_left", "("), or "" for types
// without one (identifiers, numbers, strings, ...).
std::string_view ItemTypeString(ItemType t);

struct Item {
  ItemType type = ItemType::kEof;
  int pos = 0;  // byte offset of the item in the input
  std::string_view val;

  int end() const { return pos + static_cast<int>(val.size()); }
  // Upstream's Item.String(): `"foo"`, `<op:+>`, `<aggr:sum>`, `<by>`, "EOF", ...
  std::string String() const;
  // How parse errors name the item: `identifier "foo"`, `end of input`, `<op:*>`, `"("`.
  std::string Desc() const;
};

class Lexer {
 public:
  explicit Lexer(std::string_view input, bool series_desc = false)
      : input_(input), series_desc_(series_desc) {}

  // Scans the next item. After kEof or kError every further call yields kEof.
  void NextItem(Item* item);

  std::string_view input() const { return input_; }
  // Start offset of the item being scanned (upstream reports lexer errors from here).
  int start() const { return start_; }

 private:
  enum class State : uint8_t {
    kDone,
    kStatements,
    kInsideBraces,
    kValueSequence,
    kString,
    kRawString,
    kEscape,
    kSpace,
    kLineComment,
    kNumber,
    kNumberOrDuration,
    kIdentifier,
    kKeywordOrIdentifier,
    kDurationExpr,
    kHistogram,
  };

  static constexpr int32_t kEofRune = -1;

  int32_t Next();
  int32_t Peek();
  void Backup() { pos_ -= width_; }
  void Emit(ItemType t);
  void Ignore() { start_ = pos_; }
  bool Accept(std::string_view valid);
  bool Is(std::string_view valid);
  void AcceptRun(std::string_view valid);
  State Errorf(std::string msg);
  State LexHistogram();

  State Step(State s);
  State LexStatements();
  State LexInsideBraces();
  State LexValueSequence();
  State LexString();
  State LexRawString();
  State LexEscape();
  State LexSpace();
  State LexLineComment();
  State LexNumber();
  State LexNumberOrDuration();
  State LexIdentifier();
  State LexKeywordOrIdentifier();
  State LexDurationExpr();
  bool ScanNumber();
  bool AcceptRemainingDuration();
  bool ScanDurationKeyword();
  bool PeekFollowedByLeftParen() const;

  std::string_view input_;
  bool series_desc_;
  State state_ = State::kStatements;
  int pos_ = 0;
  int start_ = 0;
  int width_ = 0;
  Item* item_ = nullptr;
  bool scanned_ = false;
  std::string error_;  // storage for the message of an error item

  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  bool got_duration_ = false;
  int32_t string_open_ = 0;
};

}  // namespace promkit::promql::parser
