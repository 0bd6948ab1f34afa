#pragma once
// The PromQL abstract syntax tree, as upstream's promql/parser AST: expressions own their
// children (unique_ptr); positions are byte offsets into the parsed query. String() prints an
// expression the way upstream's String() does (parsing the output gives the same tree) and
// Pretty() the way upstream's prettifier does (promtool promql format).
// Thread-safety: immutable after parsing; const methods may be called from any thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/matchers.h"
#include "promql/parser/lexer.h"

namespace promkit::promql::parser {

enum class ValueType : uint8_t { kNone, kVector, kScalar, kMatrix, kString };

// "none", "vector", "scalar", "matrix", "string".
std::string_view ValueTypeName(ValueType t);
// As ValueTypeName, but "instant vector" and "range vector" for the vector types.
std::string_view DocumentedType(ValueType t);

struct PositionRange {
  int start = 0;
  int end = 0;
};

// A PromQL function's signature (upstream's functions.go).
struct Function {
  std::string_view name;
  std::vector<ValueType> arg_types;
  int variadic = 0;  // 0: exactly arg_types; -1: unlimited; n > 0: up to n optional trailing
  ValueType return_type = ValueType::kVector;
  bool experimental = false;
};

// The function called `name`, or nullptr.
const Function* GetFunction(std::string_view name);
// Every known function, sorted by name.
std::vector<const Function*> AllFunctions();

enum class ExprKind : uint8_t {
  kAggregate,
  kBinary,
  kCall,
  kMatrixSelector,
  kSubquery,
  kNumberLiteral,
  kParen,
  kStringLiteral,
  kUnary,
  kVectorSelector,
  kDuration,
};

class Expr {
 public:
  explicit Expr(ExprKind kind) : kind_(kind) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  ExprKind kind() const { return kind_; }
  virtual ValueType Type() const = 0;
  virtual PositionRange Range() const = 0;

  // Upstream's Expr.String().
  std::string String() const;
  // Upstream's Pretty(level): lines longer than 100 characters are split and indented.
  std::string Pretty(int level = 0) const;

 private:
  ExprKind kind_;
};

using ExprPtr = std::unique_ptr<Expr>;

// Structural equality, ignoring positions.
bool Equal(const Expr* a, const Expr* b);

struct DurationExpr final : Expr {
  DurationExpr() : Expr(ExprKind::kDuration) {}
  ValueType Type() const override { return ValueType::kScalar; }
  PositionRange Range() const override;

  ItemType op = ItemType::kAdd;  // kAdd kSub kMul kDiv kMod kPow kStep kRange kMaxOf kMinOf
  ExprPtr lhs;                   // null for unary ops, step() and range()
  ExprPtr rhs;
  bool wrapped = false;  // written in parentheses
  int start_pos = 0;
  int end_pos = 0;
};

struct NumberLiteral final : Expr {
  NumberLiteral() : Expr(ExprKind::kNumberLiteral) {}
  ValueType Type() const override { return ValueType::kScalar; }
  PositionRange Range() const override { return pos; }

  double val = 0;
  bool duration = false;  // written as a duration ("5m"); printed back as one
  PositionRange pos;
};

struct StringLiteral final : Expr {
  StringLiteral() : Expr(ExprKind::kStringLiteral) {}
  ValueType Type() const override { return ValueType::kString; }
  PositionRange Range() const override { return pos; }

  std::string val;
  PositionRange pos;
};

// The @ and offset modifiers shared by selectors and subqueries.
struct Modifiers {
  int64_t original_offset_ns = 0;
  std::unique_ptr<DurationExpr> original_offset_expr;
  std::optional<int64_t> timestamp_ms;     // @ <timestamp>
  ItemType start_or_end = ItemType::kEof;  // kStart / kEnd for @ start() / @ end()

  bool HasOffset() const { return original_offset_ns != 0 || original_offset_expr != nullptr; }
  bool HasAt() const {
    return timestamp_ms.has_value() || start_or_end == ItemType::kStart ||
           start_or_end == ItemType::kEnd;
  }
};

struct VectorSelector final : Expr {
  VectorSelector() : Expr(ExprKind::kVectorSelector) {}
  ValueType Type() const override { return ValueType::kVector; }
  PositionRange Range() const override { return pos; }

