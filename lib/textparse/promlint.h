#pragma once
// promlint: the consistency checks `promtool check metrics` applies to metric families, as
// client_golang's prometheus/testutil/promlint: HELP presence, base units, counter `_total`,
// reserved `_bucket`/`_count`/`_sum` suffixes and `le`/`quantile` labels, type names in metric
// names, ':' in names, camelCase, abbreviated units and duplicate series.
// Thread-safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "textparse/families.h"
#include "util/status.h"

namespace promkit::textparse {

struct Problem {
  std::string metric;  // the family name
  std::string text;    // e.g. `counter metrics should have "_total" suffix`
  friend bool operator==(const Problem&, const Problem&) = default;
};

// The problems of one family, in promlint's validation order (unsorted).
std::vector<Problem> LintFamily(const ParsedFamilies& parsed, const MetricFamily& family);

// The problems of every family, sorted by metric name and then text (promlint's order).
std::vector<Problem> LintFamilies(const ParsedFamilies& parsed);

// Parses `text` as promlint does (text format, legacy name validation) and lints it. Fails with
// the parser's error ("text format parsing error in line N: ..."); `info` receives its position.
util::Result<std::vector<Problem>> LintText(std::string_view text,
                                            TextParseErrorInfo* info = nullptr);

}  // namespace promkit::textparse
