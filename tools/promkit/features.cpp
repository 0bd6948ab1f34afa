// promtool's global --enable-feature flag and the PromQL parser options it selects.
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app.h"
#include "util/strings.h"

namespace promkit::cli {
namespace {

// The process's command line is parsed once; commands read the result when they run.
std::vector<std::string>& FeatureValues() {
  static std::vector<std::string> values;
  return values;
}

promql::parser::Options& ParserOptions() {
  static promql::parser::Options opts{.duration_expr = true};  // always on in promtool 3.x
  return opts;
}

}  // namespace

void RegisterEnableFeature(CLI::App& root, Mode mode) {
  root.add_option("--enable-feature", FeatureValues(),
                  "Comma separated feature names to enable. Valid options: "
                  "promql-experimental-functions, promql-delayed-name-removal, "
                  "promql-extended-range-selectors. See "
                  "https://prometheus.io/docs/prometheus/latest/feature_flags/ for more details")
      ->option_text(std::string(kEmptyPlaceholder));
  // Before any command's callback, as promtool applies the list before dispatching.
  root.parse_complete_callback([] {
    promql::parser::Options& opts = ParserOptions();
    for (const std::string& value : FeatureValues()) {
      for (std::string_view f : util::SplitString(value, ",")) {
        if (f == "promql-experimental-functions") {
          opts.experimental_functions = true;
        } else if (f == "promql-extended-range-selectors") {
          opts.extended_range_selectors = true;
        } else if (f == "promql-binop-fill-modifiers") {
          opts.binop_fill_modifiers = true;
        } else if (f != "promql-delayed-name-removal" && f != "promql-duration-expr" &&
                   !f.empty()) {
          // Evaluation-only or permanently enabled features change nothing here. promtool
          // prints the warning without a newline.
          std::printf("  WARNING: Unknown feature passed to --enable-feature: %.*s",
                      static_cast<int>(f.size()), f.data());
        }
      }
    }
  });
}

promql::parser::Options PromtoolParserOptions() { return ParserOptions(); }

}  // namespace promkit::cli
