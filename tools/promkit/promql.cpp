// `promql format`: promtool's PromQL pretty-printer. In promtool mode the command (like all of
// promtool's `promql` tree) needs the global --experimental flag.
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "promql/parser/parser.h"
#include "util/source_error.h"

namespace promkit::cli {
namespace {

struct PromqlFlags {
  bool experimental = false;
  std::string query;
};

int RunFormat(const PromqlFlags& f, Mode mode) {
  if (mode == Mode::kPromtool && !f.experimental) {
    std::fputs("This command is experimental and requires the --experimental flag to be set.\n",
               stderr);
    return kExitFailure;
  }
  promql::parser::Options opts;
  opts.duration_expr = true;  // as promtool's parser options
  promql::parser::ParseErrors errs;
  auto expr = promql::parser::ParseExpr(f.query, opts, &errs);
  if (!expr.ok()) {
    if (mode == Mode::kPromtool || errs.errors.empty()) {
      fmt::print(stderr, "{}\n", expr.status().message());
    } else {
      const auto& e = errs.errors.front();
      size_t start = static_cast<size_t>(std::max(0, e.range.start));
      size_t len =
          e.range.end > e.range.start ? static_cast<size_t>(e.range.end - e.range.start) : 1;
      fmt::print(stderr, "{}",
                 util::RenderSourceError("", f.query, start, len, "parse error: " + e.msg));
    }
    return kExitFailure;
  }
  fmt::print("{}\n", (*expr)->Pretty(0));
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
}

}  // namespace promkit::cli
