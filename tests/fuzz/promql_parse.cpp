// Fuzzes the PromQL parser: parsing never crashes, and every expression that parses prints to a
// string that parses back to the same tree (and prints identically), with all parser features on.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "promql/parser/parser.h"

namespace {

using promkit::promql::parser::Options;

[[noreturn]] void Fail(const char* what, std::string_view in, std::string_view printed) {
  std::fprintf(stderr, "promql_parse: %s\ninput:   %.*s\nprinted: %.*s\n", what,
               static_cast<int>(in.size()), in.data(), static_cast<int>(printed.size()),
               printed.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Options opts;
  opts.experimental_functions = true;
  opts.duration_expr = true;
  opts.extended_range_selectors = true;
  opts.binop_fill_modifiers = true;
  auto expr = promkit::promql::parser::ParseExpr(in, opts);
  (void)promkit::promql::parser::ParseSeriesDesc(in);
  (void)promkit::promql::parser::ParseMetricSelector(in);
  if (!expr.ok()) return 0;
  std::string printed = (*expr)->String();
  auto again = promkit::promql::parser::ParseExpr(printed, opts);
  if (!again.ok()) Fail("printed form does not parse", in, printed);
  if (!promkit::promql::parser::Equal(expr->get(), again->get())) {
    Fail("printed form parses to a different tree", in, printed);
  }
  if ((*again)->String() != printed) Fail("printing is not stable", in, printed);
  (void)(*expr)->Pretty(0);
  return 0;
}
