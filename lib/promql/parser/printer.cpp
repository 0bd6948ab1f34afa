// Expr::String() and Expr::Pretty(): upstream's printer.go and prettier.go output.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "promql/parser/ast.h"
#include "util/duration.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::promql::parser {
namespace {

constexpr size_t kMaxCharactersPerLine = 100;

bool IsLegacyLabelName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void WriteLabels(std::string& b, const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) b += ", ";
    if (IsLegacyLabelName(names[i])) {
      b += names[i];
    } else {
      util::AppendGoQuote(b, names[i]);
    }
  }
}

// model.Duration(ns).String(): whole milliseconds.
std::string ModelDuration(int64_t ns) { return util::FormatDuration(ns / 1000000); }

std::string OffsetString(const Modifiers& m) {
  if (m.original_offset_expr != nullptr) return " offset " + m.original_offset_expr->String();
  if (m.original_offset_ns > 0) return " offset " + ModelDuration(m.original_offset_ns);
  if (m.original_offset_ns < 0) return " offset -" + ModelDuration(-m.original_offset_ns);
  return "";
}

std::string AtString(const Modifiers& m) {
  if (m.timestamp_ms) {
    return fmt::format(" @ {:.3f}", static_cast<double>(*m.timestamp_ms) / 1000.0);
  }
  if (m.start_or_end == ItemType::kStart) return " @ start()";
  if (m.start_or_end == ItemType::kEnd) return " @ end()";
  return "";
}

std::string VectorSelectorString(const VectorSelector& vs, bool with_modifiers) {
  std::vector<std::string> parts;
  for (const model::Matcher& m : vs.matchers) {
    if (m.name() == "__name__" && m.type() == model::MatchType::kEqual && m.value() == vs.name &&
        !m.value().empty()) {
      continue;
    }
    parts.push_back(m.ToString());
  }
  std::string b = vs.name;
  if (!parts.empty()) {
    std::sort(parts.begin(), parts.end());
    b += '{';
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) b += ',';
      b += parts[i];
    }
    b += '}';
  }
  if (!with_modifiers) return b;
  b += AtString(vs.mods);
  if (vs.anchored) {
    b += " anchored";
  } else if (vs.smoothed) {
    b += " smoothed";
  }
  b += OffsetString(vs.mods);
  return b;
}

std::string RangeString(int64_t ns, const DurationExpr* expr) {
  return expr != nullptr ? expr->String() : ModelDuration(ns);
}

std::string AggregateOpString(const AggregateExpr& e) {
  std::string b(ItemTypeString(e.op));
  if (e.without) {
    b += " without (";
    WriteLabels(b, e.grouping);
    b += ") ";
  } else if (!e.grouping.empty()) {
    b += " by (";
    WriteLabels(b, e.grouping);
    b += ") ";
  }
  return b;
}

std::string MatchingString(const BinaryExpr& e) {
  if (!e.matching) return "";
  const VectorMatching& vm = *e.matching;
  std::string out;
  bool grouped = vm.card == Cardinality::kManyToOne || vm.card == Cardinality::kOneToMany;
  if (!vm.matching_labels.empty() || vm.on || grouped) {
    out += vm.on ? " on (" : " ignoring (";
    WriteLabels(out, vm.matching_labels);
    out += ")";
  }
  if (grouped) {
    out += vm.card == Cardinality::kManyToOne ? " group_left (" : " group_right (";
    WriteLabels(out, vm.include);
    out += ")";
  }
  if (vm.fill_lhs || vm.fill_rhs) {
    auto g = [](double v) { return util::FormatFloat(v, 'g', -1); };
    if (vm.fill_lhs && vm.fill_rhs && *vm.fill_lhs == *vm.fill_rhs) {
      out += " fill (" + g(*vm.fill_lhs) + ")";
    } else {
      if (vm.fill_lhs) out += " fill_left (" + g(*vm.fill_lhs) + ")";
      if (vm.fill_rhs) out += " fill_right (" + g(*vm.fill_rhs) + ")";
    }
  }
  return out;
}

std::string SubquerySuffix(const SubqueryExpr& e) {
  std::string step;
  if (e.step_ns != 0) {
    step = ModelDuration(e.step_ns);
  } else if (e.step_expr != nullptr) {
    step = e.step_expr->String();
  }
  return fmt::format("[{}:{}]{}{}", RangeString(e.range_ns, e.range_expr.get()), step,
                     AtString(e.mods), OffsetString(e.mods));
}

std::string Indent(int level) { return std::string(static_cast<size_t>(level) * 2, ' '); }

std::string TrimSpaceCopy(const std::string& s) { return std::string(util::TrimSpace(s)); }

}  // namespace

