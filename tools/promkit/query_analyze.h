#pragma once
// `query analyze --type=histogram` (query_analyze.cpp): promtool 3.x's bucket statistics of the
// classic and native histograms a server holds, computed from the raw samples of
// `SELECTOR[DURATION]` instant queries.

#include <functional>
#include <span>
#include <string>

#include "util/status.h"

namespace promkit::cli {

// Runs one instant query at the analysis time and returns the API's raw `data` JSON, or the
// error to print (client_golang's text).
using AnalyzeQueryFn = std::function<util::Result<std::string>(const std::string& query)>;

// Appends promtool's report to `out` as it goes (the header comes first, so a failing query
// leaves it printed, as upstream does). `duration` is Go's Duration.String() of --duration,
// spliced into each selector. Classic histograms are listed in sorted order (upstream walks a
// Go map, whose order changes from run to run).
util::Status AnalyzeHistograms(const AnalyzeQueryFn& query, std::span<const std::string> matchers,
                               const std::string& duration, std::string& out);

}  // namespace promkit::cli
