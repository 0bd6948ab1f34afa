#include "promql/parser/ast.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace promkit::promql::parser {

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kNone:
      return "none";
    case ValueType::kVector:
      return "vector";
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kMatrix:
      return "matrix";
    case ValueType::kString:
      return "string";
  }
  return "none";
}

std::string_view DocumentedType(ValueType t) {
  switch (t) {
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kMatrix:
      return "range vector";
    default:
      return ValueTypeName(t);
  }
}

namespace {

constexpr ValueType V = ValueType::kVector;
constexpr ValueType M = ValueType::kMatrix;
constexpr ValueType S = ValueType::kScalar;
constexpr ValueType Str = ValueType::kString;

const std::map<std::string_view, Function>& FunctionTable() {
  static const std::map<std::string_view, Function> table = [] {
    std::map<std::string_view, Function> m;
    auto add = [&m](std::string_view name, std::vector<ValueType> args, int variadic, ValueType ret,
                    bool experimental = false) {
      m[name] = Function{name, std::move(args), variadic, ret, experimental};
    };
    for (std::string_view n : {"abs",
                               "absent",
                               "acos",
                               "acosh",
                               "asin",
                               "asinh",
                               "atan",
                               "atanh",
                               "ceil",
                               "cos",
                               "cosh",
                               "deg",
                               "exp",
                               "floor",
                               "histogram_avg",
                               "histogram_count",
                               "histogram_sum",
                               "histogram_stddev",
                               "histogram_stdvar",
                               "ln",
                               "log10",
                               "log2",
                               "rad",
                               "sgn",
                               "sin",
                               "sinh",
                               "sort",
                               "sort_desc",
                               "sqrt",
                               "tan",
                               "tanh",
                               "timestamp"}) {
      add(n, {V}, 0, V);
    }
    for (std::string_view n :
         {"absent_over_time", "avg_over_time", "changes", "count_over_time", "delta", "deriv",
          "first_over_time", "idelta", "increase", "irate", "last_over_time", "max_over_time",
          "min_over_time", "present_over_time", "rate", "resets", "stddev_over_time",
          "stdvar_over_time", "sum_over_time"}) {
      add(n, {M}, 0, V);
    }
    for (std::string_view n : {"mad_over_time", "ts_of_first_over_time", "ts_of_max_over_time",
                               "ts_of_min_over_time", "ts_of_last_over_time"}) {
      add(n, {M}, 0, V, true);
    }
    for (std::string_view n : {"days_in_month", "day_of_month", "day_of_week", "day_of_year",
                               "hour", "minute", "month", "year"}) {
      add(n, {V}, 1, V);
    }
    add("clamp", {V, S, S}, 0, V);
    add("clamp_max", {V, S}, 0, V);
    add("clamp_min", {V, S}, 0, V);
    add("histogram_fraction", {S, S, V}, 0, V);
    add("histogram_quantile", {S, V}, 0, V);
    add("histogram_quantiles", {V, Str, S, S}, 9, V, true);
    add("double_exponential_smoothing", {M, S, S}, 0, V, true);
    add("info", {V, V}, 1, V, true);
    add("label_replace", {V, Str, Str, Str, Str}, 0, V);
    add("label_join", {V, Str, Str, Str}, -1, V);
    add("max_of", {S, S}, 0, S, true);
    add("min_of", {S, S}, 0, S, true);
    add("pi", {}, 0, S);
    add("predict_linear", {M, S}, 0, V);
    add("quantile_over_time", {S, M}, 0, V);
    add("round", {V, S}, 1, V);
    add("scalar", {V}, 0, S);
    add("sort_by_label", {V, Str}, -1, V, true);
    add("sort_by_label_desc", {V, Str}, -1, V, true);
    add("start", {}, 0, S, true);
    add("end", {}, 0, S, true);
    add("step", {}, 0, S, true);
    add("range", {}, 0, S, true);
    add("start_timestamp", {V}, 0, V, true);
    add("time", {}, 0, S);
    add("vector", {S}, 0, V);
    return m;
  }();
  return table;
}

bool SameFloat(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

bool EqualMods(const Modifiers& a, const Modifiers& b) {
  return a.original_offset_ns == b.original_offset_ns &&
         Equal(a.original_offset_expr.get(), b.original_offset_expr.get()) &&
         a.timestamp_ms == b.timestamp_ms && a.start_or_end == b.start_or_end;
}

// A unary plus without parentheses prints as its operand; compare it as such.
const Expr* SkipUnaryPlus(const Expr* e) {
  while (e != nullptr && e->kind() == ExprKind::kDuration) {
    const auto* d = static_cast<const DurationExpr*>(e);
    if (d->op != ItemType::kAdd || d->lhs != nullptr || d->wrapped) break;
    e = d->rhs.get();
  }
  return e;
}

bool EqualMatching(const std::optional<VectorMatching>& a, const std::optional<VectorMatching>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  auto same_opt = [](const std::optional<double>& x, const std::optional<double>& y) {
    return x.has_value() == y.has_value() && (!x || SameFloat(*x, *y));
  };
  return a->card == b->card && a->matching_labels == b->matching_labels && a->on == b->on &&
         a->include == b->include && same_opt(a->fill_lhs, b->fill_lhs) &&
         same_opt(a->fill_rhs, b->fill_rhs);
}

}  // namespace

const Function* GetFunction(std::string_view name) {
  const auto& t = FunctionTable();
  auto it = t.find(name);
  return it == t.end() ? nullptr : &it->second;
}

std::vector<const Function*> AllFunctions() {
  std::vector<const Function*> out;
  for (const auto& [name, f] : FunctionTable()) out.push_back(&f);
  return out;
}

PositionRange DurationExpr::Range() const {
  if (lhs == nullptr && rhs == nullptr) return {start_pos, end_pos};
  if (rhs == nullptr) return {start_pos, lhs->Range().end};
  if (lhs == nullptr) return {start_pos, rhs->Range().end};
  return {lhs->Range().start, rhs->Range().end};
}

bool Equal(const Expr* a, const Expr* b) {
  a = SkipUnaryPlus(a);
  b = SkipUnaryPlus(b);
  if (a == nullptr || b == nullptr) return a == b;
  if (a->kind() != b->kind()) return false;
  switch (a->kind()) {
    case ExprKind::kDuration: {
      const auto& x = static_cast<const DurationExpr&>(*a);
      const auto& y = static_cast<const DurationExpr&>(*b);
      return x.op == y.op && x.wrapped == y.wrapped && Equal(x.lhs.get(), y.lhs.get()) &&
             Equal(x.rhs.get(), y.rhs.get());
    }
    case ExprKind::kNumberLiteral: {
      const auto& x = static_cast<const NumberLiteral&>(*a);
      const auto& y = static_cast<const NumberLiteral&>(*b);
      return SameFloat(x.val, y.val) && x.duration == y.duration;
    }
    case ExprKind::kStringLiteral:
      return static_cast<const StringLiteral&>(*a).val == static_cast<const StringLiteral&>(*b).val;
    case ExprKind::kVectorSelector: {
      const auto& x = static_cast<const VectorSelector&>(*a);
      const auto& y = static_cast<const VectorSelector&>(*b);
      auto sorted = [](const std::vector<model::Matcher>& ms) {
        std::vector<std::string> out;
        for (const auto& m : ms) out.push_back(m.ToString());
        std::sort(out.begin(), out.end());
        return out;
      };
      return x.name == y.name && sorted(x.matchers) == sorted(y.matchers) &&
             EqualMods(x.mods, y.mods) && x.anchored == y.anchored && x.smoothed == y.smoothed;
    }
    case ExprKind::kMatrixSelector: {
      const auto& x = static_cast<const MatrixSelector&>(*a);
      const auto& y = static_cast<const MatrixSelector&>(*b);
      return x.range_ns == y.range_ns && Equal(x.range_expr.get(), y.range_expr.get()) &&
             Equal(x.vector_selector.get(), y.vector_selector.get());
    }
    case ExprKind::kSubquery: {
      const auto& x = static_cast<const SubqueryExpr&>(*a);
      const auto& y = static_cast<const SubqueryExpr&>(*b);
      return x.range_ns == y.range_ns && Equal(x.range_expr.get(), y.range_expr.get()) &&
             x.step_ns == y.step_ns && Equal(x.step_expr.get(), y.step_expr.get()) &&
             EqualMods(x.mods, y.mods) && Equal(x.expr.get(), y.expr.get());
    }
    case ExprKind::kAggregate: {
      const auto& x = static_cast<const AggregateExpr&>(*a);
      const auto& y = static_cast<const AggregateExpr&>(*b);
      return x.op == y.op && x.grouping == y.grouping && x.without == y.without &&
             Equal(x.param.get(), y.param.get()) && Equal(x.expr.get(), y.expr.get());
    }
    case ExprKind::kBinary: {
      const auto& x = static_cast<const BinaryExpr&>(*a);
      const auto& y = static_cast<const BinaryExpr&>(*b);
      return x.op == y.op && x.return_bool == y.return_bool &&
             EqualMatching(x.matching, y.matching) && Equal(x.lhs.get(), y.lhs.get()) &&
             Equal(x.rhs.get(), y.rhs.get());
    }
    case ExprKind::kCall: {
      const auto& x = static_cast<const Call&>(*a);
      const auto& y = static_cast<const Call&>(*b);
      if (x.func != y.func || x.args.size() != y.args.size()) return false;
      for (size_t i = 0; i < x.args.size(); ++i) {
        if (!Equal(x.args[i].get(), y.args[i].get())) return false;
      }
      return true;
    }
    case ExprKind::kParen:
      return Equal(static_cast<const ParenExpr&>(*a).expr.get(),
                   static_cast<const ParenExpr&>(*b).expr.get());
    case ExprKind::kUnary: {
      const auto& x = static_cast<const UnaryExpr&>(*a);
      const auto& y = static_cast<const UnaryExpr&>(*b);
      return x.op == y.op && Equal(x.expr.get(), y.expr.get());
    }
  }
  return false;
}

void ForEachVectorSelector(const Expr* e, const std::function<void(const VectorSelector&)>& fn) {
  if (e == nullptr) return;
  switch (e->kind()) {
    case ExprKind::kVectorSelector:
      fn(*static_cast<const VectorSelector*>(e));
      return;
    case ExprKind::kMatrixSelector:
      ForEachVectorSelector(static_cast<const MatrixSelector*>(e)->vector_selector.get(), fn);
      return;
    case ExprKind::kSubquery:
      ForEachVectorSelector(static_cast<const SubqueryExpr*>(e)->expr.get(), fn);
      return;
    case ExprKind::kAggregate: {
      const auto* a = static_cast<const AggregateExpr*>(e);
      ForEachVectorSelector(a->param.get(), fn);
      ForEachVectorSelector(a->expr.get(), fn);
      return;
    }
    case ExprKind::kBinary: {
      const auto* b = static_cast<const BinaryExpr*>(e);
      ForEachVectorSelector(b->lhs.get(), fn);
      ForEachVectorSelector(b->rhs.get(), fn);
      return;
    }
    case ExprKind::kCall:
      for (const ExprPtr& a : static_cast<const Call*>(e)->args) ForEachVectorSelector(a.get(), fn);
      return;
    case ExprKind::kParen:
      ForEachVectorSelector(static_cast<const ParenExpr*>(e)->expr.get(), fn);
      return;
    case ExprKind::kUnary:
      ForEachVectorSelector(static_cast<const UnaryExpr*>(e)->expr.get(), fn);
      return;
    case ExprKind::kNumberLiteral:
    case ExprKind::kStringLiteral:
    case ExprKind::kDuration:
      return;
  }
}

}  // namespace promkit::promql::parser