std::string Expr::String() const {
  switch (kind_) {
    case ExprKind::kDuration: {
      const auto& e = static_cast<const DurationExpr&>(*this);
      std::string b;
      if (e.wrapped) b += '(';
      switch (e.op) {
        case ItemType::kStep:
          b += "step()";
          break;
        case ItemType::kRange:
          b += "range()";
          break;
        case ItemType::kMinOf:
        case ItemType::kMaxOf:
          b += fmt::format("{}({}, {})", ItemTypeString(e.op), e.lhs->String(), e.rhs->String());
          break;
        default:
          if (e.lhs == nullptr) {
            if (e.op == ItemType::kSub) b += "-";
            b += e.rhs->String();
          } else {
            b += fmt::format("{} {} {}", e.lhs->String(), ItemTypeString(e.op), e.rhs->String());
          }
      }
      if (e.wrapped) b += ')';
      return b;
    }
    case ExprKind::kNumberLiteral: {
      const auto& e = static_cast<const NumberLiteral&>(*this);
      if (e.duration) {
        if (e.val < 0) return "-" + ModelDuration(static_cast<int64_t>(-e.val * 1e9));
        return ModelDuration(static_cast<int64_t>(e.val * 1e9));
      }
      return util::FormatFloat(e.val, 'f', -1);
    }
    case ExprKind::kStringLiteral:
      return util::GoQuote(static_cast<const StringLiteral&>(*this).val);
    case ExprKind::kVectorSelector:
      return VectorSelectorString(static_cast<const VectorSelector&>(*this), true);
    case ExprKind::kMatrixSelector: {
      const auto& e = static_cast<const MatrixSelector&>(*this);
      if (e.vector_selector->kind() != ExprKind::kVectorSelector) {
        return fmt::format("{}[{}]", e.vector_selector->String(),
                           RangeString(e.range_ns, e.range_expr.get()));
      }
      const auto& vs = static_cast<const VectorSelector&>(*e.vector_selector);
      std::string extended = vs.anchored ? " anchored" : vs.smoothed ? " smoothed" : "";
      return fmt::format("{}[{}]{}{}{}", VectorSelectorString(vs, false),
                         RangeString(e.range_ns, e.range_expr.get()), extended, AtString(vs.mods),
                         OffsetString(vs.mods));
    }
    case ExprKind::kSubquery: {
      const auto& e = static_cast<const SubqueryExpr&>(*this);
      return e.expr->String() + SubquerySuffix(e);
    }
    case ExprKind::kAggregate: {
      const auto& e = static_cast<const AggregateExpr&>(*this);
      std::string b = AggregateOpString(e) + "(";
      if (IsAggregatorWithParam(e.op) && e.param != nullptr) b += e.param->String() + ", ";
      b += e.expr->String() + ")";
      return b;
    }
    case ExprKind::kBinary: {
      const auto& e = static_cast<const BinaryExpr&>(*this);
      return fmt::format("{} {}{}{} {}", e.lhs->String(), ItemTypeString(e.op),
                         e.return_bool ? " bool" : "", MatchingString(e), e.rhs->String());
    }
    case ExprKind::kCall: {
      const auto& e = static_cast<const Call&>(*this);
      std::string b(e.func != nullptr ? e.func->name : "");
      b += '(';
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i > 0) b += ", ";
        b += e.args[i]->String();
      }
      return b + ')';
    }
    case ExprKind::kParen:
      return "(" + static_cast<const ParenExpr&>(*this).expr->String() + ")";
    case ExprKind::kUnary: {
      const auto& e = static_cast<const UnaryExpr&>(*this);
      return std::string(ItemTypeString(e.op)) + e.expr->String();
    }
  }
  return "";
}

std::string Expr::Pretty(int level) const {
  auto needs_split = [](const Expr& e) { return e.String().size() > kMaxCharactersPerLine; };
  switch (kind_) {
    case ExprKind::kAggregate: {
      const auto& e = static_cast<const AggregateExpr&>(*this);
      std::string s = Indent(level);
      if (!needs_split(e)) return s + e.String();
      s += AggregateOpString(e) + "(\n";
      if (IsAggregatorWithParam(e.op) && e.param != nullptr)
        s += e.param->Pretty(level + 1) + ",\n";
      return s + e.expr->Pretty(level + 1) + "\n" + Indent(level) + ")";
    }
    case ExprKind::kBinary: {
      const auto& e = static_cast<const BinaryExpr&>(*this);
      if (!needs_split(e)) return Indent(level) + e.String();
      return fmt::format("{}\n{}{}{}{}\n{}", e.lhs->Pretty(level + 1), Indent(level),
                         ItemTypeString(e.op), e.return_bool ? " bool" : "", MatchingString(e),
                         e.rhs->Pretty(level + 1));
    }
    case ExprKind::kDuration: {
      const auto& e = static_cast<const DurationExpr&>(*this);
      if (e.op == ItemType::kStep || e.op == ItemType::kRange || e.op == ItemType::kMinOf ||
          e.op == ItemType::kMaxOf) {
        return e.String();
      }
      std::string s;
      if (e.lhs == nullptr) {
        s = e.op == ItemType::kAdd ? e.rhs->Pretty(0)
                                   : std::string(ItemTypeString(e.op)) + e.rhs->Pretty(0);
      } else {
        s = fmt::format("{} {} {}", e.lhs->Pretty(0), ItemTypeString(e.op), e.rhs->Pretty(0));
      }
      return e.wrapped ? "(" + s + ")" : s;
    }
    case ExprKind::kCall: {
      const auto& e = static_cast<const Call&>(*this);
      std::string s = Indent(level);
      if (!needs_split(e)) return s + e.String();
      s += std::string(e.func->name) + "(\n";
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i > 0) s += ",\n";
        s += e.args[i]->Pretty(level + 1);
      }
      return s + "\n" + Indent(level) + ")";
    }
    case ExprKind::kParen: {
      const auto& e = static_cast<const ParenExpr&>(*this);
      std::string s = Indent(level);
      if (!needs_split(e)) return s + e.String();
      return s + "(\n" + e.expr->Pretty(level + 1) + "\n" + Indent(level) + ")";
    }
    case ExprKind::kSubquery: {
      const auto& e = static_cast<const SubqueryExpr&>(*this);
      if (!needs_split(e)) return e.String();
      return e.expr->Pretty(level) + SubquerySuffix(e);
    }
    case ExprKind::kUnary: {
      const auto& e = static_cast<const UnaryExpr&>(*this);
      return Indent(level) + std::string(ItemTypeString(e.op)) +
             TrimSpaceCopy(e.expr->Pretty(level));
    }
    default:
      return Indent(level) + String();
  }
}

}  // namespace promkit::promql::parser
