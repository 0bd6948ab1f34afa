// `promql format` (promtool's PromQL pretty-printer) and `promql label-matchers set|delete`
// (edit the matchers of every vector selector, then pretty-print). In promtool mode the commands
// (like all of promtool's `promql` tree) need the global --experimental flag.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "promql/parser/parser.h"
#include "util/source_error.h"

namespace promkit::cli {
namespace {

using promql::parser::Expr;
using promql::parser::ExprKind;
using promql::parser::ExprPtr;

struct PromqlFlags {
  bool experimental = false;
  std::string query;
  std::string match_type = "=";
  std::string name;
  std::string value;
};

bool CheckExperimental(const PromqlFlags& f, Mode mode) {
  if (mode == Mode::kPromtool && !f.experimental) {
    std::fputs("This command is experimental and requires the --experimental flag to be set.\n",
               stderr);
    return false;
  }
  return true;
}

// Parses f.query with promtool's parser options (--enable-feature); on failure prints the error
// (promkit: with the query line and carets) and returns null.
ExprPtr ParseQuery(const PromqlFlags& f, Mode mode) {
  promql::parser::ParseErrors errs;
  auto expr = promql::parser::ParseExpr(f.query, PromtoolParserOptions(), &errs);
  if (expr.ok()) return std::move(*expr);
  if (mode == Mode::kPromtool || errs.errors.empty()) {
    fmt::print(stderr, "{}\n", expr.status().message());
  } else {
    const auto& e = errs.errors.front();
    size_t start = static_cast<size_t>(std::max(0, e.range.start));
    size_t len = e.range.end > e.range.start ? static_cast<size_t>(e.range.end - e.range.start) : 1;
    fmt::print(stderr, "{}",
               util::RenderSourceError("", f.query, start, len, "parse error: " + e.msg));
  }
  return nullptr;
}

int RunFormat(const PromqlFlags& f, Mode mode) {
  if (!CheckExperimental(f, mode)) return kExitFailure;
  ExprPtr expr = ParseQuery(f, mode);
  if (expr == nullptr) return kExitFailure;
  fmt::print("{}\n", expr->Pretty(0));
  return kExitOk;
}

// Calls `fn` on every vector selector of `e`, those inside range selectors included (the nodes
// upstream's parser.Inspect reaches).
void ForEachVectorSelector(Expr* e,
                           const std::function<void(promql::parser::VectorSelector&)>& fn) {
  namespace p = promql::parser;
  if (e == nullptr) return;
  switch (e->kind()) {
    case ExprKind::kVectorSelector:
      fn(static_cast<p::VectorSelector&>(*e));
      return;
    case ExprKind::kMatrixSelector:
      ForEachVectorSelector(static_cast<p::MatrixSelector&>(*e).vector_selector.get(), fn);
      return;
    case ExprKind::kSubquery:
      ForEachVectorSelector(static_cast<p::SubqueryExpr&>(*e).expr.get(), fn);
      return;
    case ExprKind::kAggregate: {
      auto& a = static_cast<p::AggregateExpr&>(*e);
      ForEachVectorSelector(a.param.get(), fn);
      ForEachVectorSelector(a.expr.get(), fn);
      return;
    }
    case ExprKind::kBinary: {
      auto& b = static_cast<p::BinaryExpr&>(*e);
      ForEachVectorSelector(b.lhs.get(), fn);
      ForEachVectorSelector(b.rhs.get(), fn);
      return;
    }
    case ExprKind::kCall:
      for (ExprPtr& arg : static_cast<p::Call&>(*e).args) ForEachVectorSelector(arg.get(), fn);
      return;
    case ExprKind::kParen:
      ForEachVectorSelector(static_cast<p::ParenExpr&>(*e).expr.get(), fn);
      return;
    case ExprKind::kUnary:
      ForEachVectorSelector(static_cast<p::UnaryExpr&>(*e).expr.get(), fn);
      return;
    case ExprKind::kNumberLiteral:
    case ExprKind::kStringLiteral:
    case ExprKind::kDuration:
      return;
  }
}

// `label-matchers set`: every selector's matchers named f.name get the type and value; a
// selector without one gets it appended.
int RunLabelsSet(const PromqlFlags& f, Mode mode) {
  if (!CheckExperimental(f, mode)) return kExitFailure;
  model::MatchType type;
  if (f.match_type == "=") {
    type = model::MatchType::kEqual;
  } else if (f.match_type == "!=") {
    type = model::MatchType::kNotEqual;
  } else if (f.match_type == "=~") {
    type = model::MatchType::kRegexMatch;
  } else if (f.match_type == "!~") {
    type = model::MatchType::kRegexNoMatch;
  } else {
    fmt::print(stderr, "{}: error: enum value must be one of =,!=,=~,!~, got '{}', try --help\n",
               ProgramName(mode), f.match_type);
    return kExitFailure;
  }
  ExprPtr expr = ParseQuery(f, mode);
  if (expr == nullptr) return kExitFailure;
  // Upstream stores the matcher uncompiled; promkit's matchers compile their regex, so a value
  // that is no valid regex fails here instead of printing a query that would not parse.
  util::Result<model::Matcher> m = model::Matcher::Make(type, f.name, f.value);
  if (!m.ok()) {
    fmt::print(stderr, "{}\n", m.status().ToString());
    return kExitFailure;
  }
  ForEachVectorSelector(expr.get(), [&](promql::parser::VectorSelector& vs) {
    bool found = false;
    for (model::Matcher& cur : vs.matchers) {
      if (cur.name() == f.name) {
        cur = *m;
        found = true;
      }
    }
    if (!found) vs.matchers.push_back(*m);
  });
  fmt::print("{}\n", expr->Pretty(0));
  return kExitOk;
}

// `label-matchers delete`: removes every matcher named f.name.
int RunLabelsDelete(const PromqlFlags& f, Mode mode) {
  if (!CheckExperimental(f, mode)) return kExitFailure;
  ExprPtr expr = ParseQuery(f, mode);
  if (expr == nullptr) return kExitFailure;
  ForEachVectorSelector(expr.get(), [&](promql::parser::VectorSelector& vs) {
    vs.matchers.erase(std::remove_if(vs.matchers.begin(), vs.matchers.end(),
                                     [&](const model::Matcher& m) { return m.name() == f.name; }),
                      vs.matchers.end());
  });
  fmt::print("{}\n", expr->Pretty(0));
  return kExitOk;
}

}  // namespace

void RegisterPromql(CLI::App& root, Mode mode, int* exit_code) {
  auto f = std::make_shared<PromqlFlags>();
  if (mode == Mode::kPromtool) {
    root.add_flag("--experimental", f->experimental, "Enable experimental commands.");
  }
  CLI::App* promql = root.add_subcommand(
      "promql", mode == Mode::kPromtool ? "PromQL formatting and editing. Requires the "
                                          "--experimental flag."
                                        : "PromQL formatting and editing.");
  promql->require_subcommand(1);
  CLI::App* format =
      promql->add_subcommand("format", "Format PromQL query to pretty printed form.");
  format->add_option("query", f->query, "PromQL query.")->required();
  format->callback([f, mode, exit_code] { *exit_code = RunFormat(*f, mode); });

  CLI::App* matchers = promql->add_subcommand(
      "label-matchers", "Edit label matchers contained within an existing PromQL query.");
  matchers->require_subcommand(1);
  CLI::App* set = matchers->add_subcommand("set", "Set a label matcher in the query.");
  // The allowed values are listed for help and docs; RunLabelsSet checks them so the error
  // reads as kingpin's.
  set->add_option("-t,--type", f->match_type, "Type of the label matcher to set.")
      ->default_str("=")
      ->check(CLI::Validator([](std::string&) { return std::string(); }, "{=,!=,=~,!~}"));
  set->add_option("query", f->query, "PromQL query.")->required();
  set->add_option("name", f->name, "Name of the label matcher to set.")->required();
  set->add_option("value", f->value, "Value of the label matcher to set.")->required();
  set->callback([f, mode, exit_code] { *exit_code = RunLabelsSet(*f, mode); });
  CLI::App* del = matchers->add_subcommand("delete", "Delete a label from the query.");
  del->add_option("query", f->query, "PromQL query.")->required();
  del->add_option("name", f->name, "Name of the label to delete.")->required();
  del->callback([f, mode, exit_code] { *exit_code = RunLabelsDelete(*f, mode); });
}

}  // namespace promkit::cli