  std::string name;  // the metric name written before the braces, if any
  // All matchers; a name written before the braces is the last one (__name__="name").
  std::vector<model::Matcher> matchers;
  Modifiers mods;
  bool anchored = false;
  bool smoothed = false;
  bool bypass_empty_matcher_check = false;  // info()'s label-selector argument
  PositionRange pos;
};

struct MatrixSelector final : Expr {
  MatrixSelector() : Expr(ExprKind::kMatrixSelector) {}
  ValueType Type() const override { return ValueType::kMatrix; }
  PositionRange Range() const override { return {vector_selector->Range().start, end_pos}; }

  ExprPtr vector_selector;  // a VectorSelector in every tree that parsed without errors
  int64_t range_ns = 0;
  std::unique_ptr<DurationExpr> range_expr;
  int end_pos = 0;
};

struct SubqueryExpr final : Expr {
  SubqueryExpr() : Expr(ExprKind::kSubquery) {}
  ValueType Type() const override { return ValueType::kMatrix; }
  PositionRange Range() const override { return {expr->Range().start, end_pos}; }

  ExprPtr expr;
  int64_t range_ns = 0;
  std::unique_ptr<DurationExpr> range_expr;
  int64_t step_ns = 0;  // 0 with no step_expr: the default evaluation interval
  std::unique_ptr<DurationExpr> step_expr;
  Modifiers mods;
  int end_pos = 0;
};

struct AggregateExpr final : Expr {
  AggregateExpr() : Expr(ExprKind::kAggregate) {}
  ValueType Type() const override { return ValueType::kVector; }
  PositionRange Range() const override { return pos; }

  ItemType op = ItemType::kSum;
  ExprPtr expr;
  ExprPtr param;  // topk, bottomk, quantile, count_values, limitk, limit_ratio
  std::vector<std::string> grouping;
  bool without = false;
  PositionRange pos;
};

enum class Cardinality : uint8_t { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> matching_labels;
  bool on = false;
  std::vector<std::string> include;  // group_left/group_right labels
  std::optional<double> fill_lhs;
  std::optional<double> fill_rhs;
};

struct BinaryExpr final : Expr {
  BinaryExpr() : Expr(ExprKind::kBinary) {}
  ValueType Type() const override {
    return lhs->Type() == ValueType::kScalar && rhs->Type() == ValueType::kScalar
               ? ValueType::kScalar
               : ValueType::kVector;
  }
  PositionRange Range() const override { return {lhs->Range().start, rhs->Range().end}; }

  ItemType op = ItemType::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  std::optional<VectorMatching> matching;  // absent unless both sides are instant vectors
  bool return_bool = false;
};

struct Call final : Expr {
  Call() : Expr(ExprKind::kCall) {}
  ValueType Type() const override { return func ? func->return_type : ValueType::kNone; }
  PositionRange Range() const override { return pos; }

  const Function* func = nullptr;
  std::vector<ExprPtr> args;
  PositionRange pos;
};

struct ParenExpr final : Expr {
  ParenExpr() : Expr(ExprKind::kParen) {}
  ValueType Type() const override { return expr->Type(); }
  PositionRange Range() const override { return pos; }

  ExprPtr expr;
  PositionRange pos;
};

struct UnaryExpr final : Expr {
  UnaryExpr() : Expr(ExprKind::kUnary) {}
  ValueType Type() const override { return expr->Type(); }
  PositionRange Range() const override { return {start_pos, expr->Range().end}; }

  ItemType op = ItemType::kSub;
  ExprPtr expr;
  int start_pos = 0;
};

// Calls `fn` for every vector selector in the tree (those inside range selectors and
// subqueries too), in the order they are written.
void ForEachVectorSelector(const Expr* e, const std::function<void(const VectorSelector&)>& fn);

}  // namespace promkit::promql::parser
